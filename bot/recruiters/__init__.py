"""Licensed placement companies (P3MI): the registry import, name matching, the village watch and the check dialogue.

`registry` (tables, companies and statuses), `registry_file` (reading, checking and importing a file), `names`
(normalising names and licence numbers, places), `matching` (the index and look-up), `watch` (the village watch)
and `check` (the conversation that checks a company). It may import understanding and the base modules.
"""
