"""Thin HTTP routes, one file per resource; the logic they call lives in api/*.py."""
