"""How the model's rules are compiled: numba's options, the compile cache, and per-row helpers.

Every mechanism is a function of one replicate row, compiled with numba (:data:`inline`), so the
step that composes them (:mod:`cisim.engine.step`) is one piece of machine code per batch in which
a row's organisations and ties stay in the processor's cache while every mechanism runs on them.
The compiled code allocates nothing: its scratch arrays (:class:`Work`) come from the caller, so it
is compiled without numba's reference counting (``_nrt=False``, numba's own switch; a function
that allocated would fail to compile, not slow down).

Compiled functions are cached on disk. numba checks a cached function only against its own source
file, so a change to a mechanism inlined into the step would leave a stale step in the cache;
:class:`ModelSourceLocator` makes the cache of every compiled function of cisim depend on all the
model's and engine's sources instead.

The helpers here are the elementary pieces the mechanisms share: the logistic function, clipping,
a masked mean and the sectors' diversity, each of one row.
"""

from __future__ import annotations

import hashlib
import math
import shutil
from collections import namedtuple
from functools import cache
from pathlib import Path
from typing import Any

import numba
import numpy as np
from numba.core import caching

from cisim.model.timeline import N_PULSES

_UNCACHED: dict[str, Any] = {"nogil": True, "_nrt": False}
_OPTIONS: dict[str, Any] = {**_UNCACHED, "cache": True}
#: Compile a function of one or more rows (called from Python or from compiled code).
jit = numba.njit(**_OPTIONS)
#: :data:`jit` without the disk cache (for a function that takes another as an argument).
jit_uncached = numba.njit(**_UNCACHED)
#: Compile a mechanism or helper that is inlined into its caller: the state is a tuple of some
#: sixty arrays, and passing it through a call costs more than most mechanisms' work on a row.
inline = numba.njit(**_OPTIONS, inline="always")

N_SECTORS = 5
_LOG_SECTORS = math.log(N_SECTORS)  # the diversity's normaliser


# ---- the compile cache ---------------------------------------------------------------------------
_PACKAGE = Path(__file__).resolve().parents[1]
_SOURCES = ("model", "engine")


