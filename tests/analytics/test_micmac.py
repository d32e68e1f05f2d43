"""MICMAC on small matrices with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from foresight.analytics.micmac import micmac, quadrant


def _by_name(result):  # type: ignore[no-untyped-def]
    return {v.name: v for v in result.variables}


def test_a_variable_that_drives_a_hub_climbs_in_the_indirect_ranking() -> None:
    # x influences only the hub, the hub five leaves; y influences three leaves of its own
    names = ["x", "hub", "y", *[f"leaf{i}" for i in range(8)]]
    matrix = np.zeros((11, 11))
    matrix[0, 1] = 1
    matrix[1, 3:8] = 1
    matrix[2, 8:11] = 1
    found = _by_name(micmac(matrix, names))
    assert (found["hub"].influence_rank, found["y"].influence_rank, found["x"].influence_rank) == (1, 2, 3)
    # the only paths of two steps start at x: through the hub to its five leaves
    assert found["x"].indirect_influence_rank == 1 and found["x"].shift == 2
    assert found["x"].quadrant == "influential" and found["hub"].direct_quadrant == "relay"
    assert found["leaf0"].quadrant == "dependent"


def test_on_a_strongly_connected_matrix_the_indirect_figures_follow_the_perron_vectors() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.integers(0, 4, size=(6, 6)).astype(float)
    np.fill_diagonal(matrix, 0)
    matrix[matrix == 0] = 0.5  # every pair linked: primitive, so the powers converge
    np.fill_diagonal(matrix, 0)
    result = micmac(matrix, list("abcdef"), max_power=60)
    assert result.stable
    values, vectors = np.linalg.eig(matrix)
    right = np.abs(vectors[:, np.argmax(values.real)].real)
    values, vectors = np.linalg.eig(matrix.T)
    left = np.abs(vectors[:, np.argmax(values.real)].real)
    influence = np.array([v.indirect_influence for v in result.variables])
    dependence = np.array([v.indirect_dependence for v in result.variables])
    # the same ranking as the dominant eigenvectors (row sums of M^k are proportional to the right one)
    assert list(np.argsort(-influence)) == list(np.argsort(-right))
    assert list(np.argsort(-dependence)) == list(np.argsort(-left))
    # indirect figures are rescaled to the direct total
    assert influence.sum() == pytest.approx(matrix.sum())


def test_direct_figures_are_row_and_column_sums_without_the_diagonal() -> None:
    matrix = [[9, 3, 0], [1, 9, 2], [0, 2, 9]]
    found = _by_name(micmac(matrix, ["a", "b", "c"]))
    assert [(found[n].influence, found[n].dependence) for n in "abc"] == [(3, 1), (3, 5), (2, 2)]


def test_bad_matrices_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="square"):
        micmac([[0, 1]], ["a"])
    with pytest.raises(ValueError, match="negative"):
        micmac([[0, -1], [0, 0]], ["a", "b"])


def test_an_empty_matrix_puts_everything_in_one_quadrant() -> None:
    result = micmac(np.zeros((3, 3)), ["a", "b", "c"])
    assert {v.quadrant for v in result.variables} == {quadrant(0, 0, 0, 0)}


#: a worked example with published figures: the 10-variable 0/1 matrix of the MICMAC tests of J. Catumba's 2013
#: networkx contribution (networkx/networkx, networkx/algorithms/link_analysis/tests/test_micmac.py, commit
#: 026750ec; the method after R. Diaz, "Indirect influences", Adv. Stud. Contemp. Math. 23 (2013)), an
#: independent implementation: its printed shares of the fourth power, variables 0-9
PUBLISHED_EDGES = [(0, 5), (1, 0), (3, 0), (1, 2), (1, 9), (3, 1), (2, 9), (2, 3), (3, 5), (4, 3), (6, 3), (6, 5),
                   (6, 7), (6, 8), (7, 9)]
PUBLISHED_INFLUENCE_4 = [0.0, 0.25, 0.1875, 0.1875, 0.1875, 0.0, 0.1875, 0.0, 0.0, 0.0]
PUBLISHED_DEPENDENCE_4 = [0.125, 0.0625, 0.0625, 0.1875, 0.0, 0.3125, 0.0, 0.0, 0.0, 0.25]


def test_the_fourth_power_matches_a_published_example() -> None:
    from foresight.analytics.micmac import power_shares

    matrix = np.zeros((10, 10))
    for source, target in PUBLISHED_EDGES:
        matrix[source, target] = 1
    influence, dependence = power_shares(matrix, 4)
    assert influence == PUBLISHED_INFLUENCE_4 and dependence == PUBLISHED_DEPENDENCE_4
    result = micmac(matrix, [str(n) for n in range(10)])
    # direct figures are the row and column sums
    assert [v.influence for v in result.variables] == [1, 3, 2, 3, 1, 0, 4, 1, 0, 0]
    assert [v.dependence for v in result.variables] == [2, 1, 1, 3, 0, 3, 0, 1, 1, 3]
    # the cycle 1 -> 2 -> 3 -> 1 carries every long path: the variables that reach it (1, 2, 3, and 4 and 6 that
    # feed 3) hold all indirect influence, as in the published fourth power; 0, 7 and 8 lose what they had
    # directly. The cycle's members take turns, so the running mean's ranking keeps moving among near-equals,
    # and MICMAC says so rather than claim a stable ranking
    reaching = {v.name for v in result.variables if v.indirect_influence > 0}
    assert reaching == {str(n) for n, share in enumerate(PUBLISHED_INFLUENCE_4) if share > 0} == {"1", "2", "3",
                                                                                                 "4", "6"}
    dependent = {v.name for v in result.variables if v.indirect_dependence > 0}
    assert dependent == {str(n) for n, share in enumerate(PUBLISHED_DEPENDENCE_4) if share > 0}
    assert max(result.variables, key=lambda v: v.indirect_dependence).name == "5"  # 0.3125, the largest share
    assert not result.stable and result.power == 30
