"""The levers a class can move: which scenario parameters the app shows, and how.

Each :class:`Lever` names a scenario parameter of :data:`cisim.engine.mesa_model.OVERRIDABLE`, the
words the app shows for it and the control that sets it (a slider, a switch or a choice). A preset
sets every lever (:func:`preset_values`); the second world of the side-by-side view changes one
lever to its :meth:`Lever.contrast`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cisim.errors import ConfigError
from cisim.model.parameters import SPECS
from cisim.model.scenario import Scenario

__all__ = ["LEVERS", "START_ONLY", "Lever", "checked", "describe", "preset_values"]


@dataclass(frozen=True, kw_only=True)
class Lever:
    """One control of the app.

    Attributes
    ----------
    name
        The scenario parameter it sets.
    label
        What the control says.
    kind
        ``"float"`` (a slider), ``"int"`` (a whole-number slider), ``"switch"`` (0 or 1) or
        ``"choice"`` (one of :attr:`choices`).
    lo, hi, step
        The slider's range and step (within the parameter's allowed range).
    choices
        The values of a choice.
    """

    name: str
    label: str
    kind: str
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.05
    choices: tuple[str, ...] = ()

    def check(self, value: Any) -> Any:
        """The value in canonical form (validated by the parameter's spec)."""
        if self.kind == "switch":
            return 1 if bool(value) else 0
        return SPECS[self.name].check(self.name, value)

    def contrast(self, value: Any) -> Any:
        """A clearly different value, for the second world: the switch flipped, the next choice,
        or the slider moved a third of its range (down if it is in the upper half)."""
        if self.kind == "switch":
            return 0 if value else 1
        if self.kind == "choice":
            return self.choices[(self.choices.index(value) + 1) % len(self.choices)]
        shift = (self.hi - self.lo) / 3
        moved = value - shift if value > (self.lo + self.hi) / 2 else value + shift
        steps = round((moved - self.lo) / self.step)
        snapped = min(self.hi, max(self.lo, self.lo + steps * self.step))
        return round(snapped) if self.kind == "int" else round(snapped, 4)

    def words(self, value: Any) -> str:
        """The value in words (``"a navigator"``, ``"trust at the start 0.35"``)."""
        if self.kind == "switch":
            return f"{'with' if value else 'without'} {self.label.lower()}"
        if self.kind == "choice":
            return f"{self.label.lower()}: {value}"
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{self.label.lower()} {shown}"

    def change_words(self, value: Any) -> str:
        """What a class did when it moved the lever mid-run (``"you added a navigator"``)."""
        if self.kind == "switch":
            what = self.label.lower()
            return f"you added {what}" if value else f"you took away {what}"
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        return f"you set '{self.label}' to {shown}"

    def acts_words(self, value: Any) -> str:
        """What happens when the change acts (``"a navigator joined (your change)"``)."""
        if self.kind == "switch":
            what = self.label.lower()
            return f"{what} {'joined' if value else 'left'} (your change)"
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        return f"'{self.label}' is now {shown} (your change)"

    @property
    def mid_run(self) -> bool:
        """Whether the lever can change during a run (else only a new start takes it)."""
        return self.name not in START_ONLY


def _slider(name: str, label: str, hi: float = 1.0, step: float = 0.05) -> Lever:
    return Lever(name=name, label=label, kind="float", hi=hi, step=step)


#: The levers, in the order the app shows them (the issue's list, plus the number of members).
LEVERS: dict[str, Lever] = {
    lever.name: lever
    for lever in (
        _slider("initial_trust", "Trust at the start"),
        _slider("authority", "Representatives' authority"),
        _slider("turnover", "Turnover (a month)", hi=0.15, step=0.005),
        Lever(name="navigator", label="A navigator", kind="switch"),
        Lever(
            name="entry_point",
            label="Entry point",
            kind="choice",
            choices=SPECS["entry_point"].choices,
        ),
        _slider("community_engagement", "Community engagement"),
        _slider("data_use", "Data use"),
        _slider("joint_problem_solving", "Joint problem-solving"),
        _slider("aspiration", "Aspiration"),
        _slider("resources", "Resources (a grant)"),
        Lever(name="n_organisations", label="Organisations", kind="int", lo=4, hi=60, step=1),
    )
}


#: Levers that shape only the start of a run (the trust partners start from, how many
#: organisations there are): a new value starts the run again from month 0. Every other lever is
#: one the engine's timeline of events can set mid-run (:data:`cisim.model.timeline.LEVERS` and
#: ``TRAITS``; a test checks it).
START_ONLY: frozenset[str] = frozenset({"initial_trust", "n_organisations"})


def preset_values(preset: str) -> dict[str, Any]:
    """Every lever's value in a preset (a navigator count above 1 shows as the switch on)."""
    scenario = Scenario.preset(preset)
    values = {name: getattr(scenario, name) for name in LEVERS}
    values["navigator"] = 1 if values["navigator"] else 0
    return values


def checked(values: Mapping[str, Any]) -> dict[str, Any]:
    """Lever values validated (unknown levers are an error)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in LEVERS:
            raise ConfigError("lever", name, "one of " + ", ".join(LEVERS))
        out[name] = LEVERS[name].check(value)
    return out


def describe(name: str, value: Any) -> str:
    """One lever's value in words."""
    return LEVERS[name].words(value)
