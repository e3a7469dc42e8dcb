"""The web edge: Flask routes for Twilio and the WhatsApp Cloud API, and the maintenance commands."""

from __future__ import annotations

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
from bot.understanding import nlu
from bot import outbox
from bot.channels import twilio as twilio_channel
from bot.channels import whatsapp as whatsapp_channel
from bot.channels.senders import make_sender
from bot.config import Settings
from bot.config import check_production
from bot.config import from_env
from bot.conversation.engine import IN_RESPONSE
from bot.conversation.engine import QUEUED
from bot.conversation.engine import Engine
from bot.conversation.engine import Outcome
from bot.privacy import Vault
from bot.privacy import generate_key
from bot.store import connection
from bot.store import close as close_db
from bot.store import migrate
from bot.store import open_db
from bot.understanding.intents import Classifier
from bot.understanding.intents import KeywordClassifier

log = logging.getLogger("webhook")
bp = Blueprint("messaging", __name__)

MAX_REQUEST_BYTES = 1024 * 1024
# Each exposes `group` (a flask.cli.AppGroup) or `COMMANDS` (a list of click commands).
COMMAND_MODULES = ("nlu", "knowledge", "recruiters", "cases", "officers", "alerts", "worker", "ops")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app from environment variables, overridden by `config` (tests)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(from_env())
    app.config.update(config or {})
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    if not app.config.get("DATABASE"):
        app.config["DATABASE"] = os.path.join(app.instance_path, "teman-migran.db")
    logs.configure(app.config.get("LOG_LEVEL", "INFO"))
    production = app.config.get("APP_ENV") == "production" and not app.config.get("TESTING")
    if production:
        check_production(app.config)
    if not app.config.get("DATA_KEY"):
        app.config["DATA_KEY"] = _development_key(app)
    settings = Settings.from_config(app.config)
    vault = Vault(app.config["DATA_KEY"])
    db = open_db(settings.database)
    migrate(db)
    close_db(db)
    engine = Engine(settings, vault, classifier=_load_classifier(settings, app))
    app.extensions["teman"] = {"settings": settings, "vault": vault, "engine": engine}
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1)  # type: ignore[method-assign]
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
        path.write_text(generate_key())
        path.chmod(0o600)
        log.warning("DATA_KEY is not set: created a development key in %s (set DATA_KEY in production)", path)
    return path.read_text().strip()


def _load_classifier(settings: Settings, app: Flask) -> Classifier:
    """Return the configured NLU classifier: embedded (default), rasa, or the tiny keyword fallback."""
    if settings.nlu_backend == "keywords":
        return KeywordClassifier()
    return nlu.load_classifier(settings, cache_dir=settings.nlu_cache_dir or app.instance_path)


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
    if request.args.get("hub.mode") != "subscribe" or request.args.get("hub.verify_token") != token:
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
        messages, statuses = whatsapp_channel.parse_payload(payload)
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


@bp.get("/healthz")
def healthz() -> Response:
    """Tell the platform whether the store is reachable."""
    try:
        connection(get_settings().database).execute("select count(*) from messages").fetchone()
    except Exception as exc:
        return plain(f"store unreachable: {exc.__class__.__name__}", 503)
    return plain("ok", 200)


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
