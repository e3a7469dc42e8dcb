"""Shared fixtures: a real SQLite file, the Flask app, signed Twilio and WhatsApp posts, a local HTTP server."""

from __future__ import annotations

import base64
import itertools
import uuid
import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timezone
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.whatsapp import sign as sign_whatsapp

TWILIO_TOKEN = "test-twilio-auth-token-0123456789"
TWILIO_SID = "AC" + "0" * 32
PUBLIC_URL = "https://bot.example.org"
WA_SECRET = "test-whatsapp-app-secret-0123456789"
WA_VERIFY = "test-verify-token"
WA_TOKEN = "test-whatsapp-access-token-" + "0123456789" * 4
WA_PHONE_ID = "1099887766"
DATA_KEY = base64.urlsafe_b64encode(b"teman-migran-test-key-32-bytes!!").decode()


@dataclass
class Recorded:
    """One request the local server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        """Return the body parsed as JSON."""
        return json.loads(self.body.decode())

    @property
    def form(self) -> dict[str, list[str]]:
        """Return the body parsed as a form."""
        return parse_qs(self.body.decode())


@dataclass
class LocalServer:
    """A real HTTP server on 127.0.0.1 that records requests and answers from a script of responses."""

    url: str
    requests: list[Recorded] = field(default_factory=list)
    responses: list[tuple[int, Any]] = field(default_factory=list)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def answer_next(self, status: int, body: Any = None) -> None:
        """Make the next request get `status` and `body` (then back to the default success)."""
        self.responses.append((status, body))


@pytest.fixture
def http_server(provider_api: "ProviderServer") -> "ProviderServer":
    """The local imitation of Twilio's and Meta's send APIs (see provider_api below)."""
    return provider_api


@pytest.fixture(scope="session")
def nlu_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Share one trained-model cache across the test session."""
    return tmp_path_factory.mktemp("nlu-cache")


def rows(db_path: Path | str, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Query the database file directly, as an auditor would: rows as dicts."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Any]:
    """Return a migrated store on a fresh SQLite file (no app), closed after the test."""
    from bot.store import close
    from bot.store import migrate
    from bot.store import open_db

    database = open_db(tmp_path / "store.db")
    migrate(database)
    yield database
    close(database)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Return the path of a fresh SQLite file."""
    return tmp_path / "teman.db"


@pytest.fixture
def config(db_path: Path, nlu_cache_dir: Path, http_server: LocalServer) -> dict[str, Any]:
    """Return the test configuration: every secret set, senders pointed at the local server."""
    return {
        "TESTING": True,
        "DATABASE": str(db_path),
        "DATA_KEY": DATA_KEY,
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_SMS_NUMBER": "+15005550006",
        "TWILIO_WHATSAPP_NUMBER": "+14155238886",
        "TWILIO_API_BASE": http_server.url,
        "PUBLIC_URL": PUBLIC_URL,
        "WHATSAPP_APP_SECRET": WA_SECRET,
        "WHATSAPP_VERIFY_TOKEN": WA_VERIFY,
        "WHATSAPP_ACCESS_TOKEN": WA_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_ID,
        "WHATSAPP_API_BASE": http_server.url,
        "NLU_CACHE_DIR": str(nlu_cache_dir),
        # No daily digest falls due by the wall clock in a test (hour 24 never comes); digest tests set it.
        "DIGEST_HOUR": 24,
        "TIMEZONE": "Asia/Makassar",
    }


@pytest.fixture
def app(config: dict[str, Any]):
    """Return the Flask app on a fresh database."""
    from webhook import create_app

    return create_app(config)


@pytest.fixture
def client(app):
    """Return a test client for the app."""
    return app.test_client()


class TwilioActions:
    """Post Twilio webhooks signed with Twilio's own RequestValidator, the way Twilio does."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.sids = itertools.count(1)

    def sign(self, path: str, form: dict[str, str]) -> str:
        """Return the X-Twilio-Signature of `form` posted to `path`."""
        return RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC_URL + path, form)

    def form(self, body: str, sender: str = "+6281234567890", channel: str = "sms", **extra: str) -> dict[str, str]:
        """Return a realistic inbound form."""
        prefix = "whatsapp:" if channel == "whatsapp" else ""
        form = {
            "ToCountry": "US", "SmsMessageSid": "", "NumMedia": "0", "ToCity": "", "FromZip": "",
            "SmsSid": "", "FromState": "", "SmsStatus": "received", "FromCity": "", "Body": body,
            "FromCountry": "ID", "To": prefix + ("+14155238886" if channel == "whatsapp" else "+15005550006"),
            "ToZip": "", "NumSegments": "1", "MessageSid": "", "AccountSid": TWILIO_SID,
            "From": prefix + sender, "ApiVersion": "2010-04-01",
        }
        sid = f"SM{next(self.sids):032x}"
        form.update(SmsMessageSid=sid, SmsSid=sid, MessageSid=sid)
        if channel == "whatsapp":
            form.update(ProfileName="Maria", WaId=sender.lstrip("+"))
        form.update(extra)
        return form

    def post(self, form: dict[str, str], path: str = "/twilio/messages", signature: str | None = None):
        """Post `form` to `path` with a valid signature (or the one given)."""
        sig = self.sign(path, form) if signature is None else signature
        headers = {"X-Twilio-Signature": sig} if sig else {}
        response = self.client.post(path, data=form, headers=headers)
        response.close()
        return response

    def send(self, body: str, sender: str = "+6281234567890", channel: str = "sms", **extra: str):
        """Send one message as `sender` and return the response."""
        return self.post(self.form(body, sender, channel, **extra))


