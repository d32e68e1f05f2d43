"""MICMAC structural analysis (Godet): direct and indirect influence and dependence, and the four quadrants.

A direct influence matrix ``M`` (row ``i`` influences column ``j`` with weight ``M[i, j]``; the diagonal is
ignored) gives each variable its direct *influence* (row sum) and *dependence* (column sum). Influence that
passes through other variables shows in the powers of the matrix: the row and column sums of ``M^k`` count
the weighted paths of length ``k``. MICMAC raises the matrix to successive powers until the ranking of the
variables by influence and by dependence no longer changes; the sums of that power are the *indirect*
influence and dependence. Evidence graphs are often periodic (driving forces act on signals, signals on
outlooks), and then the powers oscillate and never settle; so the ranking here is that of the running mean of
the powers from the second on, each scaled to sum 1 (a Cesàro mean). It settles on every matrix, and ranks as
the powers do where they settle (as the dominant eigenvectors, on a strongly connected matrix). The indirect
figures are rescaled to add up to the same total as the direct ones, to be read on the same axes.

Each variable falls into one quadrant of the influence/dependence plane, split at the mean of each axis:

* ``influential``: influence at or above the mean, dependence below it (drivers of the system);
* ``relay``: both at or above (unstable: acting on them acts back on them);
* ``dependent``: influence below, dependence at or above (outcomes);
* ``autonomous``: both below (weakly tied to the system).

:func:`micmac` works on any matrix, so it can be checked against a published example; :func:`influence_matrix`
builds the matrix of a set of concepts or topics from the evidence-backed relations of the concept graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

QUADRANTS = ("influential", "relay", "dependent", "autonomous")
#: the powers tried before giving up on a stable ranking
MAX_POWER = 30


@dataclass(frozen=True)
class Variable:
    """One variable of a MICMAC analysis."""

    name: str
    influence: float
    dependence: float
    indirect_influence: float
    indirect_dependence: float
    quadrant: str
    direct_quadrant: str
    influence_rank: int
    indirect_influence_rank: int
    dependence_rank: int
    indirect_dependence_rank: int

    @property
    def shift(self) -> int:
        """How many places the variable climbs in the influence ranking from direct to indirect."""
        return self.influence_rank - self.indirect_influence_rank


@dataclass(frozen=True)
class Micmac:
    """The result: the variables (in the order given), the power whose ranking held, and whether it held."""

    variables: list[Variable]
    power: int
    stable: bool
    influence_mean: float
    dependence_mean: float
    indirect_influence_mean: float
    indirect_dependence_mean: float


def quadrant(influence: float, dependence: float, influence_mean: float, dependence_mean: float) -> str:
    """The quadrant of a point of the plane split at the two means.

    >>> quadrant(5, 1, 3, 3), quadrant(5, 5, 3, 3), quadrant(1, 5, 3, 3), quadrant(1, 1, 3, 3)
    ('influential', 'relay', 'dependent', 'autonomous')
    """
    high_influence = influence >= influence_mean
    high_dependence = dependence >= dependence_mean
    if high_influence:
        return "relay" if high_dependence else "influential"
    return "dependent" if high_dependence else "autonomous"


def ranks(values: Sequence[float], names: Sequence[str]) -> list[int]:
    """The rank of each value, 1 for the largest; ties share the best rank of their group.

    >>> ranks([3, 1, 3, 2], ["a", "b", "c", "d"])
    [1, 4, 1, 3]
    """
    order = sorted(range(len(values)), key=lambda i: (-values[i], names[i]))
    found = [0] * len(values)
    for position, i in enumerate(order):
        if position and values[i] == values[order[position - 1]]:
            found[i] = found[order[position - 1]]
        else:
            found[i] = position + 1
    return found


def power_shares(matrix: np.ndarray | Sequence[Sequence[float]], power: int) -> tuple[list[float], list[float]]:
    """Godet's indirect influence and dependence at one power: the row and column sums of ``matrix`` raised to
    ``power`` (the diagonal ignored), each over the power's total (zeros when it has no path that long).

    >>> power_shares([[0, 1], [1, 0]], 3)
    ([0.5, 0.5], [0.5, 0.5])
    """
    import numpy as np

    direct = np.array(matrix, dtype=np.float64)
    np.fill_diagonal(direct, 0.0)
    raised = np.linalg.matrix_power(direct, power)
    total = float(raised.sum())
    if total == 0:
        return [0.0] * len(direct), [0.0] * len(direct)
    return [float(v) for v in raised.sum(axis=1) / total], [float(v) for v in raised.sum(axis=0) / total]


def micmac(matrix: np.ndarray | Sequence[Sequence[float]], names: Sequence[str], *,
           max_power: int = MAX_POWER) -> Micmac:
    """Direct and indirect influence and dependence of the variables of ``matrix`` (see the module docstring).

    Args:
        matrix: square, non-negative; ``matrix[i][j]`` is how much variable ``i`` influences variable ``j``.
            The diagonal is ignored.
        names: the variables, in the matrix's order.
        max_power: the highest power tried for a stable ranking.

    Returns:
        The variables with their figures; ``power`` is the first power whose rankings equal the previous
        power's (``stable``), or ``max_power`` when none did. When the paths run out first (an acyclic
        matrix: the power after is zero) the last power with any path stands, and counts as stable.

    Example (a chain: a drives b, b drives c; the only path of two steps runs from a to c):
        >>> result = micmac([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ["a", "b", "c"])
        >>> [(v.name, v.influence, v.dependence, v.direct_quadrant) for v in result.variables]
        [('a', 1.0, 0.0, 'influential'), ('b', 1.0, 1.0, 'relay'), ('c', 0.0, 1.0, 'dependent')]
        >>> [(v.name, v.indirect_influence, v.quadrant) for v in result.variables], result.power
        ([('a', 2.0, 'influential'), ('b', 0.0, 'autonomous'), ('c', 0.0, 'dependent')], 2)
    """
    import numpy as np

    direct = np.array(matrix, dtype=np.float64)
    if direct.ndim != 2 or direct.shape[0] != direct.shape[1] or direct.shape[0] != len(names):
        raise ValueError(f"a MICMAC matrix must be square with one row per name: {direct.shape} for {len(names)}")
    if (direct < 0).any():
        raise ValueError("a MICMAC matrix holds magnitudes: negative entries (mitigation) count by their size")
    np.fill_diagonal(direct, 0.0)
    influence, dependence = direct.sum(axis=1), direct.sum(axis=0)
    total = float(influence.sum())
    names = list(names)

    def ranking(power: np.ndarray) -> tuple[list[int], list[int]]:
        # rounded to 9 significant digits: equal paths counted in another order must tie, not flicker
        scale = float(np.abs(power).max()) or 1.0
        return (ranks([round(v, 9) for v in power.sum(axis=1) / scale], names),
                ranks([round(v, 9) for v in power.sum(axis=0) / scale], names))

    # the running mean of the powers from the second on, each scaled to sum 1: on a matrix whose powers
    # oscillate (evidence runs forces -> signals -> outlooks, a period of two or three) the powers never settle
    # but their mean does; on any other it ranks as the powers themselves do
    current, running = direct.copy(), np.zeros_like(direct)
    previous = ranking(direct)
    power, stable = 1, total == 0  # no links at all: nothing to rank, nothing moves
    while power < max_power and total > 0:
        following = current @ direct
        scale = float(following.sum())
        if scale == 0:  # no paths this long: those counted so far hold the ranking
            stable = True
            break
        current = following / scale
        running += current
        power += 1
        found = ranking(running)
        if found == previous and power > 2:
            stable = True
            break
        previous = found
    if float(running.sum()) > 0:
        indirect_influence = running.sum(axis=1) / float(running.sum()) * total
        indirect_dependence = running.sum(axis=0) / float(running.sum()) * total
    else:  # no path of two steps: indirect is direct
        indirect_influence, indirect_dependence = influence.copy(), dependence.copy()
    size = max(1, len(names))
    means = (float(influence.sum()) / size, float(dependence.sum()) / size,
             float(indirect_influence.sum()) / size, float(indirect_dependence.sum()) / size)
    influence_ranks, dependence_ranks = ranks(list(influence), names), ranks(list(dependence), names)
    indirect_ranks, indirect_dependence_ranks = (ranks(list(indirect_influence), names),
                                                 ranks(list(indirect_dependence), names))
    variables = [Variable(name, float(influence[i]), float(dependence[i]), float(indirect_influence[i]),
                          float(indirect_dependence[i]),
                          quadrant(float(indirect_influence[i]), float(indirect_dependence[i]), means[2], means[3]),
                          quadrant(float(influence[i]), float(dependence[i]), means[0], means[1]),
                          influence_ranks[i], indirect_ranks[i], dependence_ranks[i], indirect_dependence_ranks[i])
                 for i, name in enumerate(names)]
    return Micmac(variables, power, stable, *means)
