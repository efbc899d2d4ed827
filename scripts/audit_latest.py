"""A dependency audit that works where pip-audit cannot look packages up (this network answers 404 for the
per-release JSON it reads): PyPI's project JSON (https://pypi.org/pypi/<name>/json) lists the known
vulnerabilities of each project's newest release. A distribution installed at that release is audited with
it; one at an older release is listed as not audited. Exits 1 on any known vulnerability.

    python scripts/audit_latest.py
"""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata

import httpx


def verdict(installed: str, project: dict) -> tuple[str, list[str]]:
    """('audited' | 'older', ids of the known vulnerabilities) of one distribution from its project JSON."""
    if project["info"]["version"] != installed:
        return "older", []
    return "audited", [v.get("id", "?") for v in project.get("vulnerabilities") or [] if not v.get("withdrawn")]


def main() -> int:
    installed = {d.metadata["Name"].lower(): d.version for d in metadata.distributions()
                 if d.metadata["Name"] and d.metadata["Name"].lower() != "earshot"}

    def look_up(name: str) -> tuple[str, str, list[str]]:
        try:
            response = httpx.get(f"https://pypi.org/pypi/{name}/json", timeout=30, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            return name, f"not found ({type(exc).__name__})", []
        return (name, *verdict(installed[name], response.json()))

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(look_up, sorted(installed)))
    vulnerable = [(name, ids) for name, state, ids in results if ids]
    older = [f"{name} {installed[name]}" for name, state, _ in results if state == "older"]
    missing = [name for name, state, _ in results if state.startswith("not found")]
    audited = sum(state == "audited" for _, state, _ in results)
    for name, ids in vulnerable:
        print(f"VULNERABLE: {name} {installed[name]}: {', '.join(ids)}")
    print(f"audit: {audited} of {len(results)} distributions at their newest release, {len(vulnerable)} with known "
          f"vulnerabilities; {len(older)} older than the newest, not audited here"
          + (f" ({', '.join(older)})" if older else "") + (f"; {len(missing)} not found" if missing else ""))
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
