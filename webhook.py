"""The web edge: Flask routes for Twilio and the WhatsApp Cloud API, and the maintenance commands."""

from __future__ import annotations

import hmac
import importlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click
from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import request
from flask.cli import with_appcontext
from werkzeug.middleware.proxy_fix import ProxyFix

import dashboard
from bot import logs
from bot.knowledge import retrieval
from bot.understanding import nlu
from bot import outbox
from bot import pacing
from bot.channels import sms_gateway
from bot.channels import twilio as twilio_channel
from bot.channels import whatsapp as whatsapp_channel
from bot.channels.senders import make_sender
from bot.config import Settings
from bot.config import check_environment
from bot.config import check_production
from bot.config import from_env
from bot.conversation.engine import IN_RESPONSE
from bot.conversation.engine import QUEUED
from bot.conversation.engine import Engine
from bot.conversation.engine import Outcome
from bot.conversation import inbox
from bot.privacy import Vault
from bot.privacy import generate_key
from bot.store import connection
from bot.store import close as close_db
from bot.store import migrate
from bot.store import open_db
from bot.store import seal_plaintext
from bot.understanding.intents import Classifier
from bot.understanding.intents import KeywordClassifier

log = logging.getLogger("webhook")
bp = Blueprint("messaging", __name__)

MAX_REQUEST_BYTES = 1024 * 1024
# Each exposes `group` (a flask.cli.AppGroup) or `COMMANDS` (a list of click commands).
COMMAND_MODULES = ("nlu", "knowledge", "recruiters", "cases", "officers", "alerts", "worker", "ops", "gateway")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app from environment variables, overridden by `config` (tests)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(from_env())
    app.config.update(config or {})
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    if not app.config.get("DATABASE"):
        app.config["DATABASE"] = os.path.join(app.instance_path, "teman-migran.db")
    logs.configure(app.config.get("LOG_LEVEL", "INFO"))
    check_environment(app.config)
    production = app.config.get("APP_ENV") == "production" and not app.config.get("TESTING")
    if production:
        check_production(app.config)
    if not app.config.get("DATA_KEY"):
        app.config["DATA_KEY"] = _development_key(app)
    settings = Settings.from_config(app.config)
    vault = Vault(app.config["DATA_KEY"])
    db = open_db(settings.database)
    migrate(db)
    seal_plaintext(db, vault)
    close_db(db)
    engine = Engine(settings, vault, classifier=_load_classifier(settings, app, vault))
    retrieval.default_retriever()  # train fact retrieval at start-up (about a second), not on someone's question
    app.extensions["teman"] = {"settings": settings, "vault": vault, "engine": engine}
    hops = app.config.get("TRUSTED_PROXY_HOPS") or 0
    if hops:  # only then are X-Forwarded-* set by our own proxies; otherwise they are whatever the client sent
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,  # type: ignore[method-assign]
                                x_port=hops, x_prefix=hops)
    app.register_blueprint(bp)
    dashboard.init_app(app, production)
    _register_commands(app)
    if not app.config.get("TWILIO_AUTH_TOKEN"):
        log.warning("TWILIO_AUTH_TOKEN is not set: /twilio/* answers 503 until it is")
    return app


def _development_key(app: Flask) -> str:
    """Return (creating once) a DATA_KEY kept in the instance folder, for development only."""
    path = Path(app.instance_path) / "data.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created 0600 in one step: a chmod after writing would leave the key readable for a moment.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(generate_key())
        log.warning("DATA_KEY is not set: created a development key in %s (set DATA_KEY in production)", path)
    return path.read_text().strip()


def _load_classifier(settings: Settings, app: Flask, vault: Vault) -> Classifier:
    """Return the configured NLU classifier: embedded (default), rasa, or the tiny keyword fallback."""
    if settings.nlu_backend == "keywords":
        return KeywordClassifier()
    return nlu.load_classifier(settings, cache_dir=settings.nlu_cache_dir or app.instance_path,
                               key=vault.derive(nlu.CACHE_KEY_PURPOSE))


def get_engine() -> Engine:
    """Return the app's conversation engine."""
    return current_app.extensions["teman"]["engine"]


def get_settings() -> Settings:
    """Return the app's settings."""
    return current_app.extensions["teman"]["settings"]


