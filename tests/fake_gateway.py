"""A stand-in for an Android phone running SMS Gateway for Android, over real sockets.

Its local server answers the REST API the bot uses (POST/GET /messages with Basic auth, 202 with an id and a
state, 409 for an id it already holds; /webhooks; PATCH /settings; /health) and records every request. Its
"phone side" posts webhooks the way the app does: an envelope {id, webhookId, event, deviceId, payload} signed
with X-Signature = hex HMAC-SHA256(key, raw body + X-Timestamp), a new envelope id per event and the same id
on every retry, `messageId` of a received SMS made from its content (so not unique). It can be switched off
and on again on the same port (the phone goes offline and comes back).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import secrets
import string
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any

import requests

from bot.channels.sms_gateway import sign

USERNAME = "sms"
PASSWORD = "office-phone-password"
SIGNING_KEY = "a-long-signing-key-for-the-office-phone-0123456789"
DEVICE_ID = "ffffffffceb0b1db0000018e937c815b"
WITA = timezone(timedelta(hours=8))
_ALPHABET = string.ascii_letters + string.digits + "_-"


def event_id() -> str:
    """Return a 21-character id like the app's envelope ids."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(21))


@dataclass
class Request:
    """One request the phone's local server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        """Return the body as JSON."""
        return json.loads(self.body.decode() or "null")


@dataclass
class FakeGateway:
    """The phone: its local server (REST API) and its webhook sender."""

    signing_key: str = SIGNING_KEY
    username: str = USERNAME
    password: str = PASSWORD
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    scripted: list[tuple[int, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    # ------------------------------------------------------------- the local server
    @property
    def url(self) -> str:
        """Return the base URL of the phone's local server."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Return the messages the phone accepted, in order."""
        return list(self.messages.values())

    def answer_next(self, status: int, body: Any = None) -> None:
        """Make the next API request get `status` (then back to normal)."""
        self.scripted.append((status, body))

    def start(self) -> FakeGateway:
        """Start (or restart on the same port) the phone's local server."""
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _answer(self, status: int, payload: Any = None) -> None:
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with gateway.lock:
                    gateway.requests.append(Request(method, self.path, dict(self.headers), body))
                    status, payload = gateway._respond(method, self.path, self.headers.get("Authorization"), body)
                self._answer(status, payload)

            def do_GET(self) -> None:  # noqa: N802
                self._handle("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._handle("POST")

            def do_PATCH(self) -> None:  # noqa: N802
                self._handle("PATCH")

            def do_DELETE(self) -> None:  # noqa: N802
                self._handle("DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Switch the phone's server off (connections are refused until `start`)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _respond(self, method: str, path: str, auth: str | None, body: bytes) -> tuple[int, Any]:
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if auth != expected:
            return 401, {"message": "Unauthorized"}
        if self.scripted:
            return self.scripted.pop(0)
        path = path.split("?", 1)[0].rstrip("/")
        if method == "POST" and path == "/messages":
            data = json.loads(body.decode())
            message_id = data.get("id") or f"auto{next(self._counter)}"
            if message_id in self.messages:
                return 409, {"message": f"message with id {message_id} already exists"}
            text = (data.get("textMessage") or {}).get("text") or data.get("message")
            self.messages[message_id] = {"id": message_id, "to": data["phoneNumbers"], "text": text,
                                         "priority": data.get("priority", 0), "at": time.time(), "state": "Pending"}
            return 202, self._state(message_id)
        if method == "GET" and path.startswith("/messages/"):
            message_id = path[len("/messages/"):]
            return (200, self._state(message_id)) if message_id in self.messages else (404, {"message": "not found"})
        if method == "POST" and path == "/webhooks":
            hook = json.loads(body.decode())
            hook["id"] = hook.get("id") or f"hook{next(self._counter)}"
            self.webhooks[hook["id"]] = hook
            return 201, hook
        if method == "GET" and path == "/webhooks":
            return 200, list(self.webhooks.values())
        if method == "PATCH" and path == "/settings":
            for section, values in json.loads(body.decode()).items():
                self.settings.setdefault(section, {}).update(values)
            return 200, {}
        if method == "GET" and path == "/health":
            return 200, self.health()
        return 404, {"message": "not found"}

    def _state(self, message_id: str) -> dict[str, Any]:
        message = self.messages[message_id]
        return {"id": message_id, "state": message["state"], "isHashed": False, "isEncrypted": False,
                "recipients": [{"phoneNumber": n, "state": message["state"]} for n in message["to"]]}

    @staticmethod
    def health(status: str = "pass", battery: int = 94) -> dict[str, Any]:
        """Return a health document in the app's shape (features/health.md)."""
        return {"status": status, "version": "1.40.0", "releaseId": 1, "checks": {
            "battery:level": {"description": "Battery level in percent", "observedUnit": "percent",
                              "observedValue": battery, "status": "pass" if battery >= 25 else "warn"},
            "connection:status": {"description": "Internet connection status", "observedUnit": "boolean",
                                  "observedValue": 1, "status": "pass"},
            "messages:failed": {"description": "Failed messages for last hour", "observedUnit": "messages",
                                "observedValue": 0, "status": "pass"}}}

    # ------------------------------------------------------------- the phone's webhooks
    def envelope(self, event: str, payload: dict[str, Any], envelope_id: str | None = None) -> dict[str, Any]:
        """Return a webhook envelope as the app builds it."""
        return {"deviceId": DEVICE_ID, "event": event, "id": envelope_id or event_id(), "payload": payload,
                "webhookId": f"teman-migran-main-{event.replace(':', '-')}"}

    def received(self, sender: str, text: str, at: datetime | None = None,
                 envelope_id: str | None = None) -> dict[str, Any]:
        """Return an sms:received envelope; messageId is made from the content, as the app does."""
        at = (at or datetime.now(timezone.utc)).astimezone(WITA)
        content_id = hashlib.sha1(f"{sender}|{text}".encode()).hexdigest()[:16]
        return self.envelope("sms:received", {
            "messageId": content_id, "message": text, "sender": sender, "phoneNumber": sender,
            "recipient": "+6281339000111", "simNumber": 1,
            "receivedAt": at.isoformat(timespec="milliseconds")}, envelope_id)

    def report(self, message_id: str, event: str, reason: str | None = None) -> dict[str, Any]:
        """Return an sms:sent / sms:delivered / sms:failed envelope for a message the bot sent."""
        stamp = {"sms:sent": "sentAt", "sms:delivered": "deliveredAt", "sms:failed": "failedAt"}[event]
        to = self.messages.get(message_id, {}).get("to", ["+6281234567890"])[0]
        payload = {"messageId": message_id, "sender": "+6281339000111", "recipient": to, "phoneNumber": to,
                   "simNumber": 1, stamp: datetime.now(WITA).isoformat(timespec="milliseconds")}
        if reason:
            payload["reason"] = reason
        if event in ("sms:sent", "sms:delivered", "sms:failed") and message_id in self.messages:
            self.messages[message_id]["state"] = {"sms:sent": "Sent", "sms:delivered": "Delivered",
                                                  "sms:failed": "Failed"}[event]
        return self.envelope(event, payload)

    def ping(self) -> dict[str, Any]:
        """Return a system:ping envelope carrying the device health."""
        return self.envelope("system:ping", {"health": self.health(battery=61)})

    def signed(self, envelope: dict[str, Any] | bytes, timestamp: int | None = None,
               key: str | None = None) -> tuple[bytes, dict[str, str]]:
        """Return the raw body and the headers the app sends: X-Signature over body + X-Timestamp."""
        body = envelope if isinstance(envelope, bytes) else json.dumps(envelope, ensure_ascii=False).encode()
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        return body, {"Content-Type": "application/json", "X-Timestamp": stamp,
                      "X-Signature": sign(key or self.signing_key, body, stamp)}

    def post(self, url: str, envelope: dict[str, Any] | bytes, timestamp: int | None = None,
             key: str | None = None, timeout: float = 30.0) -> int:
        """Deliver one webhook over HTTP to `url` (re-signed now, as on every retry); return the status."""
        body, headers = self.signed(envelope, timestamp, key)
        return requests.post(url, data=body, headers=headers, timeout=timeout).status_code
