"""Compare two checkouts of the bot on this machine: paired, in alternating slices, under the load test's mix.

    git worktree add /tmp/before HEAD~3
    .venv/bin/python bench/ab_compare.py /tmp/before . [--seconds 40] [--slice 2] [--workers 4] [--senders 8]

Each checkout runs under gunicorn started from its own directory (gunicorn puts the directory it starts in
first on sys.path, so starting both from here would run this checkout twice). The same senders then play
the load test's people against one server and the other in turn, `--slice` seconds each, so the drift of a
shared machine weighs on both alike. Unpaired runs on the shared 2-core machine vary by 15 % or more, more
than most single changes; paired slices of 2 s repeat within a few per cent.

Prints each side's req/s and server CPU per request (from /proc), and the throughput of the second over the
first.
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import common
from common import bot_env
from common import post
from common import signed_form
from common import temp_dir
from load_test import CHECKS
from load_test import FORM_ANSWERS
from load_test import QUESTIONS
from load_test import STORIES


def people(seed: int, prefix: str) -> Iterator[tuple[str, str]]:
    """Yield (sender, text) for people one after another, in the load test's mix."""
    rng = random.Random(seed)
    n = 0
    while True:
        n += 1
        sender = f"{prefix}{n:07d}"
        kind = rng.random()
        if kind < 0.45:
            texts = rng.sample(QUESTIONS, 4)
        elif kind < 0.65:
            texts = rng.choice(CHECKS)
        else:
            number, story = rng.choice(STORIES)
            texts = ["MENU", "4", number, story] + FORM_ANSWERS[: rng.randint(0, len(FORM_ANSWERS))]
        for text in texts:
            yield sender, text


def cpu_ticks(pids: list[int]) -> int:
    """Return the user + system clock ticks used so far by `pids`."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total


def start(directory: Path, workers: int) -> common.Server:
    """Start one checkout under gunicorn from its own directory, on a fresh database."""
    here = Path.cwd()
    common.ROOT = directory
    os.chdir(directory)
    try:
        env = bot_env(str(Path(temp_dir()) / "ab.db"))
        env["PYTHONPATH"] = str(directory)
        return common.start_gunicorn("webhook:app", workers, env)
    finally:
        os.chdir(here)


def main() -> None:
    """Run both checkouts in alternating slices and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--slice", type=float, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--senders", type=int, default=8)
    args = parser.parse_args()
    dirs = [args.first.resolve(), args.second.resolve()]
    servers = [start(d, args.workers) for d in dirs]
    active = [0]
    answered = [0, 0]
    lock = threading.Lock()
    go = threading.Event()
    done = threading.Event()

    def sender(thread: int) -> None:
        streams = [people(thread, f"+6283{thread:02d}{side}") for side in (0, 1)]
        while not done.is_set():
            go.wait()
            side = active[0]
            who, text = next(streams[side])
            body, headers = signed_form("/twilio/messages", "SM" + uuid.uuid4().hex, who, text)
            status, _, _ = post(servers[side].port, "/twilio/messages", body, headers)
            if status == 200:
                with lock:
                    if active[0] == side:
                        answered[side] += 1

    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(args.senders)]
    for t in threads:
        t.start()
    elapsed = [0.0, 0.0]
    ticks = [0, 0]
    try:
        side = 0
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            pids = servers[side].worker_pids()
            with lock:
                active[0] = side
            before, started = cpu_ticks(pids), time.monotonic()
            go.set()
            time.sleep(args.slice)
            elapsed[side] += time.monotonic() - started
            ticks[side] += cpu_ticks(pids) - before
            side = 1 - side
        done.set()
        time.sleep(0.5)
    finally:
        for server in servers:
            server.stop()
    hz = os.sysconf("SC_CLK_TCK")
    rates = []
    for side, directory in enumerate(dirs):
        rate = answered[side] / elapsed[side]
        rates.append(rate)
        cpu_ms = ticks[side] / hz * 1000 / max(answered[side], 1)
        print(f"{directory}: {rate:.0f} req/s, server CPU {cpu_ms:.3f} ms a request")
    print(f"second / first throughput: {rates[1] / rates[0]:.3f}")


if __name__ == "__main__":
    main()
