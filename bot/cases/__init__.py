"""Reports of problems: case records, triage, and the intake conversations that open and fill them.

Owns `records` (case tables, references, triage by ILO indicators, notes, export and purge) and `intake` (report,
emergency, missing-contact, callback and status conversations). It may import understanding, knowledge and the
base modules; officers and the conversation core sit above it.
"""
