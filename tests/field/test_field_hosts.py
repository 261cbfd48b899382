"""A field gives the same result on threads, on worker processes and on a Dask cluster whose
workers are separate processes, whatever the number of workers and shards; each period moves
only the cities' reports and the step's new values."""

from __future__ import annotations

import numpy as np
import pytest

from cisim.errors import ConfigError
from cisim.field import Field, Platform, field
from cisim.field.hosts import DaskHosts, open_hosts
from cisim.field.run import KEPT, FieldRun, run_field
from cisim.model.scenario import Scenario

SEED = 1616
SMALL = Scenario.preset("baseline").replace(n_organisations=12, horizon_months=36)
FIELD = Field(scenario=SMALL, cities=21, spread=0.1, seed=SEED)
FUNDED = Platform(budget=2.0, step_months=3, evidence_delay=1, peer_links=3)


@pytest.fixture(scope="module")
def in_process() -> FieldRun:
    return run_field(FIELD, FUNDED, shards=1)


def assert_same_run(a: FieldRun, b: FieldRun) -> None:
    for name in KEPT:
        np.testing.assert_array_equal(a.trajectories[name], b.trajectories[name], name)
    assert a.record == b.record
    for name in ("trust", "adopted", "failed", "held", "win_rate"):
        np.testing.assert_array_equal(getattr(a.platform, name), getattr(b.platform, name))
    np.testing.assert_array_equal(a.final.progress, b.final.progress)
    assert a.platform.adopted.sum() > 0  # the platform did act on the cities


def test_field__same_result_on_worker_processes(in_process: FieldRun) -> None:
    with open_hosts("processes", workers=2) as hosts:
        held = run_field(FIELD, FUNDED, shards=3, hosts=hosts)
    assert_same_run(in_process, held)
    # the traffic depends on the split (reports are the same; portions are per shard)
    assert sum(up for up, _ in held.traffic) == sum(up for up, _ in in_process.traffic)


def test_field__same_result_on_a_dask_cluster_of_two_worker_processes(
    in_process: FieldRun,
) -> None:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with cluster, distributed.Client(cluster) as client:
        pids = set(client.run(lambda: __import__("os").getpid()).values())
        assert len(pids) == 2 and __import__("os").getpid() not in pids  # separate processes
        with open_hosts(dask=client) as hosts:
            assert isinstance(hosts, DaskHosts)
            for shards in (2, 5):
                assert_same_run(in_process, run_field(FIELD, FUNDED, shards=shards, hosts=hosts))
            # each shard stayed on the worker it was placed on: actors, one per shard
            assert len(hosts.workers) == 2
        # the same through the API, by the scheduler's address
        a = field(FIELD, FUNDED, shards=3, dask=cluster.scheduler_address)
    assert a.cities.equals(field(FIELD, FUNDED).cities)


def test_field__each_period_moves_only_reports_and_new_values(in_process: FieldRun) -> None:
    steps = len(in_process.record)
    assert len(in_process.traffic) == steps == SMALL.horizon_months // 3 - 1
    for up, down in in_process.traffic:
        assert up == FIELD.size * (13 * 8 + 3)  # 16 numbers a city: 13 of 8 bytes, 3 flags
        # at most every city's row and its new values (7 state fields, 3 parameters)
        assert 0 <= down <= FIELD.size * (8 + 10 * 8)
    assert any(down > 0 for _, down in in_process.traffic)


def test_open_hosts__bad_executor_and_workers_are_one_line_errors() -> None:
    with pytest.raises(ConfigError, match=r"executor.*'threads' or 'processes'"), open_hosts("gpu"):
        pass
    with pytest.raises(ConfigError, match="workers"), open_hosts("processes", workers=0):
        pass


def test_cli_field__dask_local_and_processes_print_the_threads_table(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    from cisim.cli import main

    (tmp_path / "small.toml").write_text(
        'name = "small"\nn_organisations = 10\nhorizon_months = 24\n'
    )
    path = tmp_path / "field.toml"
    path.write_text(
        '[field]\nscenario = "small.toml"\ncities = 9\nseed = 3\n[platform]\nbudget = 2\n'
    )
    tables = []
    for extra in ([], ["--dask", "local", "--workers", "2"], ["--processes", "--workers", "2"]):
        assert main(["field", str(path), *extra]) == 0
        tables.append(capsys.readouterr().out)
    assert tables[0] == tables[1] == tables[2]
    assert "learning_journey_share" in tables[0]


def test_cli_field__dask_address_that_is_not_one_exits_2_with_one_line(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    from cisim.cli import main

    path = tmp_path / "field.toml"
    path.write_text("[field]\ncities = 3\n[platform]\nbudget = 1\n")
    assert main(["field", str(path), "--dask", "nowhere:://x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--dask" in err and "Traceback" not in err


def test_field_dask_cluster_listens_on_loopback() -> None:
    # as tests/reliability/test_security.py holds for the sweeps' cluster
    import ast
    from pathlib import Path

    import cisim.field.hosts as hosts

    tree = ast.parse(Path(hosts.__file__).read_text(encoding="utf-8"))
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "LocalCluster"
    ]
    assert len(calls) == 1
    keywords = {k.arg: k.value for k in calls[0].keywords}
    assert ast.literal_eval(keywords["host"]) == "127.0.0.1"
    assert ast.literal_eval(keywords["dashboard_address"]) is None


def test_field__outcomes_read_on_the_shards_are_those_of_the_trajectories() -> None:
    from cisim.field.outcomes import result_of

    whole = result_of(run_field(FIELD, FUNDED, shards=1), FIELD.scenarios())
    kept = run_field(FIELD, FUNDED, shards=4, workers=2, keep="outcomes")
    assert kept.trajectories == {}  # nothing of size months x cities was gathered
    assert whole.cities.equals(result_of(kept, FIELD.scenarios()).cities)
    assert whole.cities.equals(field(FIELD, FUNDED, shards=3).cities)  # the API keeps outcomes
    assert set(whole.cities["regime"]) > {"learning_journey"}  # more than one regime compared
    with pytest.raises(ConfigError, match="keep"):
        run_field(FIELD, FUNDED, keep="everything")
