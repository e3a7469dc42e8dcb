"""Maintenance commands: `flask --app webhook <noun> <command>` (Flask lives only here and in webhook.py)."""
