"""Print the figures `experiments/README.md` quotes, from finished sweeps of the shipped studies.

    python tools/findings.py results/learning_vs_blame --study learning_vs_blame
    python tools/findings.py results/five_actions --study five_actions

Each figure is computed from the sweep's own tables with the analysis's functions: shares with
95 % Wilson intervals, paired effects (common random numbers) with ``contrast="first"`` over the
whole design or a subset of its cells, and differences of two paired effects (interactions) with
a normal interval over the replicates. Regenerate the findings with this after any model change.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cisim.analysis.effects import paired_effects
from cisim.analysis.tables import LJ, outcome_values, replicate_matrix
from cisim.stats import mean_ci, wilson
from cisim.study.sweeps.results import load


def share(
    runs: pd.DataFrame, design: pd.DataFrame, where: Mapping[str, Any], regime: str = LJ
) -> str:
    points = _points(design, where)
    part = runs[runs["point"].isin(points)]
    est = wilson(int((part["regime"].astype(str) == regime).sum()), len(part))
    return f"{100 * est.value:.1f} % ({100 * est.low:.0f}–{100 * est.high:.0f}), n={len(part)}"


def effect(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    lever: str,
    where: Mapping[str, Any],
    horizon: int,
    outcome: str = LJ,
) -> str:
    part = design[design["point"].isin(_points(design, where))].drop(columns=list(where))
    table = paired_effects(part, runs, horizon=horizon, outcomes=[outcome], contrast="first")
    rows = table[table["parameter"] == lever]
    scale = 100 if outcome in (LJ, "blame_game", "stalled", "dissolved") else 1
    digits = 1 if scale == 100 or outcome.startswith("months") else 3
    return "; ".join(
        f"{r.low_level}→{r.high_level}: {scale * r.effect:+.{digits}f} ({scale * r.low:.{digits}f}"
        f" to {scale * r.high:.{digits}f})"
        for r in rows.itertuples()
    )


def interaction(
    design: pd.DataFrame,
    runs: pd.DataFrame,
    lever: str,
    low: Any,
    high: Any,
    by: str,
    at: tuple[Any, Any],
    horizon: int,
) -> str:
    """The effect of ``lever`` (low → high) at ``by = at[1]`` minus at ``by = at[0]``, paired."""
    points = int(runs["point"].max()) + 1
    matrix = replicate_matrix(runs, outcome_values(runs, LJ, horizon), points)
    others = [c for c in design.columns if c not in ("point", "digest", lever, by)]

    def diffs(level: Any) -> np.ndarray:
        a = design[(design[lever] == low) & (design[by] == level)]
        b = design[(design[lever] == high) & (design[by] == level)]
        pairs = (
            a.merge(b, on=others, suffixes=("_a", "_b"))
            if others
            else a.merge(b, how="cross", suffixes=("_a", "_b"))
        )
        return (matrix[pairs["point_b"]] - matrix[pairs["point_a"]]).mean(axis=0)

    est = mean_ci(diffs(at[1]) - diffs(at[0]))
    return f"{100 * est.value:+.1f} ({100 * est.low:.1f} to {100 * est.high:.1f})"


def _points(design: pd.DataFrame, where: Mapping[str, Any]) -> list[int]:
    mask = np.ones(len(design), bool)
    for k, v in where.items():
        mask &= (design[k] == v).to_numpy()
    return design.loc[mask, "point"].tolist()


def learning_vs_blame(design: pd.DataFrame, runs: pd.DataFrame, h: int) -> None:
    print("overall LJ", share(runs, design, {}), "BG", share(runs, design, {}, "blame_game"))
    base = {"entry_point": "search", "navigator": 0, "turnover": 0.02}
    print("baseline cell", share(runs, design, base))
    for lever in ("navigator", "entry_point", "turnover"):
        print(lever, effect(design, runs, lever, {}, h))
    print(
        "months to first win, entry point",
        effect(design, runs, "entry_point", {}, h, "months_to_first_win"),
    )
    for ep in ("search", "designed", "imposed"):
        print("stalled, entry", ep, share(runs, design, {"entry_point": ep}, "stalled"))
    for t in (0.01, 0.06):
        print("navigator at turnover", t, effect(design, runs, "navigator", {"turnover": t}, h))
    print(
        "navigator x turnover (0.06 - 0.01)",
        interaction(design, runs, "navigator", 0, 1, "turnover", (0.01, 0.06), h),
    )
    for n in (0, 1):
        print(
            "turnover 0.01->0.06 at navigator",
            n,
            effect(design, runs, "turnover", {"navigator": n}, h),
        )
        print(
            "entry point at navigator", n, effect(design, runs, "entry_point", {"navigator": n}, h)
        )
    cells = runs.assign(lj=runs["regime"].astype(str) == LJ).groupby("point")["lj"].mean()
    best, worst = cells.idxmax(), cells.idxmin()
    for name, p in (("best", best), ("worst", worst)):
        row = design[design["point"] == p].iloc[0]
        where = {k: row[k] for k in ("entry_point", "navigator", "turnover")}
        print(name, where, share(runs, design, where))


def five_actions(design: pd.DataFrame, runs: pd.DataFrame, h: int) -> None:
    actions = [
        "prior_ties",
        "navigator",
        "community_engagement",
        "data_use",
        "joint_problem_solving",
    ]
    off = {a: design[a].min() for a in actions}
    on = {a: design[a].max() for a in actions}
    print("overall LJ", share(runs, design, {}))
    print("all off", share(runs, design, off), "all on", share(runs, design, on))
    for a in actions:
        print(a, effect(design, runs, a, {}, h))
        print("  alone", share(runs, design, {**off, a: on[a]}))
        print("  all but", share(runs, design, {**on, a: off[a]}))
    fours = {a: share(runs, design, {**on, a: off[a]}) for a in actions}
    lowest = min(fours, key=lambda a: float(fours[a].split(" %")[0]))
    print("any four: the lowest is without", lowest, fours[lowest])
    print("data use on", share(runs, design, {"data_use": on["data_use"]}))
    lj = runs[runs["regime"].astype(str) == LJ]
    data_points = _points(design, {"data_use": on["data_use"]})
    print("share of LJ with data on", round(lj["point"].isin(data_points).mean(), 3))
    for a, b in itertools.combinations(actions, 2):
        print(
            "interaction",
            a,
            "x",
            b,
            interaction(design, runs, a, off[a], on[a], b, (off[b], on[b]), h),
        )


def phase_trust_turnover(design: pd.DataFrame, runs: pd.DataFrame, h: int) -> None:
    print("overall", *(share(runs, design, {}, r) for r in (LJ, "blame_game", "stalled")))
    print("trust", effect(design, runs, "initial_trust", {}, h).split("; ")[-1])
    for t in (0.2, 0.8):
        print(
            "trust",
            t,
            share(runs, design, {"initial_trust": t}),
            "stalled",
            share(runs, design, {"initial_trust": t}, "stalled"),
        )
    low = runs[runs["point"].isin(_points(design, {"initial_trust": 0.2}))]
    print(
        "trust 0.2 never an entry point",
        round(float(low["months_to_entry_point"].isna().mean()), 3),
    )
    for n in (0, 1):
        for t in (0.4, 0.5):
            cells = [
                share(runs, design, {"navigator": n, "initial_trust": t, "turnover": v})
                for v in sorted(design["turnover"].unique())
            ]
            print(
                "navigator",
                n,
                "trust",
                t,
                "across turnover:",
                " | ".join(c.split(" (")[0] for c in cells),
            )
    print("navigator", effect(design, runs, "navigator", {}, h))
    for t in (0.2, 0.5, 0.8):
        print("  at trust", t, effect(design, runs, "navigator", {"initial_trust": t}, h))
    print("turnover", effect(design, runs, "turnover", {}, h).split("; ")[-1])
    for n in (0, 1):
        print(
            "  at navigator",
            n,
            effect(design, runs, "turnover", {"navigator": n}, h).split("; ")[-1],
        )
    for v in (0.0, 0.08):
        print("navigator at turnover", v, effect(design, runs, "navigator", {"turnover": v}, h))
    print(
        "navigator x turnover (0.08 - 0)",
        interaction(design, runs, "navigator", 0, 1, "turnover", (0.0, 0.08), h),
    )
    for n in (0, 1):
        print(
            "corner trust .8 turnover 0 nav",
            n,
            share(runs, design, {"navigator": n, "initial_trust": 0.8, "turnover": 0.0}),
        )
        print(
            "corner trust .2 turnover .08 nav",
            n,
            share(runs, design, {"navigator": n, "initial_trust": 0.2, "turnover": 0.08}),
        )


def resources(design: pd.DataFrame, runs: pd.DataFrame, h: int) -> None:
    print("overall", share(runs, design, {}), "BG", share(runs, design, {}, "blame_game"))
    print("trust", effect(design, runs, "initial_trust", {}, h).split("; ")[-1])
    print("contest", effect(design, runs, "authority_contest", {}, h).split("; ")[-1])
    print("grant", effect(design, runs, "resources", {}, h).split("; ")[-1])
    print("grant on BG", effect(design, runs, "resources", {}, h, "blame_game").split("; ")[-1])
    for c in (0.0, 0.4, 0.8):
        print(
            "grant at contest",
            c,
            effect(design, runs, "resources", {"authority_contest": c}, h).split("; ")[-1],
        )
    for r in sorted(design["resources"].unique()):
        print(
            "trust .65 no contest, grant",
            r,
            share(runs, design, {"initial_trust": 0.65, "authority_contest": 0.0, "resources": r}),
        )
    print(
        "hartford corner",
        share(runs, design, {"initial_trust": 0.35, "authority_contest": 0.8, "resources": 0.9}),
    )
    print("uncontested", share(runs, design, {"authority_contest": 0.0}))


def backbone(design: pd.DataFrame, runs: pd.DataFrame, h: int) -> None:
    print("overall", share(runs, design, {}), "BG", share(runs, design, {}, "blame_game"))
    print("backbone", effect(design, runs, "backbone", {}, h))
    for grant in (0.1, 0.9):
        for contest in (0.2, 0.8):
            where = {"resources": grant, "authority_contest": contest}
            print(
                f"backbone at grant {grant} contest {contest}",
                effect(design, runs, "backbone", where, h),
            )
            print("   progress", effect(design, runs, "backbone", where, h, "progress"))
            without = share(runs, design, {**where, "backbone": 0.0})
            full = share(runs, design, {**where, "backbone": 1.0})
            print("   share without / with a full one", without, "/", full)
    for contest in (0.2, 0.8):
        print(
            f"backbone x grant (0.9 - 0.1) at contest {contest}",
            interaction(
                design[design["authority_contest"] == contest],
                runs, "backbone", 0.0, 1.0, "resources", (0.1, 0.9), h,
            ),
        )  # fmt: skip
    print(
        "grant at contest 0.8, without / with a full backbone",
        effect(design, runs, "resources", {"authority_contest": 0.8, "backbone": 0.0}, h),
        "/",
        effect(design, runs, "resources", {"authority_contest": 0.8, "backbone": 1.0}, h),
    )
    corner = {"resources": 0.9, "authority_contest": 0.8}
    for b in (0.0, 1.0):
        part = runs[runs["point"].isin(_points(design, {**corner, "backbone": b}))]
        print(
            f"Hartford-like corner, backbone {b}: mean progress {part['progress'].mean():.3f},",
            "dissolved",
            share(runs, design, {**corner, "backbone": b}, "dissolved"),
            f"closing blame share {part['closing_blame_share'].mean():.3f}",
        )


def who_is_at_the_table(design: pd.DataFrame, runs: pd.DataFrame, h: int) -> None:
    """The paired effects the section quotes; the variance shares are ``cisim analyze``'s."""
    for n in (0, 1):
        for t in (0.01, 0.06):
            print(
                f"navigator {n} turnover {t}", share(runs, design, {"navigator": n, "turnover": t})
            )
    print("navigator", effect(design, runs, "navigator", {}, h))
    print("turnover", effect(design, runs, "turnover", {}, h))
    for n in (0, 1):
        print("  at navigator", n, effect(design, runs, "turnover", {"navigator": n}, h))