def public_url() -> str:
    """Return the URL Twilio signed: PUBLIC_URL plus the path, or the proxy-corrected request URL."""
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        return request.url
    query = request.query_string.decode("latin-1")
    return base.rstrip("/") + request.path + (f"?{query}" if query else "")


def plain(message: str, status: int) -> Response:
    """Return a plain-text response with a reason a person can read."""
    return Response(message + "\n", status=status, mimetype="text/plain")


def _twilio_guard() -> Response | None:
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:
        return plain("TWILIO_AUTH_TOKEN is not set on this server", 503)
    if not current_app.config.get("PUBLIC_URL") and current_app.config.get("APP_ENV") != "development":
        # The signed URL would be built from the request, which the client controls: only for trying things out.
        return plain("PUBLIC_URL is not set on this server", 503)
    signature = request.headers.get("X-Twilio-Signature", "")
    if request.mimetype != "application/x-www-form-urlencoded":
        return plain("expected application/x-www-form-urlencoded", 415) if signature else plain("forbidden", 403)
    settings_header = request.headers.get("X-Twilio-Webhooks-Signature-Settings")
    if not twilio_channel.is_valid_request(token, public_url(), request.form, signature, settings_header):
        log.warning("rejected a Twilio request with a missing or wrong signature")
        return plain("invalid or missing X-Twilio-Signature", 403)
    return None


@bp.post("/twilio/messages")
def twilio_message() -> Response:
    """Receive an SMS or WhatsApp message from Twilio and reply with TwiML."""
    refused = _twilio_guard()
    if refused is not None:
        return refused
    try:
        inbound = twilio_channel.parse_inbound(request.form)
    except twilio_channel.BadRequest as exc:
        return plain(str(exc), 400)
    outcome = get_engine().receive(inbound)
    texts = [r.text for r in outcome.replies if r.contact_id == outcome.contact_id and r.status == IN_RESPONSE]
    response = Response(twilio_channel.to_twiml(texts), status=200, mimetype="text/xml")
    _deliver_after(response, outcome)
    return response


@bp.post("/twilio/status")
def twilio_status() -> Response:
    """Record a delivery status callback from Twilio."""
    refused = _twilio_guard()
    if refused is not None:
        return refused
    try:
        update = twilio_channel.parse_status(request.form)
    except twilio_channel.BadRequest as exc:
        return plain(str(exc), 400)
    found = outbox.update_status(connection(get_settings().database), twilio_channel.PROVIDER,
                                 update.provider_id, update.status, update.error_code)
    return plain("ok" if found else "unknown message", 200)


@bp.get("/whatsapp")
def whatsapp_verify() -> Response:
    """Answer the Cloud API's webhook verification by echoing hub.challenge."""
    token = current_app.config.get("WHATSAPP_VERIFY_TOKEN")
    if not token:
        return plain("WHATSAPP_VERIFY_TOKEN is not set on this server", 503)
    offered = request.args.get("hub.verify_token", "")
    if request.args.get("hub.mode") != "subscribe" or not hmac.compare_digest(offered.encode(), token.encode()):
        return plain("verification failed", 403)
    return plain(request.args.get("hub.challenge", ""), 200)


