"""Audit the installed Python packages against the vulnerabilities PyPI publishes.

Usage::

    .venv/bin/python tools/audit_dependencies.py [--out FILE.json]

PyPI's JSON API (``https://pypi.org/pypi/NAME/json``, part of the package registry this project
may reach) lists, for each project's newest release, the known vulnerabilities that affect it
(from the OSV database, with the versions that fix them). On this project's machines the
per-version pages that ``pip-audit`` asks for (``/pypi/NAME/VERSION/json``) are not served, so
``pip-audit`` skips every package. This script audits what can be audited that way:

* an installed package that *is* its newest release is audited exactly: its vulnerabilities are
  PyPI's list for that release;
* an installed package older than the newest release is reported as *not audited*, with the
  newest version, and flagged if any vulnerability listed for the newest release is not yet fixed
  there (then it affects the older one too).

Exit status: 1 if any audited package has a known vulnerability, 0 otherwise (also when some could
not be audited; the report says which). Nothing is installed or changed.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import Any

API = "https://pypi.org/pypi/{}/json"


def installed() -> dict[str, str]:
    """Installed distributions, name -> version (editable cisim itself excluded)."""
    out: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and name.lower() != "cisim":
            out[name] = dist.version
    return dict(sorted(out.items(), key=lambda kv: kv[0].lower()))


def fetch(name: str) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(API.format(name), timeout=30) as response:
            return json.load(response)
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError):
        return None


def audit() -> list[dict[str, Any]]:
    rows = []
    for name, version in installed().items():
        data = fetch(name)
        if data is None:
            rows.append({"name": name, "version": version, "status": "unreachable"})
            continue
        latest = data["info"]["version"]
        vulns = [
            {"id": v.get("id"), "fixed_in": v.get("fixed_in", []), "summary": v.get("summary")}
            for v in data.get("vulnerabilities", []) or []
        ]
        if version == latest:
            status = "vulnerable" if vulns else "audited, none known"
        else:
            status = "not audited (older than the newest release)"
            if vulns:
                status += "; the newest release itself has known vulnerabilities"
        rows.append(
            {"name": name, "version": version, "latest": latest, "status": status, "vulns": vulns}
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, help="write the full report as JSON")
    args = ap.parse_args(argv)
    rows = audit()
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2))
    counts: dict[str, int] = {}
    for row in rows:
        key = row["status"].split(";")[0].split(" (")[0]
        counts[key] = counts.get(key, 0) + 1
    for row in rows:
        if row["status"] != "audited, none known":
            extra = f" (newest {row['latest']})" if "latest" in row else ""
            ids = ", ".join(v["id"] for v in row.get("vulns", []))
            print(f"{row['name']} {row['version']}{extra}: {row['status']} {ids}".rstrip())
    print(f"{len(rows)} packages: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    return 1 if any(r["status"] == "vulnerable" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
