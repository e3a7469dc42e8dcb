"""A bare Flask app with the same route names, for comparison under the same gunicorn settings."""

from __future__ import annotations

from flask import Flask
from flask import Response

app = Flask(__name__)
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'


@app.post("/twilio/messages")
def twilio_message() -> Response:
    """Answer with fixed TwiML, doing no work."""
    return Response(TWIML, mimetype="text/xml")


@app.get("/healthz")
def healthz() -> Response:
    """Answer ok."""
    return Response("ok\n", mimetype="text/plain")
