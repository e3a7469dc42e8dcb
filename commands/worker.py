"""`flask --app webhook worker`: the outbox worker (alerts, digests, retries) as its own process."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from bot import outbox
from bot import worker
from commands.common import get_db
from commands.common import get_settings
from commands.common import get_vault


def console_sender(envelope: outbox.Envelope) -> str:
    """Print a message instead of sending it (trying the bot without Twilio); return a console id."""
    click.echo(f"--> to {envelope.to} ({envelope.channel}, {envelope.kind}):\n{envelope.text}\n")
    return f"console-{envelope.id}"


@click.command("worker")
@click.option("--once", is_flag=True, help="Process what is due now and exit.")
@click.option("--interval", type=click.FloatRange(min=0.5), default=worker.DEFAULT_INTERVAL, show_default=True,
              help="Seconds between passes.")
@click.option("--console", is_flag=True,
              help="Print messages here instead of sending them (to try alerts without Twilio; never in production).")
@with_appcontext
def worker_command(once: bool, interval: float, console: bool) -> None:
    """Send queued messages, urgent alerts and daily digests; retry with backoff; stop on SIGTERM.

    \b
        flask --app webhook worker            (Procfile: worker: flask --app webhook worker)
        flask --app webhook worker --once
        flask --app webhook worker --once --console
    """
    db, vault, settings = get_db(), get_vault(), get_settings()
    if console and current_app.config.get("APP_ENV") == "production":
        raise click.ClickException("--console is for trying the bot; it never runs with APP_ENV=production")
    send = console_sender if console else None
    if once:
        click.echo(str(worker.run_once(db, vault, settings, send=send)))
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker.run(db, vault, settings, interval=interval, stop=stop, send=send)


COMMANDS = [worker_command]