def timing(design: pd.DataFrame, runs: pd.DataFrame, h: int) -> None:
    """The baseline's share and each arrival's paired effects; ``cisim analyze`` writes the same
    effects to arrival.csv and those by standing at arrival to rescue.csv."""
    month, nav, data = "timeline.1.month", "timeline.1.navigator", "timeline.1.data_use"
    first = sorted(design[month].unique())[0]
    print("the baseline itself", share(runs, design, {month: first, nav: 0, data: 0.3}))
    for m in sorted(design[month].unique()):
        print(
            "month",
            m,
            "navigator",
            effect(design, runs, nav, {month: m}, h),
            "| data use",
            effect(design, runs, data, {month: m}, h),
        )


def sensitivity(design: pd.DataFrame, runs: pd.DataFrame, h: int) -> None:
    """V, the noise-corrected variance of the point means of the share of learning journeys
    (``docs/sensitivity.md``: over the A and B rows, less the point-by-replicate interaction);
    the indices and effects are ``cisim analyze``'s (``sobol_learning_journey.csv``)."""
    params = [c for c in design.columns if c != "point"]
    block = len(params) + 2
    points = int(runs["point"].max()) + 1
    matrix = replicate_matrix(runs, outcome_values(runs, LJ, h), points)
    rows = np.sort(
        np.concatenate([np.arange(0, points, block), np.arange(block - 1, points, block)])
    )
    y = matrix[rows]
    reps = y.shape[1]
    means = y.mean(axis=1)
    inter = y - means[:, None] - y.mean(axis=0)[None, :] + y.mean()
    noise = float((inter**2).sum()) / (len(rows) * reps * (reps - 1))
    v = float(means.var()) - noise
    print(
        f"V (learning journeys) {v:.4f}; variance of the point means {means.var():.4f},",
        f"noise {noise:.4f}",
    )
    print("an effect of delta points over a uniform range gives ST about delta^2 / (12 V):")
    for delta in (0.10, 0.15, 0.20):
        print(f"  delta {100 * delta:.0f} points: ST {delta**2 / (12 * v):.3f}")


STUDIES = {
    "backbone": backbone,
    "resources": resources,
    "learning_vs_blame": learning_vs_blame,
    "five_actions": five_actions,
    "phase_trust_turnover": phase_trust_turnover,
    "who_is_at_the_table": who_is_at_the_table,
    "timing": timing,
    "sensitivity": sensitivity,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", type=Path)
    parser.add_argument("--study", choices=sorted(STUDIES), required=True)
    args = parser.parse_args(argv)
    sweep = load(args.sweep)
    horizon = int(sweep.experiment.settings["horizon_months"])
    STUDIES[args.study](sweep.design.drop(columns=["digest"], errors="ignore"), sweep.runs, horizon)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