@cache
def _sources_digest(stamps: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _, _ in stamps:
        digest.update(name.encode())
        digest.update((_PACKAGE / name).read_bytes())
    return digest.hexdigest()


def sources_digest() -> str:
    """SHA-256 of every Python source of :mod:`cisim.model` and :mod:`cisim.engine`."""
    files = sorted(p for d in _SOURCES for p in (_PACKAGE / d).rglob("*.py"))
    stamps = []
    for path in files:
        st = path.stat()
        stamps.append((path.relative_to(_PACKAGE).as_posix(), st.st_mtime_ns, st.st_size))
    return _sources_digest(tuple(stamps))


class ModelSourceLocator(caching._CacheLocator):
    """numba's usual cache locator for a function of cisim, in a folder of its sources' version.

    The folder is named by :func:`sources_digest`: a cached function is used only if no source of
    the model or the engine changed since it was compiled (numba alone checks only the function's
    own file, which misses changes to the mechanisms and constants a step inlines). Folders of
    other versions are removed when a new one is made, so edits do not pile up copies.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._path = Path(inner.get_cache_path()) / f"cisim-{sources_digest()[:16]}"

    def ensure_cache_path(self) -> None:
        if not self._path.is_dir():
            self._inner.ensure_cache_path()
            for old in self._path.parent.glob("cisim-*"):
                shutil.rmtree(old, ignore_errors=True)
        super().ensure_cache_path()

    def get_cache_path(self) -> str:
        return str(self._path)

    def get_source_stamp(self) -> Any:
        return self._inner.get_source_stamp()

    def get_disambiguator(self) -> str:
        return str(self._inner.get_disambiguator())

    @classmethod
    def from_function(cls, py_func: Any, py_file: str) -> ModelSourceLocator | None:
        if not Path(py_file).resolve().is_relative_to(_PACKAGE):
            return None
        others: list[Any] = caching.CacheImpl._locator_classes
        for other in others:
            if other is not cls:
                inner = other.from_function(py_func, py_file)
                if inner is not None:
                    locator = cls(inner)
                    try:
                        locator.ensure_cache_path()
                    except OSError:
                        return None
                    return locator
        return None


_LOCATORS: list[Any] = caching.CacheImpl._locator_classes
if ModelSourceLocator not in _LOCATORS:
    _LOCATORS.insert(0, ModelSourceLocator)


# ---- a row's scratch -----------------------------------------------------------------------------
#: Scratch arrays of one batch, reused by every row and month (the compiled code allocates
#: nothing), and what the step hands every mechanism about the month:
#:
#: * ``act``: the active members at the month's start; ``live``: the live ties (existing, not
#:   dormant, between active members); ``end[0]``: one past the last live tie slot (passes over
#:   live ties stop there). Found by the previous month's metrics; valid until membership.
#: * ``shock[0]``, ``shock[1]``: the month's standard normal draws of the row, from the streams
#:   of :data:`cisim.model.streams.SHOCKS`: outcome noise (joint work) and setback salience
#:   (setback response).
#: * ``org[k]`` (numbers) and ``flag[k]`` (yes/no) per organisation, ``tie_value`` and
#:   ``tie_flag[k]`` per tie slot, ``counts`` and ``terms`` per sector: free for any mechanism
#:   within its turn (no mechanism leaves anything in them for another).
#: * ``out_start``, ``out_slots``, ``in_start``, ``in_slots``, ``cursor``: the row's adjacency
#:   (each organisation's outgoing and incoming tie slots; fixed for a run).
#: * ``live_slots``: the live ties' slot numbers (the metrics).
#: * ``pulse``: the month's changes from the row's timeline (:mod:`cisim.model.timeline`), all
#:   zero in a month without events.
Work = namedtuple(
    "Work",
    [
        "act",
        "live",
        "end",
        "shock",
        "org",
        "flag",
        "tie_value",
        "tie_flag",
        "counts",
        "terms",
        "out_start",
        "out_slots",
        "in_start",
        "in_slots",
        "cursor",
        "live_slots",
        "pulse",
    ],
)


def work(n: int, e_n: int) -> Any:
    """The scratch arrays for rows of ``n`` organisation slots and ``e_n`` tie slots."""
    return Work(
        act=np.zeros(n, dtype=np.bool_),
        live=np.zeros(e_n, dtype=np.bool_),
        end=np.zeros(1, dtype=np.int64),
        shock=np.zeros(2),
        org=np.zeros((8, n)),
        flag=np.zeros((3, n), dtype=np.bool_),
        tie_value=np.zeros(e_n),
        tie_flag=np.zeros((2, e_n), dtype=np.bool_),
        counts=np.zeros(N_SECTORS, dtype=np.int64),
        terms=np.zeros(N_SECTORS),
        out_start=np.zeros(n + 1, dtype=np.int64),
        out_slots=np.zeros(e_n, dtype=np.int64),
        in_start=np.zeros(n + 1, dtype=np.int64),
        in_slots=np.zeros(e_n, dtype=np.int64),
        cursor=np.zeros(n, dtype=np.int64),
        live_slots=np.zeros(e_n, dtype=np.int64),
        pulse=np.zeros(N_PULSES),
    )


@inline
def live_ties(w: Any) -> Any:
    """The live-tie mask up to the last live slot (a view; nothing is live beyond it)."""
    return w.live[: w.end[0]]


# ---- per-row helpers -----------------------------------------------------------------------------
@jit
def sigmoid(x: float) -> float:
    """The logistic function, ``1 / (1 + exp(-x))``, as ``(1 + tanh(x / 2)) / 2``."""
    return 0.5 * (1.0 + math.tanh(0.5 * x))


@jit
def clip(x: float, lo: float, hi: float) -> float:
    """``x`` limited to ``[lo, hi]``."""
    return min(max(x, lo), hi)


@jit
def masked_mean(values: Any, mask: Any) -> float:
    """Mean of the masked values (added left to right), 0 if none is masked."""
    total = 0.0
    count = 0
    for i in range(values.shape[0]):
        if mask[i]:
            total += values[i]
            count += 1
    return total / max(count, 1) if count > 0 else 0.0


@jit
def diversity(sector: Any, mask: Any, counts: Any, terms: Any) -> float:
    """Normalised Shannon entropy of the masked organisations' sectors (0 to 1); ``counts`` and
    ``terms`` are scratch (one entry per sector)."""
    counts[:] = 0
    for i in range(mask.shape[0]):
        if mask[i]:
            counts[sector[i]] += 1
    return entropy(counts, terms)


@jit
def entropy(counts: Any, terms: Any) -> float:
    """Normalised Shannon entropy of counts per sector (0 to 1); ``terms`` is scratch."""
    total = max(counts.sum(), 1)
    for k in range(N_SECTORS):
        share = counts[k] / total
        terms[k] = share * math.log(share) if share > 0 else 0.0
    ent = -((((terms[0] + terms[1]) + terms[2]) + terms[3]) + terms[4])
    return min(ent / _LOG_SECTORS, 1.0)  # five equal shares can round to 1 + 2e-16


@jit
def mean_trust_of(
    trust: Any, src: Any, live: Any, fallback: float, total: Any, count: Any, out: Any
) -> Any:
    """Each organisation's mean trust in its live partners (``fallback`` if it has none), from a
    row's ``trust`` and ``src``, into ``out``; ``total`` and ``count`` are scratch. Given the
    ties' targets (``dst``) instead of their sources, the mean trust *in* each organisation."""
    total[:] = 0.0
    count[:] = 0.0
    for e in range(live.shape[0]):
        if live[e]:
            i = src[e]
            total[i] += trust[e]
            count[i] += 1.0
    for i in range(out.shape[0]):
        out[i] = total[i] / max(count[i], 1.0) if count[i] > 0 else fallback
    return out
