"""The `earshot` command (CONTRACT section 1). Bad input ends in one line on stderr, never a traceback."""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import TypeVar

import duckdb

from pipelines.config import Settings, load_settings
from pipelines.errors import EarshotError
from pipelines.warehouse.connection import connect, publish_read_copy, resolve_db_path
from pipelines.warehouse.prepare import prepare_database

MAX_REJECTS_SHOWN = 20
# Jobs run by the CLI log nothing themselves: _report prints each step's figures and errors in one line.
QUIET_RUN = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
DASHBOARD_APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
T = TypeVar("T")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except EarshotError as exc:
        print(f"earshot: error: {exc}", file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        print(f"earshot: database error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="DuckDB file (default: $EARSHOT_DB, else data/earshot.duckdb)")
    common.add_argument("--config", help="configuration file (default: $EARSHOT_CONFIG, else ./earshot.toml)")
    parser = argparse.ArgumentParser(prog="earshot", description="Social listening and proactive alerts.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", parents=[common], help="load canonical JSONL (.jsonl, .jsonl.gz, or - for stdin)")
    p.add_argument("path")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("run", parents=[common], help="one tick of the whole pipeline")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("detect", parents=[common], help="run the detectors over messages not yet processed")
    p.set_defaults(func=cmd_detect)

    p = sub.add_parser("demo", parents=[common], help="run the pipeline on the demo source and serve the dashboard")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--tick-seconds", type=int, default=60, help="how often the live demo runs a tick")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("dashboard", parents=[common], help="serve the dashboard on 127.0.0.1")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_dashboard)

    notices = sub.add_parser("notices", help="review, approve and publish drafted notices")
    verbs = notices.add_subparsers(dest="verb", required=True)
    p = verbs.add_parser("list", parents=[common], help="one line per notice: id, status, platform, lang, first words")
    p.add_argument("--status", choices=["draft", "approved", "published", "rejected", "failed"])
    p.set_defaults(func=cmd_notices_list)
    decision = argparse.ArgumentParser(add_help=False, parents=[common])
    decision.add_argument("notice_id")
    decision.add_argument("--by", default=os.environ.get("USER") or "unknown", help="who decides (default: $USER)")
    for verb, helptext in (("approve", "approve a draft (or a failed notice, to try again)"),
                           ("reject", "reject a notice")):
        p = verbs.add_parser(verb, parents=[decision], help=helptext)
        p.set_defaults(func=cmd_notices_decide, verb=verb)
    p = verbs.add_parser("edit", parents=[decision], help="replace a draft's text (the old one stays in the audit)")
    p.add_argument("--text", required=True)
    p.set_defaults(func=cmd_notices_edit)
    p = verbs.add_parser("publish", parents=[common], help="publish every approved notice, exactly once")
    p.set_defaults(func=cmd_notices_publish)

    p = sub.add_parser("dagster-dev", parents=[common], help="the Dagster UI over the same definitions")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(func=cmd_dagster_dev)

    p = sub.add_parser("worker", parents=[common],
                       help="a Celery worker running the `pull` job's steps ([scale] executor = \"celery\")")
    p.add_argument("--name", help="the worker's name (default: earshot-<pid>@<host>)")
    p.add_argument("--concurrency", type=int, default=2, help="steps run at once (default 2)")
    p.set_defaults(func=cmd_worker)
    return parser


def _environment(args: argparse.Namespace) -> Path:
    """Resolve --db/--config once and export them, so Dagster and the dashboard see the same ones."""
    db_path = resolve_db_path(args.db).resolve()
    os.environ["EARSHOT_DB"] = str(db_path)
    if args.config:
        os.environ["EARSHOT_CONFIG"] = str(Path(args.config).resolve())
    load_settings()  # fail early, in one line, on a bad configuration
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(db_path.parent / "dagster")))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(str(resources.files("pipelines").joinpath("dagster.yaml")), home / "dagster.yaml")
    return db_path


def _writing(args: argparse.Namespace, work: Callable[[duckdb.DuckDBPyConnection, Settings], T]) -> T:
    """A command that writes: the warehouse brought up to date, `work` done, the read copy published."""
    db_path = _environment(args)
    settings = load_settings()
    with connect(db_path) as con:
        prepare_database(con, settings)
        result = work(con, settings)
        publish_read_copy(con, db_path)
    return result


