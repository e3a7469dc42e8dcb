"""The conversation core: the engine that stores each inbound message exactly once and runs one dialogue step.

Owns `engine` (transactions, retries, replies), `dialogue` (opt-out, menus, flows, intent routing) and `flood`
(per-sender limits). It may import every domain package below it and the base modules; only channels, the
worker, `webhook.py` and `commands/` import it.
"""
