"""Channel adapters: the only part of bot/ that knows Twilio and the WhatsApp Cloud API."""