def cmd_import(args: argparse.Namespace) -> int:
    from pipelines.ingest.importer import import_jsonl

    report = _writing(args, lambda con, settings: import_jsonl(con, args.path, settings))
    for reject in report.rejects[:MAX_REJECTS_SHOWN]:
        print(f"rejected {report.source}:{reject.line_no}: {reject.reason}", file=sys.stderr)
    if report.rejected > MAX_REJECTS_SHOWN:
        print(f"... and {report.rejected - MAX_REJECTS_SHOWN} more (table rejected_messages)", file=sys.stderr)
    print(report.summary())
    return 0


def cmd_detect(args: argparse.Namespace) -> int:
    from pipelines.detection.run import count_open_alerts, detect

    report, alerts = _writing(args, lambda con, settings: (detect(con, settings), count_open_alerts(con)))
    print(f"detect: {report.windows} windows, {report.messages} messages ({report.late_messages} late), "
          f"{report.opened} incidents opened, {report.updated} updated; {alerts} open alerts")
    return 0


def cmd_notices_list(args: argparse.Namespace) -> int:
    db_path = _environment(args)
    with connect(db_path) as con:
        prepare_database(con, load_settings())
        rows = con.execute("""SELECT notice_id, status, platform, lang, text, problem FROM notices
                              WHERE ? IS NULL OR status = ? ORDER BY created_at, notice_id""",
                           [args.status, args.status]).fetchall()
    for notice_id, status, platform, lang, text, problem in rows:
        words = " ".join(text.split()[:12])
        print(f"{notice_id}\t{status}\t{platform}\t{lang}\t{words}{' ...' if len(text.split()) > 12 else ''}"
              f"{f'  [{problem}]' if problem else ''}")
    return 0


def cmd_notices_decide(args: argparse.Namespace) -> int:
    from pipelines.notices.store import approve, reject

    decide = approve if args.verb == "approve" else reject
    return _change_notice(args, lambda con, now: decide(con, args.notice_id, args.by, now))


def cmd_notices_edit(args: argparse.Namespace) -> int:
    from pipelines.notices.store import edit

    return _change_notice(args, lambda con, now: edit(con, args.notice_id, args.text, args.by, now))


def _change_notice(args: argparse.Namespace, change) -> int:
    """Apply one person's change to a notice, then say its status and anything that blocks it."""
    notice = _writing(args, lambda con, settings: change(con, datetime.now(timezone.utc)))
    print(f"{notice.notice_id}: {notice.status}" + (f" ({notice.problem})" if notice.problem else ""))
    return 0


def cmd_notices_publish(args: argparse.Namespace) -> int:
    from pipelines.notices.publish import publish_approved

    outcomes = _writing(args, lambda con, settings: publish_approved(con, settings, datetime.now(timezone.utc)))
    for outcome in outcomes:
        stream = sys.stdout if outcome.status == "published" else sys.stderr
        print(f"{outcome.notice_id}: {outcome.status}: {outcome.detail}", file=stream)
    print(f"notices: {sum(o.status == 'published' for o in outcomes)} published, "
          f"{sum(o.status == 'failed' for o in outcomes)} failed")
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def cmd_run(args: argparse.Namespace) -> int:
    db_path = _environment(args)
    _check_sources()
    ok = run_tick()
    _warn_unhealthy(db_path)
    return 0 if ok else 1


def _warn_unhealthy(db_path: Path) -> None:
    """Say which sources are failing, stalled or silent: a channel that quietly stops is the worst case."""
    from pipelines.ingest.health import unhealthy

    with connect(db_path) as con:
        for source, status, why in unhealthy(con):
            print(f"earshot: warning: source {source} is {status}: {why}", file=sys.stderr)


def _check_sources() -> None:
    """Every configured source must have a connector: say so before any step runs."""
    from pipelines.ingest.pull import connector_for

    settings = load_settings()
    for source in settings.sources:
        connector_for(source, settings).close()


def run_tick() -> bool:
    """Execute the `tick` job, then `act` (what the incidents_changed sensor starts under the scheduler), in
    this process, recorded in DAGSTER_HOME like scheduled runs."""
    import dagster as dg

    from pipelines.definitions import ACT_JOB, TICK_JOB, build_definitions

    defs = build_definitions()
    ok = True
    with dg.DagsterInstance.get() as instance:
        if load_settings().scale.landing is not None:
            ok = _report(_execute_pull(instance))
        for job in (TICK_JOB, ACT_JOB):
            result = defs.resolve_job_def(job).execute_in_process(instance=instance, raise_on_error=False,
                                                                  run_config=QUIET_RUN)
            ok = _report(result) and ok
    return ok


