"""Licensed placement companies (P3MI): the registry import, name matching, the village watch and the check dialogue.

Owns `registry` (tables, import and validation, statuses), matching and the village watch, and `check` (the
conversation that checks a company). It may import understanding and the base modules.
"""
