"""The queue's rules in plain Python: no Flask, SQL, Qt or printer imports here.

An import-linter contract in pyproject.toml keeps it that way.
"""