def _execute_pull(instance):
    """The `pull` job, whose steps run in other processes (multiprocess) or on other machines (celery):
    those load the job from its module, so it runs from there rather than from this process's objects."""
    import dagster as dg
    from dagster._core.definitions.reconstruct import ReconstructableRepository

    from pipelines.definitions import PULL_JOB

    job = ReconstructableRepository.for_module("pipelines.definitions", "defs").get_reconstructable_job(PULL_JOB)
    return dg.execute_job(job, instance=instance, raise_on_error=False, run_config=QUIET_RUN)


def _report(result) -> bool:
    """Print each step's figures and errors; True if the run succeeded and every source was read."""
    from pipelines.definitions import TICK_JOB

    source_failed = False
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            mat = event.event_specific_data.materialization
            if "error" in mat.metadata:  # a source that could not be read this time (see ingest/assets.py)
                source_failed = True
                print(f"earshot: error: {mat.metadata['error'].value}", file=sys.stderr)
                continue
            if mat.asset_key.to_user_string() == "read_copy" and result.job_def.name == TICK_JOB:
                continue   # published again at the end of `act`; shown once
            shown = ", ".join(f"{k} {v.value}" for k, v in mat.metadata.items() if k != "path")
            print(f"{mat.asset_key.to_user_string()}: {shown}")
        elif event.event_type_value == "STEP_FAILURE":
            data = event.event_specific_data
            reason = (data.user_failure_data.description if data.user_failure_data else None) or \
                (data.error.cause or data.error).message.strip().splitlines()[0]
            print(f"earshot: error: {event.step_key} failed: {reason}", file=sys.stderr)
    return result.success and not source_failed


def cmd_demo(args: argparse.Namespace) -> int:
    """The main job on the demo source: a first tick (14 days of history), the dashboard, then a tick
    every --tick-seconds so the stream keeps arriving live."""
    _environment(args)
    _check_sources()
    if not run_tick():
        return 1
    dashboard = _start_dashboard(args.port)
    print(f"Dashboard: http://127.0.0.1:{args.port}  (Ctrl-C to stop)", flush=True)
    try:
        while dashboard.poll() is None:
            deadline = time.monotonic() + args.tick_seconds
            while time.monotonic() < deadline and dashboard.poll() is None:
                time.sleep(0.5)
            if dashboard.poll() is None:
                run_tick()
    finally:
        _stop(dashboard)
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    _environment(args)
    dashboard = _start_dashboard(args.port)
    print(f"Dashboard: http://127.0.0.1:{args.port}  (Ctrl-C to stop)", flush=True)
    try:
        return dashboard.wait()
    finally:
        _stop(dashboard)


def cmd_worker(args: argparse.Namespace) -> int:
    """Serve the `pull` job's steps from the Celery broker of `[scale]` until stopped."""
    _environment(args)
    if load_settings().scale.executor != "celery":
        raise EarshotError("earshot worker needs [scale] executor = \"celery\" in the configuration")
    name = args.name or f"earshot-{os.getpid()}@%h"
    from pipelines.ingest.workers import QUEUE

    return subprocess.call([sys.executable, "-m", "celery", "-A", "pipelines.ingest.celery_app", "worker",
                            "-Q", QUEUE, "-n", name, f"--concurrency={args.concurrency}",
                            "--prefetch-multiplier=1", "--loglevel=WARNING"])


def cmd_dagster_dev(args: argparse.Namespace) -> int:
    _environment(args)
    workspace = Path(__file__).resolve().parent.parent / "workspace.yaml"
    # dagster dev started from a non-interactive shell inherits an ignored SIGINT and then cannot be
    # stopped cleanly: restore the default before exec (ARCHITECTURE.md).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    dagster = str(Path(sys.executable).parent / "dagster")  # the one installed beside this Python
    os.execv(dagster, [dagster, "dev", "-w", str(workspace), "-h", "127.0.0.1", "-p", str(args.port)])


def _start_dashboard(port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "streamlit", "run", str(DASHBOARD_APP),
           "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
           # Streamlit's red on its own tinted background (a chosen period) is 4.48:1 in the light theme and
           # 3.6:1 in the dark one, under WCAG AA's 4.5:1 for text: a shade darker, and a shade lighter.
           "--theme.light.primaryColor", "#b3303d", "--theme.dark.primaryColor", "#f26b77"]
    return subprocess.Popen(cmd, env=os.environ.copy(), preexec_fn=_default_sigint)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    sys.exit(main())
