"""Levers: contrasts for the second world, words, validation."""

from __future__ import annotations

import pytest

from cisim.app.levers import LEVERS, checked, describe
from cisim.errors import ConfigError


@pytest.mark.parametrize(
    ("name", "value", "contrast"),
    [
        ("navigator", 0, 1),
        ("navigator", 1, 0),
        ("entry_point", "search", "designed"),
        ("entry_point", "none", "search"),
        ("turnover", 0.05, 0.1),
        ("aspiration", 0.8, 0.45),
        ("n_organisations", 20, 39),
    ],
)
def test_lever__contrast_is_clearly_different_and_allowed(name, value, contrast):
    lever = LEVERS[name]
    got = lever.contrast(value)
    assert (
        got == pytest.approx(contrast, abs=1e-3) if isinstance(contrast, float) else got == contrast
    )
    assert lever.check(got) == got


def test_levers__words_and_checks():
    assert describe("navigator", 1) == "with a navigator"
    assert describe("navigator", 0) == "without a navigator"
    assert describe("entry_point", "designed") == "entry point: designed"
    assert describe("initial_trust", 0.35) == "trust at the start 0.35"
    assert checked({"navigator": True}) == {"navigator": 1}
    with pytest.raises(ConfigError, match="lever"):
        checked({"blame_severity": 2.0})
    with pytest.raises(ConfigError, match="turnover"):
        checked({"turnover": -0.1})
