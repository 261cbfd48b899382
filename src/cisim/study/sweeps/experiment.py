"""The experiment: what a sweep varies, what it holds fixed and how it samples, as plain data.

An experiment is a TOML file in ``experiments/``, written in the vocabulary of exploratory
modelling (EMA Workbench): a base scenario, ``[constants]`` (fixed overrides of the base),
``[levers]`` (what a collaboration can choose) and ``[uncertainties]`` (what it cannot), the
``outcomes`` kept, a design (``factorial``, ``lhs``, ``sobol`` or ``morris``), the number of
samples, replicates per design point and the root seed::

    name = "learning_vs_blame"
    base = "baseline"            # a preset, or a scenario TOML relative to this file
    design = "lhs"
    samples = 64
    replicates = 200
    seed = 2026
    [constants]
    horizon_months = 120
    [levers]
    navigator = { levels = [0, 1] }
    [uncertainties]
    initial_trust = { low = 0.2, high = 0.8 }

Instead of ``replicates``, a *nested* experiment gives ``populations`` and ``histories`` (each at
least 2): every design point then runs each of ``populations`` populations (who is at the table)
under each of ``histories`` histories (the monthly events), ``populations x histories`` runs, as
:func:`cisim.study.nested.nested` does for one scenario. Population ``p`` and history ``h`` are the
same draws at every point (common random numbers), and ``cisim analyze`` splits the variance of
the regime into parameters, structure, history and their interaction.

Like a scenario, an experiment is validated when it is built: an unknown key, a parameter that
does not exist, a level outside the parameter's range or a design without the settings it needs
raises :class:`~cisim.errors.ConfigError` naming the key (``levers.navigator``), the value, what
is allowed and, for files, the line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cisim._version import __version__
from cisim.errors import ConfigError, FileFormatError
from cisim.inputs import MAX_COUNT, MAX_SEED, parse_toml
from cisim.model.scenario import FrozenMap, Scenario, _line_of, _read_text
from cisim.study.sweeps.declarations import factor_data, hint, parse_factors, table
from cisim.study.sweeps.designs import DESIGNS, Design, n_points
from cisim.study.sweeps.factors import ROLES, Factor
from cisim.study.sweeps.models import MODELS, SweepModel

TOP_KEYS: tuple[str, ...] = (
    "name",
    "description",
    "question",
    "base",
    "model",
    "design",
    "samples",
    "replicates",
    "populations",
    "histories",
    "seed",
    "batch_size",
    "trajectories",
    "outcomes",
    "constants",
    "levers",
    "uncertainties",
)
#: The most design points an experiment may have (its design table is held in memory).
MAX_POINTS = 10_000_000
#: Words about the base scenario that do not change a run (left out of the fingerprint).
_ABOUT = frozenset({"name", "description", "encodes", "assumes"})


@dataclass(frozen=True, kw_only=True)
class Experiment:
    """A validated experiment (build it with :meth:`from_toml` or :meth:`from_dict`).

    Attributes
    ----------
    name, description, question
        What the experiment is called and asks.
    model
        ``"cisim"`` (the engine) or a test model of :data:`cisim.study.sweeps.models.MODELS`.
    base
        The base scenario (``None`` for a test model), before ``constants``.
    base_ref
        The base as written in the file (a preset name or a path), for the record.
    design
        ``"factorial"``, ``"lhs"``, ``"sobol"`` or ``"morris"``.
    samples
        LHS points, Sobol base sample (a power of two), Morris trajectories; ``None`` for a
        factorial design.
    replicates, seed
        Runs per design point and the root seed: replicate ``k`` of every point uses the
        random numbers of ``SeedSequence(seed, spawn_key=(k,))``. In a nested experiment,
        ``populations x histories`` (set from them), and run ``k`` of a point is population
        ``k // histories`` under history ``k % histories``.
    populations, histories
        A nested design (both, or neither): populations (who is at the table: replicate ``p``'s
        organisations, traits, ties and starting trust) crossed with histories (the monthly
        events of history ``h``) at every point; ``None`` for plain replicates.
    batch_size
        Runs per task, or ``None`` for the model's default (see :attr:`task_size`).
    trajectories
        Metrics stored month by month (float32).
    outcomes
        Per-run outcome columns kept, or ``None`` for all of them.
    constants
        Fixed overrides of the base.
    levers, uncertainties
        The varied parameters, in file order.
    text, source
        The experiment file's text and path, when it came from a file.
    """

    name: str
    description: str = ""
    question: str = ""
    model: str = "cisim"
    base: Scenario | None = None
    base_ref: str | None = None
    design: str = "factorial"
    samples: int | None = None
    replicates: int = 1
    populations: int | None = None
    histories: int | None = None
    seed: int = 0
    batch_size: int | None = None
    trajectories: tuple[str, ...] = ()
    outcomes: tuple[str, ...] | None = None
    constants: Mapping[str, Any] = field(default_factory=dict)
    levers: tuple[Factor, ...] = ()
    uncertainties: tuple[Factor, ...] = ()
    text: str | None = field(default=None, compare=False, repr=False)
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _check_design(self)
        _check_nested(self)
        _check_counts(self)
        _check_factors(self)
        _check_size(self)
        object.__setattr__(self, "constants", FrozenMap(self.constants))

    # ---- derived -------------------------------------------------------------------------
    @property
    def factors(self) -> tuple[Factor, ...]:
        """Every varied parameter: levers, then uncertainties."""
        return self.levers + self.uncertainties

    @property
    def nested(self) -> bool:
        """Whether each point runs populations x histories (else plain replicates)."""
        return self.populations is not None

    @property
    def design_kind(self) -> Design:
        """The kind of design (:data:`cisim.study.sweeps.designs.DESIGNS`)."""
        return DESIGNS[self.design]

    @property
    def sweep_model(self) -> SweepModel:
        """The model the experiment runs."""
        return MODELS[self.model]

    @cached_property
    def settings(self) -> dict[str, Any]:
        """The fixed parameters every run starts from (base with constants), as plain data."""
        return self.sweep_model.settings(self.base, dict(self.constants))

    @property
    def task_size(self) -> int:
        """Runs per task: ``batch_size``, or the model's default (tasks of a few seconds)."""
        if self.batch_size is not None:
            return self.batch_size
        return self.sweep_model.default_task_size(self.settings, self.factors)

    @property
    def fingerprint(self) -> str:
        """A hash of everything the results depend on (not the name, description or comments).

        A sweep directory resumes only an experiment with the same fingerprint.
        """
        blob = json.dumps(self._identity(), sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()

    @property
    def toml(self) -> str:
        """The experiment as TOML: the file's text, or :meth:`to_dict` written out."""
        if self.text is not None:
            return self.text
        import tomli_w

        return tomli_w.dumps(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        """Plain data shaped like the TOML file (:meth:`from_dict` reads it back)."""
        data: dict[str, Any] = {"name": self.name, "description": self.description}
        data["question"] = self.question
        data["model"] = self.model
        if self.base_ref is not None:
            data["base"] = self.base_ref
        data["design"] = self.design
        optional = {"samples": self.samples, "batch_size": self.batch_size}
        data.update({k: v for k, v in optional.items() if v is not None})
        if self.nested:
            data.update(populations=self.populations, histories=self.histories)
        else:
            data["replicates"] = self.replicates
        data["seed"] = self.seed
        data["trajectories"] = list(self.trajectories) or "none"
        if self.outcomes is not None:
            data["outcomes"] = list(self.outcomes)
        data["constants"] = dict(self.constants)
        for role, factors in (("levers", self.levers), ("uncertainties", self.uncertainties)):
            data[role] = {f.name: factor_data(f, self.design_kind) for f in factors}
        return data

    def _identity(self) -> dict[str, Any]:
        nested = {"populations": self.populations, "histories": self.histories}
        return ({"nested": nested} if self.nested else {}) | {
            "cisim": __version__,
            "model": self.model,
            "settings": {k: v for k, v in self.settings.items() if k not in _ABOUT},
            "design": self.design,
            "samples": self.samples,
            "replicates": self.replicates,
            "seed": self.seed,
            "task_size": self.task_size,
            "trajectories": list(self.trajectories),
            "outcomes": None if self.outcomes is None else list(self.outcomes),
            "factors": [f.to_dict() for f in self.factors],
        }

    # ---- construction --------------------------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | Path) -> Experiment:
        """Load an experiment file; errors name the key and say the file and line."""
        path = Path(path)
        text = _read_text(path)
        return cls.from_text(text, source=path)

    @classmethod
    def from_text(
        cls, text: str, *, source: str | Path = "<experiment>", base: Scenario | None = None
    ) -> Experiment:
        """Parse an experiment from TOML text.

        Parameters
        ----------
        text
            The TOML text.
        source
            The file it came from: named in errors, and relative base paths start from its
            directory.
        base
            A base scenario to use instead of loading the one the text names (for reading an
            experiment back from a sweep directory, where the base file may not be at hand).
        """
        where = str(source)
        data = parse_toml(text, where)
        try:
            return cls.from_dict(
                data, base_dir=Path(where).parent, base=base, text=text, source=where
            )
        except FileFormatError:
            raise
        except ConfigError as exc:
            if exc.where:  # already located (in the base scenario's file)
                raise exc from None
            line = _line_of(text, exc.field) or _line_of(text, exc.field.rsplit(".", 1)[0])
            raise exc.located(f"{where}, line {line}" if line else where) from None

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        base_dir: Path | None = None,
        base: Scenario | None = None,
        text: str | None = None,
        source: str | None = None,
    ) -> Experiment:
        """Build from a mapping shaped like the TOML file (unknown keys are errors).

        ``base_dir`` is where a relative base path starts (the working directory by default);
        ``base`` replaces the base the data names.
        """
        if not isinstance(data, Mapping):
            raise ConfigError("experiment", data, "a table of experiment keys")
        _check_keys(data)
        model_name = _model_name(data.get("model", "cisim"))
        model = MODELS[model_name]
        if base is None:
            base = _load_base(model, data.get("base"), base_dir or Path.cwd())
        constants = table(data, "constants")
        settings = _settings(model, base, constants)
        design = _choice("design", data.get("design"), tuple(DESIGNS))
        kind = DESIGNS[design]
        factors = {role: parse_factors(model, settings, role, data, kind) for role in ROLES}
        return cls(
            name=_text(data, "name", _default_name(source)),
            description=_text(data, "description", ""),
            question=_text(data, "question", ""),
            model=model_name,
            base=base,
            base_ref=None if data.get("base") is None else str(data.get("base")),
            design=design,
            samples=_optional_count(data, "samples", 1),
            **_runs_per_point(data),
            seed=_seed(data.get("seed", 0)),
            batch_size=_optional_count(data, "batch_size", 1),
            trajectories=_metrics(model, data.get("trajectories")),
            outcomes=_outcomes(model, settings, data.get("outcomes")),
            constants=constants,
            levers=factors["levers"],
            uncertainties=factors["uncertainties"],
            text=text,
            source=source,
        )


# ---- top level -------------------------------------------------------------------------------
def _check_keys(data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        if key not in TOP_KEYS:
            raise ConfigError(key, value, "a key of an experiment" + hint(key, TOP_KEYS))


def _model_name(value: Any) -> str:
    return _choice("model", value, tuple(MODELS))


def _choice(key: str, value: Any, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ConfigError(key, value, "one of " + ", ".join(repr(a) for a in allowed))
    return value


def _text(data: Mapping[str, Any], key: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(key, value, "a string")
    return value


def _default_name(source: str | None) -> str:
    return Path(source).stem if source and not source.startswith("<") else "experiment"


def _count(value: Any, key: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ConfigError(key, value, f"a whole number >= {least}")
    if value > MAX_COUNT and key != "samples":  # samples: bounded by the design's points
        raise ConfigError(key, value, f"a whole number from {least} to {MAX_COUNT:,}")
    return value


def _runs_per_point(data: Mapping[str, Any]) -> dict[str, Any]:
    """``replicates``, or a nested design's ``populations`` and ``histories`` (each >= 2)."""
    given = [key for key in ("populations", "histories") if data.get(key) is not None]
    if not given:
        return {"replicates": _count(data.get("replicates", 1), "replicates", 1)}
    if data.get("replicates") is not None:
        key = given[0]
        raise ConfigError(
            key,
            data[key],
            "absent when replicates is given (a nested design runs populations "
            "x histories per point instead of replicates)",
        )
    for key in ("populations", "histories"):
        if data.get(key) is None:
            other = given[0]
            need = f"a whole number >= 2 (a nested design needs it beside {other})"
            raise ConfigError(key, None, need)
    counts = {key: _count(data[key], key, 2) for key in ("populations", "histories")}
    return {**counts, "replicates": counts["populations"] * counts["histories"]}


def _optional_count(data: Mapping[str, Any], key: str, least: int) -> int | None:
    return None if data.get(key) is None else _count(data[key], key, least)


def _seed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise ConfigError("seed", value, "a whole number from 0 to 2**63 - 1")
    return value


def _load_base(model: SweepModel, ref: Any, base_dir: Path) -> Scenario | None:
    if not model.needs_base:
        if ref is not None:
            raise ConfigError("base", ref, f"nothing: the {model.name!r} model has no scenario")
        return None
    if not isinstance(ref, str) or not ref:
        raise ConfigError("base", ref, "a preset name or the path of a scenario TOML file")
    path = Path(ref)
    if ref.endswith(".toml") and not path.is_absolute():
        ref = str(base_dir / path)
    try:
        return Scenario.load(ref)
    except FileFormatError as exc:
        raise ConfigError("base", exc.path, exc.problem) from None
    except ConfigError as exc:
        if exc.field == "config":
            raise ConfigError("base", ref, exc.allowed) from None
        raise


def _settings(
    model: SweepModel, base: Scenario | None, constants: dict[str, Any]
) -> dict[str, Any]:
    try:
        return model.settings(base, constants)
    except FileFormatError:
        raise
    except ConfigError as exc:
        raise ConfigError(f"constants.{exc.field}", exc.value, exc.allowed) from None


def _metrics(model: SweepModel, value: Any) -> tuple[str, ...]:
    if value is None:
        return model.default_trajectories
    if value == "all":
        return model.metrics
    if value == "none":
        return ()
    if isinstance(value, str) or not isinstance(value, list):
        raise ConfigError("trajectories", value, "a list of metric names, 'all' or 'none'")
    return _names("trajectories", value, model.metrics, "a metric")


def _outcomes(model: SweepModel, settings: dict[str, Any], value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, list) or not value:
        raise ConfigError("outcomes", value, "a non-empty list of outcome columns")
    return _names("outcomes", value, model.outcomes(settings), "an outcome")


def _names(key: str, values: list[Any], known: Sequence[str], what: str) -> tuple[str, ...]:
    for name in values:
        if not isinstance(name, str) or name not in known:
            note = hint(name, known) if isinstance(name, str) else f" ({', '.join(known)})"
            raise ConfigError(key, name, f"{what} of the model{note}")
    if len(set(values)) != len(values):
        raise ConfigError(key, values, "each name once")
    return tuple(values)


# ---- consistency -----------------------------------------------------------------------------
def _check_design(ex: Experiment) -> None:
    if ex.design not in DESIGNS:
        raise ConfigError("design", ex.design, "one of " + ", ".join(DESIGNS))
    if ex.model not in MODELS:
        raise ConfigError("model", ex.model, "one of " + ", ".join(MODELS))
    kind = ex.design_kind
    if not kind.sampled:
        if ex.samples is not None:
            raise ConfigError("samples", ex.samples, f"absent: {kind.a} design takes every level")
        return
    if ex.samples is None:
        raise ConfigError("samples", None, f"a whole number >= 1 ({kind.a} design needs it)")
    needed = kind.samples_needed(ex.samples)
    if needed:
        raise ConfigError("samples", ex.samples, needed)
    if not ex.factors:
        needs = f"at least one varied parameter ({kind.a} design samples)"
        raise ConfigError("uncertainties", {}, needs)


def _check_size(ex: Experiment) -> None:
    """A design too large to hold in memory is refused before anything is built."""
    points = n_points(ex)
    if points > MAX_POINTS:
        key, value = ("samples", ex.samples) if ex.design_kind.sampled else ("design", ex.design)
        raise ConfigError(
            key,
            value,
            f"a design of at most {MAX_POINTS:,} points (this one has {points:,}); "
            "use fewer samples or levels",
        )


def _check_nested(ex: Experiment) -> None:
    """A nested design has both counts (each >= 2), a model that can nest, and its replicates
    are populations x histories."""
    if ex.populations is None and ex.histories is None:
        return
    populations = _count(ex.populations, "populations", 2)
    histories = _count(ex.histories, "histories", 2)
    if not ex.sweep_model.nests:
        raise ConfigError(
            "populations",
            ex.populations,
            f"absent: the {ex.model!r} model has no populations and histories (use replicates)",
        )
    runs = populations * histories
    if ex.replicates not in (1, runs):
        raise ConfigError(
            "replicates", ex.replicates, f"absent, or populations x histories ({runs})"
        )
    object.__setattr__(ex, "replicates", runs)


def _check_counts(ex: Experiment) -> None:
    _count(ex.replicates, "replicates", 1)
    _seed(ex.seed)
    if ex.samples is not None:
        _count(ex.samples, "samples", 1)
    if ex.batch_size is not None:
        _count(ex.batch_size, "batch_size", 1)


def _check_factors(ex: Experiment) -> None:
    seen: set[str] = set()
    kind = ex.design_kind
    for factor in ex.factors:
        if factor.name in seen or factor.name in ex.constants:
            raise ConfigError(factor.key, factor.name, "one table only")
        seen.add(factor.name)
        if not kind.sampled and factor.is_range:
            raise ConfigError(factor.key, factor.to_dict(), f"levels ({ex.design} design)")
        if not kind.categorical and not factor.is_range:
            raise ConfigError(
                factor.key,
                list(factor.levels),
                f"a numeric range {{ low, high }}: a {ex.design} design cannot vary a "
                "categorical; fix it in [constants], or use design = 'lhs' or 'factorial'",
            )
