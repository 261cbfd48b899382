"""One definition of each parameter and metric: every listing of them agrees with the registry.

The parameter registry is :data:`cisim.model.parameters.SPECS`. A parameter added there and not in
:class:`cisim.Scenario` (or the other way round), a Mesa keyword that is not a parameter or is
typed as another kind, an app lever the Mesa face cannot take, a mechanism declaring a parameter
that does not exist: each fails here. (Per-run outcomes: ``tests/test_outcomes.py``; the ODD's
tables: ``tests/test_docs.py``.)
"""

from __future__ import annotations

import inspect
import re
import typing
from dataclasses import fields

import numpy as np
import pytest

from cisim import Scenario
from cisim.app.levers import LEVERS
from cisim.engine import mesa_model
from cisim.model import mechanisms
from cisim.model.metrics import REGISTRY
from cisim.model.parameters import SPECS
from cisim.model.population import RunSpec, build_params
from cisim.model.scenario import DEFAULT_SECTOR_MIX
from cisim.model.state import PARAMETERS, Params, State

ABOUT = ("name", "description", "encodes", "assumes")
KIND = {"int": int, "float": float, "choice": str}


def test_registry__scenario_fields_are_the_parameters_in_order():
    names = [
        f.name
        for f in fields(Scenario)
        if f.name not in ABOUT and f.name not in ("roster", "timeline")
    ]
    assert names == list(SPECS)


def test_registry__every_default_is_valid_and_of_its_kind():
    default = Scenario()
    for name, spec in SPECS.items():
        value = getattr(default, name)
        if spec.kind == "mapping":
            continue
        assert spec.check(name, value) == value
        assert type(value) is KIND[spec.kind], name
    assert dict(default.sector_mix) == DEFAULT_SECTOR_MIX


def test_registry__the_compiled_parameters_are_every_scalar_parameter():
    assert tuple(n for n, s in SPECS.items() if s.kind != "mapping") == PARAMETERS
    p = build_params([RunSpec(Scenario(authority_source="self_assigned"), 0, 0)])
    assert Params._fields == PARAMETERS
    for name, values in zip(PARAMETERS, p, strict=True):
        assert values.dtype == SPECS[name].dtype, name
    assert p.authority_source[0] == SPECS["authority_source"].choices.index("self_assigned")


def test_registry__mesa_keywords_are_parameters_of_their_kind():
    signature = inspect.signature(mesa_model.CollaborationModel)
    hints = typing.get_type_hints(mesa_model.CollaborationModel.__init__)
    assert mesa_model.OVERRIDABLE, "the Mesa face takes no parameter"
    for name in mesa_model.OVERRIDABLE:
        assert signature.parameters[name].default is None
        assert hints[name] == KIND[SPECS[name].kind] | None, name


def test_registry__mesa_docstring_lists_exactly_its_keywords():
    doc = mesa_model.CollaborationModel.__doc__ or ""
    block = doc.split("Parameters\n    ----------")[1].split("\n    rng\n")[0]
    listed = {w for w in re.findall(r"[a-z_]+", block) if w in SPECS}
    assert listed == set(mesa_model.OVERRIDABLE)


def test_registry__app_levers_are_mesa_keywords():
    assert set(LEVERS) <= set(mesa_model.OVERRIDABLE)


@pytest.mark.parametrize("mechanism", mechanisms.SCHEDULE, ids=lambda m: m.__name__)
def test_registry__mechanisms_declare_real_fields_and_parameters(mechanism):
    module = inspect.getmodule(mechanism.py_func)
    state = {f.name for f in fields(State)}
    assert set(module.READS) <= state
    assert set(module.WRITES) <= state
    assert set(module.PARAMETERS) <= set(PARAMETERS)


def test_registry__metrics_are_named_once_and_measured_in_their_order():
    from cisim import engine
    from cisim.model.population import build_state

    st, _ = build_state([RunSpec(Scenario.preset("baseline"), 0, 0)])
    measured = engine.measure(st)
    assert list(measured) == list(REGISTRY)
    assert all(np.isfinite(v).all() for v in measured.values())


def test_registry__the_regime_rule_reads_exactly_the_regime_parameters():
    # a threshold of the rule is a scenario parameter of the "regime" group, and every parameter
    # of that group is a threshold the rule reads (dissolution_share left both together)
    from cisim.model.regimes import Thresholds

    regime = [name for name, spec in SPECS.items() if spec.group == "regime"]
    assert [f.name for f in fields(Thresholds)] == regime
    assert "dissolution_share" not in SPECS
