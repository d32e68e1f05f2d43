"""Foresight analytics over the concept graph: trends, emergence, STEEP counts, MICMAC, cross-impact, scenario
axes, centrality and communities of topics over time.

Each analysis is a free function over plain data (a matrix, a series, concepts) so that it can be checked on
small inputs with known answers; the commands of :mod:`foresight.cli` feed them the store's derived data.
"""
