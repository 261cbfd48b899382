"""How a :class:`cisim.Results` shows itself in a terminal and in a notebook."""

from __future__ import annotations

from cisim import Scenario, simulate
from cisim.stats import wilson


def test_results__html_view_gives_shares_with_intervals_and_outcomes() -> None:
    res = simulate(Scenario.preset("baseline"), replicates=40, seed=3)
    html = res._repr_html_()
    shares = res.regime_shares()
    for regime, share in shares.items():
        est = wilson(round(share * 40), 40)
        assert f"<td>{regime}</td><td>{share:.1%}</td>" in html
        assert f"{est.low:.1%} to {est.high:.1%}" in html
    assert f"<td>progress</td><td>{res.summary['progress'].mean():.3g}</td>" in html
    assert "months_to_first_win" in html
    assert repr(res).startswith("<Results 'baseline': 40 replicates, seed 3;")
