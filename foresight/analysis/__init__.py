"""Algorithms over the graph: free functions that take a graph and return plain data."""
