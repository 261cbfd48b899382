"""Provenance files agree with the package (docs and metadata that cannot drift)."""

from __future__ import annotations

import re
from pathlib import Path

import cisim

ROOT = Path(__file__).resolve().parents[1]


def test_metadata__citation_version_matches_package() -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    match = re.search(r"^version:\s*(\S+)", text, re.MULTILINE)
    assert match is not None
    assert match.group(1) == cisim.__version__


def test_metadata__changelog_has_an_entry_for_the_package_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{cisim.__version__}]" in text


def test_metadata__readme_opens_with_the_two_commands_ci_uses() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "./dev main" in head and "./dev test" in head
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./dev test" in ci