@pytest.fixture
def twilio(client) -> TwilioActions:
    """Return a helper that posts signed Twilio webhooks."""
    return TwilioActions(client)


class WhatsAppActions:
    """Post Cloud API webhook payloads signed with the app secret."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.ids = itertools.count(1)

    def payload(self, messages: list[dict[str, Any]] | None = None, statuses: list[dict[str, Any]] | None = None,
                wa_id: str = "6281234567890", name: str = "Yuliana") -> dict[str, Any]:
        """Return a payload in the Cloud API's real shape."""
        value: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": WA_PHONE_ID},
        }
        if messages is not None:
            value["contacts"] = [{"profile": {"name": name}, "wa_id": wa_id}]
            value["messages"] = messages
        if statuses is not None:
            value["statuses"] = statuses
        return {"object": "whatsapp_business_account",
                "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}

    def text(self, body: str, wa_id: str = "6281234567890", wamid: str | None = None) -> dict[str, Any]:
        """Return one inbound text message object."""
        return {"from": wa_id, "id": wamid or f"wamid.HBgN{next(self.ids):020d}",
                "timestamp": str(int(datetime.now(timezone.utc).timestamp())), "type": "text", "text": {"body": body}}

    def post(self, payload: Any, secret: str = WA_SECRET, raw: bytes | None = None, signature: str | None = None):
        """Post `payload` signed with `secret` (or the signature given)."""
        body = raw if raw is not None else json.dumps(payload).encode()
        sig = sign_whatsapp(secret, body) if signature is None else signature
        headers = {"Content-Type": "application/json"}
        if sig:
            headers["X-Hub-Signature-256"] = sig
        response = self.client.post("/whatsapp", data=body, headers=headers)
        response.close()  # what a WSGI server does once the body is sent: runs call_on_close work
        return response


@pytest.fixture
def whatsapp(client) -> WhatsAppActions:
    """Return a helper that posts signed WhatsApp Cloud API payloads."""
    return WhatsAppActions(client)


class Conversation:
    """Talk to the engine as one person, transcript style."""

    def __init__(self, engine: Any, sender: str = "+6281234567890", channel: str = "sms") -> None:
        self.engine = engine
        self.sender = sender
        self.channel = channel

    def send(self, text: str, **extra: Any) -> list[str]:
        """Send `text` and return the texts the sender gets back."""
        from bot.messages import Inbound

        inbound = Inbound(channel=self.channel, sender=self.sender, text=text, provider="cli",
                          provider_id=f"t-{uuid.uuid4().hex}",
                          phone=self.sender if self.sender.startswith("+") else None, **extra)
        return self.engine.receive(inbound).reply_texts

    def say(self, text: str) -> str:
        """Send `text` and return everything the sender gets back as one string."""
        return "\n".join(self.send(text))


class FittingConversation(Conversation):
    """A Conversation whose every reply must fit its channel: GSM-7 in at most 3 segments on SMS, 1,000 characters
    elsewhere."""

    def send(self, text: str, **extra: Any) -> list[str]:
        """Send `text`, check every reply fits the channel, and return the replies."""
        from bot import sms

        replies = super().send(text, **extra)
        for reply in replies:
            if self.channel == "sms":
                assert sms.is_gsm7(reply), reply
                assert sms.measure(reply).segments <= 3, reply
            else:
                assert len(reply) <= 1000, reply
        return replies

    def first(self, text: str) -> str:
        """Send `text` and return the first reply only."""
        replies = self.send(text)
        assert replies, f"{text!r} got no reply"
        return replies[0]


def assert_dialog(conversation: Conversation, turns: list[tuple[str, list[str]]]) -> None:
    """Play a transcript: each user line must get replies containing every expected fragment."""
    for text, expected in turns:
        reply = conversation.say(text)
        for fragment in expected:
            assert fragment in reply, f"{text!r} -> {reply!r} lacks {fragment!r}"


@pytest.fixture
def engine(app):
    """Return the app's engine (same store and classifier as the webhook)."""
    return app.extensions["teman"]["engine"]


@pytest.fixture
def sms_user(engine) -> Conversation:
    """A person texting on SMS."""
    return Conversation(engine, "+6281234567890", "sms")


@pytest.fixture
def wa_user(engine) -> Conversation:
    """A person writing on WhatsApp."""
    return Conversation(engine, "+6285298765432", "whatsapp")


# ----------------------------------------------------------------- provider imitation for the outbox worker
@dataclass
class ProviderServer(LocalServer):
    """A LocalServer that also keeps what it created: Twilio messages (honouring I-Twilio-Idempotency-Token,
    listable with GET Messages.json) and Graph API sends."""

    created: list[dict[str, Any]] = field(default_factory=list)
    tokens: dict[str, tuple[int, Any]] = field(default_factory=dict)

    @property
    def twilio_created(self) -> list[dict[str, Any]]:
        """Return the Twilio messages created, once each."""
        return [m for m in self.created if m["api"] == "twilio"]

    @property
    def graph_created(self) -> list[dict[str, Any]]:
        """Return the Graph API messages accepted."""
        return [m for m in self.created if m["api"] == "graph"]


@pytest.fixture
def provider_api() -> Iterator[ProviderServer]:
    """Start a loopback server imitating Twilio's Messages API (create, idempotency token, list) and the Graph API."""
    state: ProviderServer | None = None
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def _answer(self, status: int, payload: Any) -> None:
            data = json.dumps(payload if payload is not None else {"error": {"code": status}}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            from urllib.parse import urlsplit

            assert state is not None
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            with lock:
                state.requests.append(Recorded("GET", self.path, dict(self.headers), b""))
                found = [m["resource"] for m in state.twilio_created
                         if all(m["resource"][k.lower()] == v[0] for k, v in query.items() if k in ("To", "From"))]
            self._answer(200, {"messages": found, "next_page_uri": None, "page": 0, "page_size": 50,
                               "uri": parts.path, "first_page_uri": parts.path, "previous_page_uri": None})

        def do_POST(self) -> None:  # noqa: N802
            assert state is not None
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            token = self.headers.get("I-Twilio-Idempotency-Token")
            with lock:
                state.requests.append(Recorded("POST", self.path, dict(self.headers), body))
                if token and token in state.tokens:
                    self._answer(*state.tokens[token])
                    return
                scripted = state.responses.pop(0) if state.responses else None
                n = next(state.counter)
                if scripted is not None:
                    status, payload = scripted
                elif "/Messages.json" in self.path:
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    resource = {"sid": f"SMfeed{n:028d}", "status": "queued", "to": form.get("To"),
                                "from": form.get("From"), "body": form.get("Body", ""),
                                "date_created": datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000"),
                                "account_sid": TWILIO_SID}
                    state.created.append({"api": "twilio", "form": form, "resource": resource})
                    status, payload = 201, resource
                else:
                    message = json.loads(body.decode() or "{}")
                    state.created.append({"api": "graph", "json": message, "path": self.path})
                    status, payload = 200, {"messages": [{"id": f"wamid.TEST{n}"}]}
                if token and status < 300:
                    state.tokens[token] = (status, payload)
            self._answer(status, payload)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = ProviderServer(f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def states_number(text: str, number: str) -> bool:
    """Return True when `text` gives the phone number (not as digits inside a case ref such as ADU-CS6999)."""
    return re.search(r"(?<![\w+])" + re.escape(number) + r"(?!\w)", text) is not None