@bp.post("/whatsapp")
def whatsapp_events() -> Response:
    """Receive messages and statuses from the Cloud API; answer 200 fast and send replies after."""
    secret = current_app.config.get("WHATSAPP_APP_SECRET")
    if not secret:
        return plain("WHATSAPP_APP_SECRET is not set on this server", 503)
    body = request.get_data(cache=True)
    if not whatsapp_channel.is_valid_signature(secret, body, request.headers.get("X-Hub-Signature-256")):
        log.warning("rejected a WhatsApp payload with a missing or wrong signature")
        return plain("invalid or missing X-Hub-Signature-256", 403)
    try:
        payload = json.loads(body.decode("utf-8"))
        messages, statuses = whatsapp_channel.parse_payload(payload, current_app.config.get("WHATSAPP_PHONE_NUMBER_ID"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return plain(f"expected a WhatsApp JSON payload: {exc.__class__.__name__}", 400)
    engine = get_engine()
    db = connection(get_settings().database)
    queued: list[int] = []
    for inbound in messages:
        outcome = engine.receive(inbound)
        if not outcome.duplicate:
            queued += [r.id for r in outcome.replies if r.status == QUEUED]
    for update in statuses:
        outbox.update_status(db, whatsapp_channel.PROVIDER, update.provider_id, update.status, update.error_code)
    response = plain("ok", 200)
    _deliver_after(response, None, queued)
    return response


def _deliver_after(response: Response, outcome: Outcome | None, ids: list[int] | None = None) -> None:
    """Send queued replies once the response has gone out; what fails stays queued for the worker."""
    ids = list(ids or [])
    if outcome is not None and not outcome.duplicate:
        ids += [r.id for r in outcome.replies if r.status == QUEUED and r.kind == "reply"]
    if not ids:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def send() -> None:
        with app.app_context():
            ext = app.extensions["teman"]
            try:
                outbox.deliver(connection(ext["settings"].database), ext["vault"], ext["settings"], ids,
                               make_sender(ext["settings"]))
            except Exception:  # the worker retries whatever is still queued
                log.exception("sending replies after the response failed")

    response.call_on_close(send)


@bp.post("/sms-gateway/events")
@bp.post("/sms-gateway/events/<name>")
def sms_gateway_events(name: str | None = None) -> Response:
    """Receive SMS Gateway for Android webhooks: check the signature, hold each event once, answer 200 at once;
    the SMS are handled and the replies sent after the response (and by the worker, at the phone's pace)."""
    settings = get_settings()
    phone = sms_gateway.phone_named(settings, name) if name else (
        settings.gateway_phones[0] if settings.gateway_phones else None)
    if phone is None:
        if name:
            return plain(f"no gateway phone named {name!r} on this server", 404)
        return plain("SMS_GATEWAY_SIGNING_KEY is not set on this server", 503)
    body = request.get_data(cache=True)
    refused = sms_gateway.check_signature(phone.signing_key, body, request.headers.get("X-Timestamp"),
                                          request.headers.get("X-Signature"))
    if refused:
        log.warning("rejected a gateway webhook: %s", refused)
        missing = not request.headers.get("X-Signature") or not request.headers.get("X-Timestamp")
        return plain(refused, 401 if missing else 403)
    try:
        event = sms_gateway.parse_event(body)
        provider = sms_gateway.provider_for(phone)
        db = connection(settings.database)
        now = outbox.iso(get_engine().clock())
        vault = current_app.extensions["teman"]["vault"]
        if event.event == sms_gateway.RECEIVED:
            got = sms_gateway.received(event, provider)
            if got.inbound.phone:
                new = inbox.hold(db, vault, provider, event.id, event.event, now, got.inbound, got.received_at)
            else:  # a network's or a bank's named sender (e.g. TELKOMSEL): nobody to answer
                new = inbox.hold(db, vault, provider, event.id, event.event, now, detail="sender is not a phone number")
                log.info("ignored an SMS from a named sender on %s", provider)
        elif event.event in sms_gateway.STATUS_EVENTS:
            # Applied before the event is held: a repeat applies again harmlessly (statuses never move back).
            _gateway_status(db, settings, provider, sms_gateway.status(event))
            new = inbox.hold(db, vault, provider, event.id, event.event, now)
        else:
            detail = json.dumps(sms_gateway.health_summary(event)) if event.event == sms_gateway.PING else None
            new = inbox.hold(db, vault, provider, event.id, event.event[:60], now, detail=detail)
    except sms_gateway.BadPayload as exc:
        return plain(str(exc), 400)
    response = plain("ok" if new else "duplicate", 200)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    response.call_on_close(lambda: _drain_gateway(app, provider))
    return response


def _gateway_status(db: Any, settings: Settings, provider: str, update: sms_gateway.StatusUpdate) -> None:
    """Apply a status the phone reported; a failure goes back to the queue with backoff, then fails."""
    if update.status == "failed":
        outbox.record_reported_failure(db, provider, update.provider_id, update.reason, outbox.policy(settings))
    else:
        outbox.update_status(db, provider, update.provider_id, update.status, None)


def _drain_gateway(app: Flask, provider: str) -> None:
    """After the response: handle the phone's pending SMS in the order received, then send what the pace allows."""
    with app.app_context():
        ext = app.extensions["teman"]
        settings = ext["settings"]
        try:
            outcomes = inbox.drain(ext["engine"], provider)
            ids = [r.id for o in outcomes if not o.duplicate for r in o.replies if r.status == QUEUED]
            if ids:
                pacing.send_paced(connection(settings.database), ext["vault"], outbox.policy(settings),
                                  sms_gateway.paces(settings), make_sender(settings),
                                  ext["engine"].clock(), only=ids)
        except Exception:  # whatever is left stays pending or queued for the next event and the worker
            log.exception("handling gateway SMS after the response failed")


@bp.get("/healthz")
def healthz() -> Response:
    """Tell the platform whether the store is reachable; `?details=1` adds the outbox queues as JSON."""
    try:
        db = connection(get_settings().database)
        db.execute("select count(*) from messages").fetchone()
    except Exception as exc:
        return plain(f"store unreachable: {exc.__class__.__name__}", 503)
    if not request.args.get("details"):
        return plain("ok", 200)
    now = get_engine().clock()
    queues = [pacing.queue(db, None, now)] + [pacing.queue(db, p, now) for p in sms_gateway.paces(get_settings())]
    details = {"status": "ok", "inbox_pending": inbox.pending(db),
               "queues": [{"provider": q.provider, "queued": q.queued, "oldest_queued_seconds": q.oldest_seconds,
                           "sent_last_hour": q.sent_last_hour, "offline_since": q.offline_since} for q in queues]}
    return Response(json.dumps(details) + "\n", status=200, mimetype="application/json")


# ----------------------------------------------------------------- commands
def _register_commands(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(generate_key_command)
    app.cli.add_command(chat_command)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"commands.{name}")
        for command in getattr(module, "COMMANDS", None) or [module.group]:
            app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database and apply pending migrations.

    \b
        flask --app webhook init-db
    """
    db = open_db(get_settings().database)
    applied = migrate(db)
    seal_plaintext(db, current_app.extensions["teman"]["vault"])
    click.echo(f"database: {get_settings().database}")
    click.echo("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))


@click.command("generate-key")
@with_appcontext
def generate_key_command() -> None:
    """Print a new random DATA_KEY for the environment.

    \b
        flask --app webhook generate-key
    """
    click.echo(generate_key())


@click.command("chat")
@with_appcontext
@click.option("--channel", type=click.Choice(["sms", "whatsapp"]), default="sms", show_default=True)
@click.option("--from", "sender", default="+6281200000001", show_default=True, help="The number you text from.")
@click.option("--json", "as_json", is_flag=True, help="Read one message per line, print one JSON object per reply.")
def chat_command(channel: str, sender: str, as_json: bool) -> None:
    """Talk to the bot in the terminal, through the same engine and store as the webhook.

    \b
        flask --app webhook chat --channel sms --from +6281234567890
    """
    from bot import sms
    from bot.messages import Inbound
    import uuid

    engine = get_engine()
    interactive = sys.stdin.isatty() and not as_json
    if interactive:
        click.echo(f"Teman Migran simulator: {channel} from {sender}. Type a message; Ctrl-D to quit.")
    while True:
        if interactive:
            try:
                line = click.prompt("you", prompt_suffix="> ", default="", show_default=False)
            except (EOFError, click.Abort):
                break
        else:
            raw = sys.stdin.readline()
            if not raw:
                break
            line = raw.rstrip("\n")
        inbound = Inbound(channel=channel, sender=sender, text=line, provider="cli",
                          provider_id=f"cli-{uuid.uuid4().hex}", phone=sender if sender.startswith("+") else None)
        outcome = engine.receive(inbound)
        for reply in outcome.replies:
            row_channel = connection(engine.settings.database)["contacts"].get(reply.contact_id)["channel"]
            to = sender if reply.contact_id == outcome.contact_id else f"contact:{reply.contact_id}"
            if as_json:
                enc = sms.measure(reply.text)
                click.echo(json.dumps({"to": to, "channel": row_channel, "text": reply.text,
                                       "encoding": enc.name, "segments": enc.segments}, ensure_ascii=False))
            elif reply.contact_id == outcome.contact_id:
                click.echo(f"bot> {reply.text}\n")
            else:
                click.echo(f"[queued for {to}] {reply.text}\n")


_app: Flask | None = None


def __getattr__(name: str) -> Any:
    """Create the module-level `app` (for gunicorn and `flask --app webhook`) on first use only."""
    global _app
    if name == "app":
        if _app is None:
            _app = create_app()
        return _app
    raise AttributeError(name)
