"""Field officers and the provincial desk: who they are, which cases reach them, alerts, digests and commands.

Owns `registry` (officers, areas, routing), `alerts` (urgent alerts and daily digests through the outbox) and
`commands` (KASUS, AMBIL, CATAT, BALAS, SELESAI by SMS). It may import cases, recruiters, knowledge,
understanding and the base modules.
"""
