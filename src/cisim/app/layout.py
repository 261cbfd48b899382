"""A seeded, stable layout of the network that copes with ties and members coming and going.

Positions are computed once per world, with a seeded force-directed layout of *every*
organisation the run can ever show (members, outsiders who may join) over *every* tie it can ever
have (live ties and the dormant ones a navigator may broker). An organisation keeps its place for
the whole run: a member who leaves is greyed where it stood, an outsider who joins is filled in
where it waited, and a brokered tie is drawn between two points that do not move. Nothing jumps
from month to month, so a class can follow one organisation by where it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from cisim.model.state import ABSENT, State

__all__ = ["Layout", "network_layout"]

ROW = 0
#: Spring-layout iterations: enough to settle 75 nodes, cheap enough for a reset.
ITERATIONS = 100


@dataclass(frozen=True)
class Layout:
    """Positions of organisation slots in the unit square (x right, y up)."""

    slots: NDArray[np.int64]
    x: NDArray[np.float64]
    y: NDArray[np.float64]

    def fits(self, st: State) -> bool:
        """Whether it places exactly the organisations of ``st`` (so it can be reused)."""
        present = np.flatnonzero(st.status[ROW] != ABSENT)
        return bool(np.array_equal(present, self.slots))

    def position(self) -> dict[int, tuple[float, float]]:
        """Slot -> (x, y)."""
        return {
            int(s): (float(a), float(b)) for s, a, b in zip(self.slots, self.x, self.y, strict=True)
        }


def network_layout(st: State, seed: int) -> Layout:
    """The layout of row 0's organisations and all their possible ties, seeded by ``seed``."""
    slots = np.flatnonzero(st.status[ROW] != ABSENT).astype(np.int64)
    graph = nx.Graph()
    graph.add_nodes_from(slots.tolist())
    ties = st.exists[ROW]
    a, b = st.src[ROW, ties], st.dst[ROW, ties]
    graph.add_edges_from(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True))
    if len(slots) == 0:
        return Layout(slots, np.zeros(0), np.zeros(0))
    k = 1.6 / np.sqrt(max(len(slots), 1))  # a little more room than networkx's default
    pos = nx.spring_layout(graph, k=k, iterations=ITERATIONS, seed=seed % 2**32)
    xy = np.array([pos[int(s)] for s in slots], dtype=float).reshape(-1, 2)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    xy = (xy - lo) / np.where(hi - lo > 0, hi - lo, 1.0)
    return Layout(slots, 0.04 + 0.92 * xy[:, 0], 0.04 + 0.92 * xy[:, 1])
