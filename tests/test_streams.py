"""Counter-based random streams: uniform, independent, reproducible, batch-free."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cisim.model.streams import (
    N_STREAMS,
    Stream,
    init_generator,
    normal,
    replicate_seed_sequence,
    stream_keys,
    uniform,
)

SEED = 20240611
N = 200_000


@pytest.fixture(scope="module")
def keys() -> np.ndarray:
    return stream_keys(SEED, np.arange(8))


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def _bound(n: int) -> float:
    """|r| of independent samples is below this in all but ~1e-6 of cases (fixed seed)."""
    return 5.0 / np.sqrt(n)


def test_stream_keys__shape_and_dtype(keys):
    assert keys.shape == (8, N_STREAMS, 2)
    assert keys.dtype == np.uint64
    assert len({tuple(k) for k in keys.reshape(-1, 2).tolist()}) == 8 * N_STREAMS


def test_uniform__shapes(keys):
    assert uniform(keys, Stream.TURNOVER, 3).shape == (8,)
    assert uniform(keys, Stream.TURNOVER, 3, 17).shape == (8, 17)
    assert normal(keys, Stream.OUTCOME, 3, 5).shape == (8, 5)
    assert uniform(keys, Stream.TURNOVER, 3, 17).dtype == np.float64


def test_uniform__in_unit_interval(keys):
    u = uniform(keys, Stream.EXIT, 5, N // 8)
    assert (u >= 0.0).all() and (u < 1.0).all()
    months = np.stack([uniform(keys, Stream.JOIN, m) for m in range(5000)])
    assert (months >= 0.0).all() and (months < 1.0).all()


def test_uniform__is_uniform_by_ks(keys):
    u = uniform(keys, Stream.OUTCOME, 12, N // 8).ravel()
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    # over months, one draw per replicate: the month counter is mixed as well as the index
    v = np.stack([uniform(keys, Stream.ATTRIBUTION, m) for m in range(N // 8)]).ravel()
    assert stats.kstest(v, "uniform").pvalue > 1e-3
    assert abs(u.mean() - 0.5) < 5 * np.sqrt(1 / 12 / len(u))


def test_normal__is_standard_normal(keys):
    z = normal(keys, Stream.OUTCOME, 12, N // 8).ravel()
    assert np.isfinite(z).all()
    assert stats.kstest(z, "norm").pvalue > 1e-3
    assert abs(z.mean()) < 5 / np.sqrt(len(z))
    assert abs(z.std() - 1.0) < 0.02


def test_normal__is_finite_at_the_extremes():
    # the whole month range of many keys: the inverse CDF never sees exactly 0
    keys = stream_keys(1, np.arange(64))
    z = np.stack([normal(keys, Stream.OUTCOME, m, 64) for m in range(200)])
    assert np.isfinite(z).all()


def test_uniform__same_inputs_same_outputs(keys):
    a = uniform(keys, Stream.TURNOVER, 9, 100)
    b = uniform(keys.copy(), Stream.TURNOVER, 9, 100)
    assert np.array_equal(a, b)
    fresh = stream_keys(SEED, np.arange(8))
    assert np.array_equal(a, uniform(fresh, Stream.TURNOVER, 9, 100))


def test_uniform__different_seeds_differ():
    a = uniform(stream_keys(1, np.arange(4)), Stream.TURNOVER, 1, 50)
    b = uniform(stream_keys(2, np.arange(4)), Stream.TURNOVER, 1, 50)
    assert not np.isclose(a, b).any()


def test_uniform__streams_are_uncorrelated(keys):
    cols = N // 8
    draws = {s: uniform(keys, s, 4, cols) for s in Stream}
    names = list(draws)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert abs(_corr(draws[a], draws[b])) < _bound(N), (a, b)


def test_uniform__months_are_uncorrelated(keys):
    cols = N // 8
    base = uniform(keys, Stream.TURNOVER, 10, cols)
    for other in (11, 12, 42, 10 + 2**20):
        assert abs(_corr(base, uniform(keys, Stream.TURNOVER, other, cols))) < _bound(N)


def test_uniform__indices_are_uncorrelated(keys):
    u = uniform(keys, Stream.BLAME_TARGET, 3, N // 8)
    for lag in (1, 2, 7, 64):
        assert abs(_corr(u[:, :-lag], u[:, lag:])) < _bound(u[:, lag:].size)


def test_uniform__replicates_are_uncorrelated(keys):
    u = uniform(keys, Stream.EXIT, 3, N // 8)
    for a in range(len(u)):
        for b in range(a + 1, len(u)):
            assert abs(_corr(u[a], u[b])) < _bound(u.shape[1])


def test_uniform__index_draws_do_not_depend_on_width(keys):
    # padding a batch to more organisation or tie slots leaves the existing slots' draws alone
    wide = uniform(keys, Stream.NAVIGATOR, 6, 300)
    assert np.array_equal(uniform(keys, Stream.NAVIGATOR, 6, 7), wide[:, :7])
    assert np.array_equal(
        normal(keys, Stream.OUTCOME, 6, 7), normal(keys, Stream.OUTCOME, 6, 30)[:, :7]
    )


def test_stream_keys__replicate_does_not_depend_on_the_batch():
    batch = stream_keys(SEED, np.arange(30))
    for k in (0, 7, 29):
        alone = stream_keys(SEED, np.array([k]))
        assert np.array_equal(alone[0], batch[k])
    shuffled = np.array([12, 3, 29, 0])
    assert np.array_equal(stream_keys(SEED, shuffled), batch[shuffled])
    later = stream_keys(SEED, np.arange(25, 40))
    assert np.array_equal(later[:5], batch[25:])


def test_uniform__replicate_draws_do_not_depend_on_the_batch():
    batch = stream_keys(SEED, np.arange(30))
    for k in (0, 13, 29):
        alone = stream_keys(SEED, np.array([k]))
        for stream in (Stream.TURNOVER, Stream.OUTCOME, Stream.SALIENCE):
            assert np.array_equal(
                uniform(alone, stream, 17, 40)[0], uniform(batch, stream, 17, 40)[k]
            )
            assert np.array_equal(uniform(alone, stream, 17)[0], uniform(batch, stream, 17)[k])


def test_replicate_seed_sequence__is_the_spawned_child():
    spawned = np.random.SeedSequence(SEED).spawn(12)
    for k in (0, 5, 11):
        mine = replicate_seed_sequence(SEED, k)
        assert np.array_equal(mine.generate_state(4), spawned[k].generate_state(4))


def test_init_generator__per_replicate_and_stream():
    a = init_generator(SEED, 3, Stream.POPULATION).random(5)
    assert np.array_equal(a, init_generator(SEED, 3, Stream.POPULATION).random(5))
    assert not np.array_equal(a, init_generator(SEED, 4, Stream.POPULATION).random(5))
    assert not np.array_equal(a, init_generator(SEED, 3, Stream.NETWORK).random(5))
