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
* a mechanism draws its number where it needs it (:func:`draw`, compiled), with no table of
  draws made in advance.

The hash is two rounds of the SplitMix64 finaliser (Steele, Lea & Flood 2014), keyed by the two
64-bit halves of the stream key. Initialisation (traits, network) uses ordinary numpy Generators
seeded from the same child, so networkx-style generation code reads naturally.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cisim.model.compiled import jit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
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
    ENTRY_ACCEPT = 15
    BACKBONE = 16


N_STREAMS = len(Stream)

#: The streams of the two standard normal draws per row and month that the engine makes before a
#: month and hands the mechanisms (:class:`cisim.model.compiled.Work`'s ``shock``), in order:
#: outcome noise (joint work) and setback salience (setback response).
SHOCKS: tuple[Stream, ...] = (Stream.OUTCOME, Stream.SALIENCE)


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


@jit
def _mix(z: Any) -> Any:
    """The SplitMix64 finaliser."""
    z ^= z >> np.uint64(30)
    z *= _M1
    z ^= z >> np.uint64(27)
    z *= _M2
    z ^= z >> np.uint64(31)
    return z


@jit
def draw(keys: Any, r: int, stream: int, month: int, index: int) -> float:
    """The uniform number in [0, 1) of row ``r``, ``stream``, ``month`` and ``index``.

    ``keys`` is the batch's key table ``(R, N_STREAMS, 2)``; ``index`` is an organisation slot, a
    tie slot, or 0 for a draw of the whole collaboration.
    """
    k0 = keys[r, stream, 0]
    k1 = keys[r, stream, 1]
    ctr = np.uint64(index) | (np.uint64(month) << np.uint64(32))
    z = _mix(k0 + ctr * _GOLDEN)
    z = _mix(z ^ k1)
    return float(z >> np.uint64(11)) * _TWO53


@jit
def _uniform(keys: Any, stream: int, month: int, out: Any) -> Any:
    for r in range(out.shape[0]):
        for i in range(out.shape[1]):
            out[r, i] = draw(keys, r, stream, month, i)
    return out


def uniform(
    keys: NDArray[np.uint64], stream: Stream, month: int, shape_cols: int | None = None
) -> NDArray[np.float64]:
    """Uniform numbers in [0, 1) for every replicate row and index (:func:`draw`'s numbers).

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
        replicate (index 0), shape ``(R,)``.
    """
    cols = 1 if shape_cols is None else shape_cols
    out = _uniform(keys, int(stream), int(month), np.empty((keys.shape[0], cols)))
    return out[:, 0] if shape_cols is None else out


def normal(
    keys: NDArray[np.uint64], stream: Stream, month: int, shape_cols: int | None = None
) -> NDArray[np.float64]:
    """Standard normal numbers by the inverse CDF of a counter-based uniform."""
    from scipy.special import ndtri

    u = uniform(keys, stream, month, shape_cols)
    # map [0, 1) to the open interval (0, 1) so the inverse CDF is finite
    return np.asarray(ndtri((u * (1.0 - 2.0**-52)) + 2.0**-54), dtype=np.float64)
