"""Channel adapters: the only part of bot/ that knows a provider (Twilio, the WhatsApp Cloud API).

Each adapter checks a provider's signature, turns its payload into an `Inbound`, and sends `Reply` rows the
outbox hands it. It may import the base modules (`messages`, `config`, `outbox`); the engine never imports it.
"""
