"""The key numbers of an analysis, as lines for a terminal (what ``cisim analyze`` prints).

:func:`summarise_text` reads the summary :func:`cisim.analysis.analyze` writes (``analysis.json``):
the design, the regimes overall, the largest paired effects, early prediction, the sensitivity
indices with the effects beside them, regional sensitivity, scenario discovery, who is at the table
(a nested sweep's variance decomposition) and the warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def summarise_text(results: Mapping[str, Any]) -> str:
    """The key numbers of :func:`analyze`'s summary, as lines for a terminal."""
    parts = [
        _text_header,
        _text_effects,
        _text_early,
        _text_sensitivity,
        _text_regional,
        _text_discovery,
        _text_nested,
    ]
    lines = [line for part in parts for line in part(results)]
    lines.extend(f"warning: {w}" for w in results.get("warnings", []))
    return "\n".join(lines)


def _pct(entry: Mapping[str, Any]) -> str:
    return f"{entry['share']:.0%} [{entry['low']:.0%}, {entry['high']:.0%}]"


def _text_header(r: Mapping[str, Any]) -> list[str]:
    each = f"{r['replicates']} replicates"
    if r.get("populations"):
        each = f"{r['populations']} populations x {r['histories']} histories"
    head = (
        f"{r['kind']} design: {r['points']} points, {r['runs']} runs "
        f"({each}), {r['horizon']} months"
    )
    regimes = ", ".join(
        f"{name.replace('_', ' ')} {_pct(entry)}" for name, entry in r["overall"].items()
    )
    return [head, f"regimes overall (95% interval): {regimes}"] if regimes else [head]


def _text_effects(r: Mapping[str, Any]) -> list[str]:
    info = r.get("effects_outcome", {})
    points = info.get("unit") == "share"  # changes in a share: percentage points
    lines = [
        f"  {row['parameter']} {row['low_level']} -> {row['high_level']}: {_interval(row, points)}"
        for row in r.get("effects", [])[:5]
    ]
    lines += [
        f"  {row['comparison']}: {_interval(row, points)}" for row in r.get("condition_effects", [])
    ]
    head = f"paired effects (95% interval) on {info.get('label', '')}:"
    return [head, *lines] if lines else []


def _interval(row: Mapping[str, Any], points: bool) -> str:
    def fmt(value: float | None) -> str:
        if value is None:
            return "n/a"
        return f"{100 * value:+.1f} pp" if points else f"{value:+.3g}"

    return f"{fmt(row['effect'])} [{fmt(row['low'])}, {fmt(row['high'])}]"


def _text_early(r: Mapping[str, Any]) -> list[str]:
    if "early" not in r:
        return []
    aucs = ", ".join(
        f"{row['months']} months {row['auc']:.2f} [{row['low']:.2f}, {row['high']:.2f}]"
        for row in r["early"]["prediction"]
    )
    lines = [f"early prediction of a learning journey (cross-validated AUC): {aucs}"]
    lines.append(f"warning list (month {r['early']['warning_months']}):")
    lines.extend(
        f"  {i}. {row['advice']} (AUC {row['discrimination']:.2f})"
        for i, row in enumerate(r["early"]["warning_list"][:5], start=1)
    )
    return lines


#: How to read indices beside effects (printed under a table that has both).
READING = (
    "  (an index is a share of the variance over these ranges: an interval that includes 0 does "
    "not mean a parameter does not matter; read the effects, paired changes scaled to the whole "
    "range, and for a regime also where it is contested)"
)


def _text_sensitivity(r: Mapping[str, Any]) -> list[str]:
    lines = []
    for method, keys in (("sobol", ("S1", "ST")), ("morris", ("mu_star", "sigma"))):
        for name, result in r.get(method, {}).items():
            lines.append(f"{method} indices of {name} (noise share {_share(result)}):")
            points = _is_share(name)
            for row in result["indices"]:
                values = "  ".join(_index(row, key) for key in keys)
                lines.append(f"  {row['parameter']}: {values}{_effects(row, points)}")
            if any("effect" in row for row in result["indices"]):
                lines.append(READING)
    return lines


