"""The debrief: the class's choices against the model's agents.

At the end of a class the teacher's screen compares

* how often the students' organisations learned or blamed (what the students chose, and what
  the model chose for those who did not answer in time) with the organisations the model played;
* what each response did to trust: the change in the partners' mean trust in the responder over
  the month of its response, by response and by who decided;
* the class's world with the *model's world*: the same collaboration, seed and months with the
  model deciding for everyone (the engine's common random numbers make it the same luck), by
  regime, trust and blame climate;
* the moments that decided the regime: the months in which trust and the blame climate moved
  most, with the decisions made in them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cisim import engine
from cisim.model.population import RunSpec, build_state
from cisim.model.regimes import Thresholds, classify, met_by_blame

if TYPE_CHECKING:
    from cisim.classplay.records import Month
    from cisim.classplay.session import ClassSession
    from cisim.model.scenario import Scenario

ROW = 0
REGIME_WORDS = {
    "learning_journey": "a learning journey",
    "blame_game": "a blame game",
    "stalled": "stalled",
    "dissolved": "came apart",
}
#: What the collaboration did, for a sentence ("the collaboration ...").
REGIME_SENTENCES = {
    "learning_journey": "was a learning journey",
    "blame_game": "was a blame game",
    "stalled": "stalled",
    "dissolved": "came apart",
}
MOMENTS = 3
NAMED = 8  # students named in a moment


def debrief(session: ClassSession) -> dict[str, Any]:
    """The debrief of ``session`` as plain data (cached per class and month)."""
    months = len(session.history)
    cached = session.debrief_cache
    if cached is not None and cached[0] == months:
        return cached[1]
    seated = {s.slot for s in session.students.values()}
    twin = model_world(session)
    out = {
        "regime": regime(session.series, session.scenario),
        "model_regime": regime(twin, session.scenario),
        "class": counts(session.history, lambda d: d.slot in seated),
        "model": counts(session.history, lambda d: d.slot not in seated),
        "students": counts(session.history, lambda d: d.by == "student"),
        "timeouts": counts(session.history, lambda d: d.by == "timeout"),
        "trust_effect": trust_effects(session.history, session.series["mean_trust"][0]),
        "worlds": {
            "class": finals(session.series),
            "model": finals(twin),
        },
        "moments": moments(session),
        "rule": rule(session),
    }
    session.debrief_cache = (months, out)
    return out


def counts(history: list[Month], keep: Any) -> dict[str, Any]:
    """Learning and blame responses of the decisions ``keep`` selects, and the learning share."""
    learn = sum(1 for m in history for d in m.decisions if keep(d) and d.response == "learn")
    blame = sum(1 for m in history for d in m.decisions if keep(d) and d.response == "blame")
    total = learn + blame
    share = round(learn / total, 3) if total else None
    return {"learn": learn, "blame": blame, "learn_share": share}


def trust_effects(history: list[Month], start: float) -> dict[str, float | None]:
    """Mean change in partners' trust in a responder over the month it responded, by response
    and by who decided (``learn_student``, ``blame_model``, ...)."""
    sums: dict[str, list[float]] = {}
    before: dict[int, float] = {}
    for month in history:
        for d in month.decisions:
            after = month.trust_in.get(d.slot)
            was = before.get(d.slot, start)
            if after is None:
                continue
            who = "student" if d.by == "student" else "model"
            sums.setdefault(f"{d.response}_{who}", []).append(after - was)
        before = {**before, **month.trust_in}
    keys = [f"{r}_{w}" for r in ("learn", "blame") for w in ("student", "model")]
    return {k: round(float(np.mean(sums[k])), 4) if sums.get(k) else None for k in keys}


def model_world(session: ClassSession) -> dict[str, list[float]]:
    """The metrics of the same collaboration with the model deciding for everyone, month by
    month over as many months as the class played."""
    st, p = build_state([RunSpec(session.scenario, session.seed, 0)])
    months = len(session.history)
    first = engine.measure(st)
    out = engine.run(st, p, months) if months else {k: v[None] for k, v in first.items()}
    return {name: [float(v) for v in out[name][:, ROW]] for name in out}


def regime(series: dict[str, list[float]], scenario: Scenario) -> dict[str, str]:
    """The regime the rule gives these months (and in words)."""
    needed = ("learning_responses", "blame_responses", "running", "entry_found", "progress")
    if not all(name in series for name in needed):
        return {"code": "", "words": "", "sentence": ""}
    trajectories = {name: np.asarray(series[name], dtype=float)[:, None] for name in needed}
    code = str(classify(trajectories, Thresholds.of(scenario))[0])
    return {"code": code, "words": REGIME_WORDS[code], "sentence": REGIME_SENTENCES[code]}


def rule(session: ClassSession) -> dict[str, Any]:
    """What the regime rule weighed in the class's world: its setbacks and how many were met by
    blame (more members blaming than learning) in the closing window, its final progress, and
    the rule's thresholds."""
    sc, series = session.scenario, session.series
    learning = np.asarray(series["learning_responses"][1:])
    blame = np.asarray(series["blame_responses"][1:])
    months = np.arange(1, len(learning) + 1)
    closing = (months > len(learning) - sc.regime_window_months) & (learning + blame > 0)
    by_blame = float(met_by_blame(learning[closing], blame[closing]).sum())
    return {
        "setbacks": int(closing.sum()),
        "met_by_blame": round(by_blame, 1),
        "blame_share": sc.regime_blame_share,
        "progress": round(series["progress"][-1], 3),
        "min_progress": sc.regime_min_progress,
        "window_months": sc.regime_window_months,
    }


def finals(series: dict[str, list[float]]) -> dict[str, float]:
    """Trust, blame climate and progress at the end."""
    return {k: round(series[k][-1], 3) for k in ("mean_trust", "blame_climate", "progress")}


def moments(session: ClassSession) -> list[dict[str, Any]]:
    """The setbacks (months with responses) in which trust and the blame climate moved most,
    largest first, with what the students chose (at most ``NAMED`` of them named)."""
    trust, climate = session.series["mean_trust"], session.series["blame_climate"]
    scored = []
    for m in session.history:
        t = m.month
        if t >= len(trust) or not m.decisions:
            continue
        swing = abs(trust[t] - trust[t - 1]) + abs(climate[t] - climate[t - 1])
        scored.append((swing, m))
    scored.sort(key=lambda x: -x[0])
    out = []
    for swing, m in scored[:MOMENTS]:
        if swing <= 0:
            continue
        chosen = [
            f"{getattr(session.seat_of(d.slot), 'name', '?')} ({session.names[d.slot]}): "
            f"{d.response}"
            for d in m.decisions
            if d.by == "student"
        ]
        if len(chosen) > NAMED:
            chosen = [*chosen[:NAMED], f"and {len(chosen) - NAMED} more"]
        out.append(
            {
                "month": m.month,
                "trust_change": round(trust[m.month] - trust[m.month - 1], 3),
                "climate_change": round(climate[m.month] - climate[m.month - 1], 3),
                "learned": sum(d.response == "learn" for d in m.decisions),
                "blamed": sum(d.response == "blame" for d in m.decisions),
                "students": chosen,
            }
        )
    return out
