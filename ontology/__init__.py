"""The foresight ontology, SHACL shapes and saved SPARQL queries, shipped as package data."""
