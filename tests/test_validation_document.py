"""The validation document generator works end to end (quick, small replicates)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cisim.documents import evidence, patterns, validation


@pytest.mark.slow
def test_validation__document_lists_every_pattern_with_a_figure(tmp_path: Path) -> None:
    measured = [fn(40, 7) for fn in patterns.PATTERNS]
    validation.write_document(measured, tmp_path, replicates=40, seed=7, seconds=1.0)
    text = (tmp_path / "validation.md").read_text(encoding="utf-8")
    for p in measured:
        assert f"## {p.number}. {p.title}" in text
        assert (tmp_path / "figures" / "validation" / f"p{p.number:02d}.png").stat().st_size > 1000
    assert text.count("(interval must lie") == sum(len(p.claims) for p in measured)
    assert f"# Validation: the {len(measured)} patterns" in text
    targets = [p for p in measured if p.target]
    assert 0 < len(targets) < len(measured)
    assert text.count("**Calibration target.**") == len(targets)
    assert text.count("| target |") == len(targets)
    checks = [p for p in measured if p.check]
    assert len(checks) > 0 and not any(p.target for p in checks)
    assert text.count("**Mechanism check.**") == len(checks)
    assert text.count("| check |") == len(checks)
    assert text.count("| validation |") == len(measured) - len(targets) - len(checks)


def test_validation__claim_holds_only_when_interval_is_on_the_claimed_side() -> None:
    from cisim.stats import Estimate

    above = evidence.Claim("x", Estimate(0.1, 0.05, 0.15), +1)
    straddle = evidence.Claim("x", Estimate(0.1, -0.01, 0.2), +1)
    below = evidence.Claim("x", Estimate(-0.1, -0.2, -0.05), -1)
    bound = evidence.Claim("x", Estimate(0.6, 0.55, 0.65), +1, 0.5)
    assert above.holds and below.holds and bound.holds
    assert not straddle.holds
    assert not evidence.Claim("x", Estimate(0.1, 0.05, 0.15), -1).holds
