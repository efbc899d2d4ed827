"""The fallback dependency audit's verdict on PyPI's project JSON (its shape as PyPI serves it)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "audit_latest", Path(__file__).resolve().parent.parent / "scripts" / "audit_latest.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

PROJECT = {"info": {"name": "urllib3", "version": "2.2.1"}, "vulnerabilities": [
    {"id": "GHSA-34jh-p97f-mpxf", "aliases": ["CVE-2024-37891"], "fixed_in": ["2.2.2"], "withdrawn": None},
    {"id": "PYSEC-2020-0", "aliases": [], "fixed_in": [], "withdrawn": "2024-01-01T00:00:00Z"}]}


def test_a_package_at_the_newest_release_is_audited_with_its_advisories():
    assert audit.verdict("2.2.1", PROJECT) == ("audited", ["GHSA-34jh-p97f-mpxf"])   # the withdrawn one dropped
    assert audit.verdict("2.2.1", {**PROJECT, "vulnerabilities": []}) == ("audited", [])


def test_an_older_release_is_not_audited_rather_than_passed():
    assert audit.verdict("2.0.0", PROJECT) == ("older", [])
