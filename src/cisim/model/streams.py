"""Seeds, streams and common random numbers.

One root seed per call. Replicate ``k`` gets the :class:`numpy.random.SeedSequence` child
``SeedSequence(seed, spawn_key=(k,))`` (the same child ``SeedSequence(seed).spawn(n)[k]`` gives,
whatever ``n``), and from it one 128-bit key per *stream*: one stream per mechanism and purpose.

Draws inside the monthly step are **counter-based** (Salmon et al. 2011, "Parallel random numbers:
as easy as 1, 2, 3"): the uniform number for replicate ``r``, stream ``s``, month ``t`` and index
``i`` (an organisation slot or a tie slot) is a pure function ``hash(key[r, s], t, i)``. So

* a batch of any size draws exactly the numbers each replicate would draw alone (bit-identical
  results whatever the batch size, the number of processes or the executor);
* replicate ``k`` of two scenarios sees the same number for the same organisation, month and
  purpose (common random numbers at the finest grain: adding a navigator cannot change whose
  representative leaves in month 7);
* all replicates draw together in a few numpy operations, with no Python loop.

The hash is two rounds of the SplitMix64 finaliser (Steele, Lea & Flood 2014), keyed by the two
64-bit halves of the stream key. Initialisation (traits, network) uses ordinary numpy Generators
seeded from the same child, so networkx-style generation code reads naturally.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)
_S11 = np.uint64(11)
_TWO53 = 1.0 / 9007199254740992.0


class Stream(IntEnum):
    """Named random streams; the value is the stream's index in a replicate's key table."""

    POPULATION = 0  # initialisation: traits and sectors (Generator)
    NETWORK = 1  # initialisation: ties (Generator)
    TURNOVER = 2
    ENTRY_POINT = 3
    OUTCOME = 4
    ATTRIBUTION = 5
    BLAME_TARGET = 6
    NAVIGATOR = 7
    BROKER = 8
    EXIT = 9
    JOIN = 10
    ADAPTATION = 11
    GOVERNANCE = 12
    BROKER_TIE = 13
    SALIENCE = 14


N_STREAMS = len(Stream)


def replicate_seed_sequence(seed: int, replicate: int) -> np.random.SeedSequence:
    """The SeedSequence child of replicate ``replicate`` under root ``seed``."""
    return np.random.SeedSequence(int(seed), spawn_key=(int(replicate),))


def stream_keys(seed: int, replicates: NDArray[np.int64]) -> NDArray[np.uint64]:
    """Keys of shape ``(len(replicates), N_STREAMS, 2)`` for the given replicate numbers."""
    keys = np.empty((len(replicates), N_STREAMS, 2), dtype=np.uint64)
    for row, k in enumerate(replicates):
        state = replicate_seed_sequence(seed, int(k)).generate_state(2 * N_STREAMS, np.uint64)
        keys[row] = state.reshape(N_STREAMS, 2)
    return keys


def init_generator(seed: int, replicate: int, stream: Stream) -> np.random.Generator:
    """A numpy Generator for an initialisation stream of one replicate."""
    child = np.random.SeedSequence(int(seed), spawn_key=(int(replicate), 1_000 + int(stream)))
    return np.random.default_rng(child)


def _mix(z: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64 finaliser (in place on a fresh array)."""
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    return z


def uniform(
    keys: NDArray[np.uint64], stream: Stream, month: int, shape_cols: int | None = None
) -> NDArray[np.float64]:
    """Uniform numbers in [0, 1) for every replicate row and index.

    Parameters
    ----------
    keys
        The batch's key table, shape ``(R, N_STREAMS, 2)``.
    stream
        Which stream to draw from.
    month
        The month (the counter's high word).
    shape_cols
        Number of indices per replicate (organisation or tie slots); ``None`` gives one draw per
        replicate, shape ``(R,)``.
    """
    k0 = keys[:, int(stream), 0]
    k1 = keys[:, int(stream), 1]
    t = np.uint64(month) << _S32
    if shape_cols is None:
        ctr = np.full(k0.shape, t, dtype=np.uint64)
        z = _mix(k0 + ctr * _GOLDEN)
        z = _mix(z ^ k1)
        return (z >> _S11).astype(np.float64) * _TWO53
    idx = np.arange(shape_cols, dtype=np.uint64) | t
    z = _mix(k0[:, None] + (idx * _GOLDEN)[None, :])
    z = _mix(z ^ k1[:, None])
    return (z >> _S11).astype(np.float64) * _TWO53


def normal(
    keys: NDArray[np.uint64], stream: Stream, month: int, shape_cols: int | None = None
) -> NDArray[np.float64]:
    """Standard normal numbers by the inverse CDF of a counter-based uniform."""
    from scipy.special import ndtri

    u = uniform(keys, stream, month, shape_cols)
    # map [0, 1) to the open interval (0, 1) so the inverse CDF is finite
    return np.asarray(ndtri((u * (1.0 - 2.0**-52)) + 2.0**-54), dtype=np.float64)