def _is_share(name: str) -> bool:
    """Whether outcome ``name`` is a share (its changes are percentage points)."""
    from cisim.analysis.tables import outcome

    return outcome(name).unit == "share"


def _effects(row: Mapping[str, Any], points: bool) -> str:
    """'  effect +9.5 pp [+3.1 pp, +15.0 pp]  contested ...' ('' without effects)."""
    return "".join(
        f"  {key} {_interval(_estimate(row, key), points)}"
        for key in ("effect", "contested")
        if row.get(key) is not None
    )


def _estimate(row: Mapping[str, Any], key: str, low: str = "", high: str = "") -> dict[str, Any]:
    """``row[key]`` with its interval as ``effect``, ``low`` and ``high``."""
    return {
        "effect": row[key],
        "low": row.get(low or f"{key}_low"),
        "high": row.get(high or f"{key}_high"),
    }


def _text_regional(r: Mapping[str, Any]) -> list[str]:
    lines = []
    for name, result in r.get("regional", {}).items():
        auc = result.get("auc")
        fit = f"; logistic fit AUC {auc:.2f}" if auc is not None else ""
        lines.append(
            f"regional sensitivity of {name} ({result['share']:.0%} of {result['runs']:,} runs"
            f"{fit}), KS distance between runs in and out (block permutation p):"
        )
        for row in sorted(result["indices"], key=lambda row: -(row["ks"] or 0)):
            effect = _estimate(row, "logit_effect", "logit_low", "logit_high")
            least = 1 / (result["permutations"] + 1)  # no permutation as large: p at its least
            p = f"p {'<= ' if row['p_value'] <= least + 1e-12 else ''}{row['p_value']:.3f}"
            lines.append(
                f"  {row['parameter']}: KS {row['ks']:.2f} ({p}, inert below "
                f"{row['ks_null95']:.2f}); mean {row['mean_in']:.3g} in, {row['mean_out']:.3g} "
                f"out; logistic effect {_interval(effect, True)}"
            )
    return lines


def _share(result: Mapping[str, Any]) -> str:
    value = result.get("noise_share")
    return "n/a" if value is None else f"{value:.1%}"


def _index(row: Mapping[str, Any], key: str) -> str:
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    interval = f" [{low:.3f}, {high:.3f}]" if low is not None and high is not None else ""
    return f"{key} {row[key]:.3f}{interval}"


def _text_discovery(r: Mapping[str, Any]) -> list[str]:
    d = r.get("discovery")
    if not d:
        return []
    where = "; ".join(d["restrictions"]) or "no restriction"
    return [
        f"scenario discovery (PRIM): {where}: coverage {d['coverage']:.0%}, density "
        f"{d['density']:.0%} (base rate {d['base_rate']:.0%})"
    ]


#: Points listed one by one in the terminal (the CSV table has them all).
NESTED_LINES = 8


def _text_nested(r: Mapping[str, Any]) -> list[str]:
    n = r.get("nested")
    if not n:
        return []
    lines = [
        f"who is at the table: shares of the variance of the learning-journey indicator (95% "
        f"interval), {n['populations']} populations x {n['histories']} histories per point:"
    ]
    params = r.get("parameters") or []
    for row in n["points"][:NESTED_LINES]:
        label = ", ".join(f"{p} {row[p]}" for p in params if p in row) or f"point {row['point']}"
        lines.append(f"  {label}: {_sources(row)} (learning journeys {row['mean']:.0%})")
    if len(n["points"]) > NESTED_LINES:
        lines.append(f"  ... {len(n['points']) - NESTED_LINES} more points in the table")
    if n.get("across"):
        parts = ", ".join(
            f"{row['source']} {row['share']:.0%} [{row['low']:.0%}, {row['high']:.0%}]"
            for row in n["across"]
        )
        lines.append(f"  across the {len(n['points'])} points: {parts}")
    return lines


def _sources(row: Mapping[str, Any]) -> str:
    return ", ".join(
        f"{s} {row[s]:.0%} [{row[f'{s}_low']:.0%}, {row[f'{s}_high']:.0%}]"
        for s in ("structure", "history", "interaction")
    )
