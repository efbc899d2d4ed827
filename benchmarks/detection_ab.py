"""Detector speed, old code against new, interleaved: for a VM whose speed varies by half between runs.

The emergence detector of a git revision and that of the working tree replay the same posts by turns, each
in a forked child that builds its own posts; the CPU time of each replay is reported, and the best of each.
Noise from neighbours only ever slows a run, so the best of several interleaved runs compares the code.

    python -m benchmarks.detection_ab [--against HEAD~1] [--messages 500000] [--rounds 4] [--unique]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from benchmarks.detection_speed import load_languages, posts_of, records
from detectors.replay import replay
from detectors.text import brand_terms

ROOT = Path(__file__).resolve().parent.parent
MODULE = "detectors/emergence.py"


def emergence_at(revision: str | None, workdir: Path) -> ModuleType:
    """detectors/emergence.py at a revision (None: the working tree), loaded as a module of its own."""
    name = f"emergence_{revision or 'worktree'}".replace("~", "_").replace("^", "_").replace("-", "_")
    path = ROOT / MODULE
    if revision is not None:
        path = workdir / f"{name}.py"
        path.write_text(subprocess.run(["git", "show", f"{revision}:{MODULE}"], cwd=ROOT, check=True,
                                       capture_output=True, text=True).stdout)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def replay_seconds(module: ModuleType, recs: list[dict], unique: bool, limit: int) -> float:
    """CPU seconds of one replay, in a forked child (see detection_speed.run)."""
    read, write = os.pipe()
    if os.fork() == 0:
        posts = posts_of(recs, unique, limit)
        load_languages({p.lang for p in posts})
        detector = module.EmergenceDetector(module.DetectorSettings(), brand="Voltra",
                                            ignore=brand_terms("Voltra"))
        started = time.process_time()
        replay(detector, posts)
        os.write(write, str(time.process_time() - started).encode())
        os._exit(0)
    os.close(write)
    seconds = float(os.read(read, 100))
    os.wait()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", default="HEAD~1", help="the git revision to compare the working tree with")
    parser.add_argument("--messages", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--unique", action="store_true", help="every text made unique (see detection_speed)")
    args = parser.parse_args()
    recs = records(args.messages)
    with tempfile.TemporaryDirectory() as workdir:
        codes = {args.against: emergence_at(args.against, Path(workdir)),
                 "working tree": emergence_at(None, Path(workdir))}
        seconds: dict[str, list[float]] = {label: [] for label in codes}
        for _ in range(args.rounds):
            for label, module in codes.items():
                seconds[label].append(replay_seconds(module, recs, args.unique, args.messages))
    print(f"{args.messages:,} inbound messages, {'every text unique' if args.unique else 'demo wording'}; "
          f"CPU seconds of the replay, {args.rounds} interleaved rounds\n")
    print("| code | each round, s | best, s | messages/s at best |")
    print("|---|---|---|---|")
    for label, runs in seconds.items():
        print(f"| {label} | {' / '.join(f'{s:.1f}' for s in runs)} | {min(runs):.1f} | "
              f"{args.messages / min(runs):,.0f} |")


if __name__ == "__main__":
    main()
