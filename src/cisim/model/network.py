"""The network of existing ties, generated per replicate with that replicate's own Generator.

Topologies (``network``): ``small_world`` (Watts & Strogatz 1998: ring lattice of ``mean_degree``
neighbours, a share ``rewiring`` of ties rewired), ``random`` (Erdős–Rényi G(n, m) with
``m = n * mean_degree / 2``), ``clustered`` (ties within a sector preferred with weight
``homophily``: silos), ``complete`` (everyone knows everyone), ``roster`` (the known
relationships of a roster). A share ``dormant_ties`` per organisation of further pairs are
*dormant*: potential ties a navigator can broker into being (Zellner et al. 2014, liaisons).

Generators are written with numpy so that they take the replicate's Generator directly and scale to
thousands of organisations; networkx is used to hand the result to Mesa.
"""

from __future__ import annotations

import functools
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

Pairs = NDArray[np.int64]  # (m, 2), a < b
Keys = NDArray[np.int64]  # (m,), a pair (a, b) as a * n + b


def _canonical(pairs: Pairs) -> Pairs:
    pairs = np.sort(pairs, axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if len(pairs) == 0:
        return pairs.reshape(0, 2)
    width = int(pairs[:, 1].max()) + 1  # pairs sorted as (a, b) sort as the numbers a * width + b
    keys = np.unique(pairs[:, 0] * width + pairs[:, 1])
    return np.stack([keys // width, keys % width], axis=1)


def complete(n: int) -> Pairs:
    """All pairs."""
    a, b = np.triu_indices(n, k=1)
    return np.stack([a, b], axis=1).astype(np.int64)


def random_pairs(n: int, m: int, rng: np.random.Generator, exclude: Pairs | None = None) -> Pairs:
    """``m`` distinct random pairs (fewer if the graph fills up), avoiding ``exclude``.

    Pairs are drawn in rounds of ``2 * need + 8`` ordered draws; within a round they are taken in
    order, skipping loops and pairs already chosen, until ``m`` are chosen.
    """
    excluded = (
        None
        if exclude is None
        else np.minimum(exclude[:, 0], exclude[:, 1]) * n + exclude.max(axis=1)
    )
    return pairs_of(random_keys(n, m, rng, excluded), n)


def random_keys(n: int, m: int, rng: np.random.Generator, exclude: Keys | None = None) -> Keys:
    """:func:`random_pairs` as keys ``a * n + b`` (``a < b``), in the order drawn."""
    chosen = np.zeros(0, dtype=np.int64) if exclude is None else exclude.astype(np.int64)
    m = min(m, n * (n - 1) // 2 - (_distinct(chosen) if len(chosen) else 0))
    found: list[Keys] = []
    got = 0
    while got < m:
        need = m - got
        draw = rng.integers(0, n, size=(2 * need + 8, 2))
        keys = _first_new(draw, n, chosen, need)
        found.append(keys)
        got += len(keys)
        if got < m:
            chosen = np.concatenate([chosen, keys])
    if not found:
        return np.zeros(0, dtype=np.int64)
    return found[0] if len(found) == 1 else np.concatenate(found)


def pairs_of(keys: Keys, n: int) -> Pairs:
    """Pairs ``(a, b)`` of keys ``a * n + b``."""
    return np.stack([keys // n, keys % n], axis=1).astype(np.int64).reshape(-1, 2)


def keys_of(pairs: Pairs, n: int) -> Keys:
    """Keys ``a * n + b`` of canonical pairs ``(a, b)``, ``a < b``."""
    return np.ascontiguousarray(pairs[:, 0] * n + pairs[:, 1], dtype=np.int64)


@numba.njit(cache=True)
def _distinct(keys: Any) -> int:  # pragma: no cover (compiled)
    """How many different keys there are."""
    seen = {np.int64(0)}
    seen.clear()
    for key in keys:
        seen.add(key)
    return len(seen)


@numba.njit(cache=True)
def _first_new(draw: Any, n: int, chosen: Any, need: int) -> Any:  # pragma: no cover (compiled)
    """The first ``need`` pairs of ``draw``, in order, that are not loops, repeats or chosen."""
    seen = {np.int64(0)}
    seen.clear()
    for key in chosen:
        seen.add(key)
    out = np.empty(need, dtype=np.int64)
    k = 0
    for row in range(draw.shape[0]):
        a, b = draw[row, 0], draw[row, 1]
        if a == b:
            continue
        key = min(a, b) * n + max(a, b)
        if key in seen:
            continue
        seen.add(key)
        out[k] = key
        k += 1
        if k == need:
            break
    return out[:k]


def small_world(n: int, degree: float, rewiring: float, rng: np.random.Generator) -> Pairs:
    """Watts–Strogatz ring lattice of ``degree`` neighbours, each tie rewired with ``rewiring``.

    The lattice's ties are visited in order; a tie chosen for rewiring moves its far end to a
    random organisation unless that would make a loop or a tie that already exists.
    """
    return pairs_of(small_world_keys(n, degree, rewiring, rng), n)


def small_world_keys(n: int, degree: float, rewiring: float, rng: np.random.Generator) -> Keys:
    """:func:`small_world` as sorted keys ``a * n + b``."""
    if n < 3:
        return keys_of(complete(n), n)
    a, b = _lattice(n, degree)
    rewire = rng.random(len(a)) < rewiring
    targets = rng.integers(0, n, size=len(a))
    return _rewire(a, b, rewire, targets, n)


@functools.lru_cache(maxsize=64)
def _lattice(n: int, degree: float) -> tuple[Keys, Keys]:
    """The ring lattice's ties ``a``-``b`` in order (read-only: shared by every run)."""
    half = max(1, min(round(degree / 2), (n - 1) // 2))
    a = np.repeat(np.arange(n, dtype=np.int64), half)
    b = (a + np.tile(np.arange(1, half + 1, dtype=np.int64), n)) % n
    a.flags.writeable = b.flags.writeable = False
    return a, b


@numba.njit(cache=True)
def _rewire(a: Any, b: Any, rewire: Any, targets: Any, n: int) -> Any:  # pragma: no cover
    """The lattice ``a``-``b`` rewired in order (pairs a < b as sorted keys a * n + b)."""
    pairs = {np.int64(0)}
    pairs.clear()
    for k in range(a.shape[0]):
        pairs.add(min(a[k], b[k]) * n + max(a[k], b[k]))
    for k in range(a.shape[0]):
        if not rewire[k]:
            continue
        x, old, new = a[k], b[k], targets[k]
        key_new = min(x, new) * n + max(x, new)
        if new == x or key_new in pairs:
            continue
        pairs.discard(min(x, old) * n + max(x, old))
        pairs.add(key_new)
    keys = np.empty(len(pairs), dtype=np.int64)
    for i, key in enumerate(pairs):
        keys[i] = key
    keys.sort()
    return keys


def clustered(
    n: int, degree: float, homophily: float, sector: NDArray[np.int8], rng: np.random.Generator
) -> Pairs:
    """Random ties, a share ``homophily`` of them drawn within sectors (silos)."""
    m = round(n * degree / 2)
    within = round(m * homophily)
    by_sector = [np.flatnonzero(sector == s) for s in range(int(sector.max()) + 1)]
    sizes = np.array([len(g) for g in by_sector], dtype=float)
    cap = sizes * (sizes - 1) / 2
    pairs: list[Pairs] = []
    if within > 0 and cap.sum() > 0:
        share = cap / cap.sum()
        counts = rng.multinomial(within, share)
        for group, count in zip(by_sector, counts, strict=True):
            if count and len(group) > 1:
                local = random_pairs(len(group), int(count), rng)
                pairs.append(group[local])
    found = _canonical(np.concatenate(pairs)) if pairs else np.zeros((0, 2), np.int64)
    rest = random_pairs(n, m - len(found), rng, exclude=found)
    return _canonical(np.concatenate([found, rest]))


def generate(
    topology: str,
    n: int,
    degree: float,
    rewiring: float,
    homophily: float,
    sector: NDArray[np.int8],
    rng: np.random.Generator,
) -> Pairs:
    """Undirected ties among ``n`` organisations for a generated topology."""
    return pairs_of(generate_keys(topology, n, degree, rewiring, homophily, sector, rng), n)


def generate_keys(
    topology: str,
    n: int,
    degree: float,
    rewiring: float,
    homophily: float,
    sector: NDArray[np.int8],
    rng: np.random.Generator,
) -> Keys:
    """:func:`generate` as keys ``a * n + b`` (``a < b``), in the order of its pairs."""
    degree = min(degree, n - 1)
    if topology == "small_world":
        return small_world_keys(n, degree, rewiring, rng)
    if topology == "complete":
        return keys_of(complete(n), n)
    if topology == "random":
        return keys_of(_canonical(random_pairs(n, round(n * degree / 2), rng)), n)
    if topology == "clustered":
        return keys_of(clustered(n, degree, homophily, sector, rng), n)
    raise ValueError(f"unknown generated topology {topology!r}")


def dormant(n: int, per_org: float, existing: Pairs, rng: np.random.Generator) -> Pairs:
    """Potential ties not yet formed, about ``per_org`` per organisation."""
    return pairs_of(dormant_keys(n, per_org, keys_of(existing, n), rng), n)


def dormant_keys(n: int, per_org: float, existing: Keys, rng: np.random.Generator) -> Keys:
    """:func:`dormant` as keys ``a * n + b`` in the order drawn, avoiding the keys ``existing``."""
    m = round(n * per_org / 2)
    return random_keys(n, m, rng, exclude=existing) if m > 0 else np.zeros(0, dtype=np.int64)
