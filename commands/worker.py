"""`flask --app webhook worker`: the outbox worker (alerts, digests, retries) as its own process."""

from __future__ import annotations

import signal
import threading

import click
from flask.cli import with_appcontext

from bot import worker
from commands.common import get_db
from commands.common import get_settings
from commands.common import get_vault


@click.command("worker")
@click.option("--once", is_flag=True, help="Process what is due now and exit.")
@click.option("--interval", type=click.FloatRange(min=0.5), default=worker.DEFAULT_INTERVAL, show_default=True,
              help="Seconds between passes.")
@with_appcontext
def worker_command(once: bool, interval: float) -> None:
    """Send queued messages, urgent alerts and daily digests; retry with backoff; stop on SIGTERM.

    \b
        flask --app webhook worker            (Procfile: worker: flask --app webhook worker)
        flask --app webhook worker --once
    """
    db, vault, settings = get_db(), get_vault(), get_settings()
    if once:
        click.echo(str(worker.run_once(db, vault, settings)))
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker.run(db, vault, settings, interval=interval, stop=stop)


COMMANDS = [worker_command]
