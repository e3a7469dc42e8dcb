"""Teman Migran's bot: everything that is not HTTP. Flask never enters here.

Layers, highest first (checked by import-linter, see pyproject.toml):
  channels/       the only code that knows a provider (Twilio, WhatsApp Cloud API, SMS gateways)
  conversation/   the engine (one transaction per inbound message) and the dialogue; worker.py beside it
  officers/       field officers, routing, alerts and digests, officer commands
  cases/ recruiters/ knowledge/   reports and intake forms; the P3MI registry; facts and answers
  understanding/  classifier, normalisation, language, training data
  base modules    store, privacy, config, i18n, sms, logs, messages, turn, contacts, menu, outbox,
                  places_abroad (where a text says the person is; hotlines picks the numbers for it)
A module may import from its own layer's package and from any layer below it, never above.
"""
