"""The slowest hostile message through Engine.receive, and how long another sender waits meanwhile.

    .venv/bin/python bench/hostile_bench.py [--rounds 2] [--quiet-seconds 3]

It also reports how long each hostile message held the write lock (the time other workers could wait on it).

Floor (issue #12): the slowest hostile message (4,096 characters of digits, repeated words, "PT " x1000,
punctuation runs, mixtures; sent fresh, as a company name and as every intake answer) takes <= 50 ms in
Engine.receive, and another sender's messages, sent meanwhile from another process on the same database (as a
second gunicorn worker would), are not delayed by more than that over their own worst time without the hostile
traffic. Real SQLite file, the embedded NLU model, the demo registry.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import DATA_KEY  # noqa: E402
from common import machine  # noqa: E402
from common import temp_dir  # noqa: E402

from sqlite_utils import Database  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.conversation import engine as engine_module  # noqa: E402
from bot.conversation.engine import Engine  # noqa: E402
from bot.messages import Inbound  # noqa: E402
from bot.privacy import Vault  # noqa: E402
from bot.recruiters import registry_file  # noqa: E402
from bot.store import close  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store import open_db  # noqa: E402
from bot.store import transaction  # noqa: E402
from bot.understanding import nlu  # noqa: E402

FLOOR_MS = 50.0
LENGTH = 4096


def _fill(unit: str) -> str:
    return (unit * (LENGTH // len(unit) + 1))[:LENGTH]


HOSTILE = {
    "digits": "1" * LENGTH,
    "digits and slashes": _fill("1/"),
    "number runs": _fill("12-34-"),
    "repeated word": _fill("tolong "),
    "PT x1000": _fill("PT "),
    "punctuation": _fill(".,-/!?"),
    "licence-like": _fill("sip3mi/"),
    "mixed": _fill("PT 1/sip3mi-2. ADU-7K3 tolong paspor ditahan "),
    "danger after noise": (_fill("12-34-")[:1200] + " paspor ditahan majikan pukul saya " * 80)[:LENGTH],
}
# How each hostile text reaches a parser: the words before it put the sender in the step that parses it.
PATHS = {
    "fresh message": [],
    "company name": ["cek perusahaan"],
    "report, where": ["gaji saya tidak dibayar majikan 3 bulan"],
    "report, employer": ["gaji saya tidak dibayar majikan 3 bulan", "1", "Malaysia"],
    "report, home": ["gaji saya tidak dibayar majikan 3 bulan", "1", "Malaysia", "PT Maju"],
    "report, contact": ["gaji saya tidak dibayar majikan 3 bulan", "1", "Malaysia", "PT Maju", "Belu"],
    "missing, name": ["anak saya hilang kontak sejak lama di malaysia"],
}


def make_engine(database: str, cache_dir: str) -> Engine:
    """Return an engine on `database` with the embedded classifier (trained once, then cached)."""
    settings = Settings(database=database, demo_mode=True, nlu_cache_dir=cache_dir, flood_limit_per_minute=0)
    return Engine(settings, Vault(DATA_KEY), classifier=nlu.load_classifier(settings, cache_dir=cache_dir))


LOCK_HELD: list[float] = []


@contextlib.contextmanager
def timed_transaction(db: Database) -> Iterator[Database]:
    """The engine's write transaction, timed: how long this message held the lock other workers wait on."""
    started = time.perf_counter()
    with transaction(db) as inner:
        yield inner
    LOCK_HELD.append((time.perf_counter() - started) * 1000)


def send(engine: Engine, sender: str, text: str) -> float:
    """Send one message and return how long Engine.receive took, in ms."""
    inbound = Inbound(channel="sms", sender=sender, text=text, provider="cli", provider_id=uuid.uuid4().hex,
                      phone=sender)
    started = time.perf_counter()
    engine.receive(inbound)
    return (time.perf_counter() - started) * 1000


def bystander(database: str, cache_dir: str, ready, stop, out) -> None:
    """Another sender in another process: ordinary messages in a loop, each (start time, ms) recorded."""
    engine = make_engine(database, cache_dir)
    send(engine, "+628990000001", "halo")
    ready.set()
    texts = ["halo", "MENU", "apa syarat jadi pmi", "1", "brp biaya ke malaysia"]
    samples = []
    n = 0
    while not stop.is_set():
        started = time.time()
        samples.append((started, send(engine, "+628990000001", texts[n % len(texts)])))
        n += 1
        time.sleep(0.005)
    out.put(samples)


def main() -> None:
    """Run every hostile text along every path, with a bystander, and print the figures as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quiet-seconds", type=float, default=3.0)
    args = parser.parse_args()
    base = Path(temp_dir())
    database = str(base / "hostile.db")
    cache_dir = str(base / "nlu")
    db = open_db(database)
    migrate(db)
    registry_file.import_demo(db)
    close(db)
    engine = make_engine(database, cache_dir)  # trains and caches the model before the bystander loads it
    ctx = multiprocessing.get_context("spawn")
    ready, stop, out = ctx.Event(), ctx.Event(), ctx.Queue()
    worker = ctx.Process(target=bystander, args=(database, cache_dir, ready, stop, out))
    worker.start()
    ready.wait(120)
    quiet_from = time.time()
    time.sleep(args.quiet_seconds)
    quiet_to = time.time()
    for path, steps in PATHS.items():  # warm up: first uses load data files and the registry index
        for step in [*steps, "halo apa kabar", "cek PT Sinar Abadi", "cek PT Tidak Ada Sama Sekali"]:
            send(engine, f"+62866{abs(hash(path)) % 10**7:07d}", step)
    timings: dict[str, list[float]] = {}
    held: dict[str, list[float]] = {}
    engine_module.transaction = timed_transaction  # measure only: the same transaction, timed
    busy_from = time.time()
    for round_ in range(args.rounds):
        for path, steps in PATHS.items():
            for kind, text in HOSTILE.items():
                sender = f"+62877{abs(hash((round_, path, kind))) % 10**7:07d}"
                for step in steps:
                    send(engine, sender, step)
                timings.setdefault(f"{path} / {kind}", []).append(send(engine, sender, text))
                held.setdefault(f"{path} / {kind}", []).append(LOCK_HELD[-1])
    busy_to = time.time()
    stop.set()
    samples = out.get(timeout=60)
    worker.join(30)
    quiet = [ms for t, ms in samples if quiet_from <= t <= quiet_to]
    busy = [ms for t, ms in samples if busy_from <= t <= busy_to]
    slowest = sorted(((max(v), k) for k, v in timings.items()), reverse=True)
    result = {
        "machine": machine(),
        "hostile_messages": sum(len(v) for v in timings.values()),
        "slowest_hostile_ms": round(slowest[0][0], 1),
        "slowest_hostile": slowest[0][1],
        "next_slowest": [(k, round(ms, 1)) for ms, k in slowest[1:5]],
        # Each text along each path, its best round: a shared machine deschedules a process at random moments.
        "slowest_best_of_rounds_ms": round(max(min(v) for v in timings.values()), 1),
        "longest_lock_held_best_of_rounds_ms": round(max(min(v) for v in held.values()), 1),
        "hostile_p50_ms": round(statistics.median([ms for v in timings.values() for ms in v]), 1),
        "longest_lock_held_ms": round(max(ms for v in held.values() for ms in v), 1),
        "lock_held_p50_ms": round(statistics.median([ms for v in held.values() for ms in v]), 1),
        "bystander_alone": {"n": len(quiet), "p50_ms": round(statistics.median(quiet), 1),
                            "max_ms": round(max(quiet), 1)},
        "bystander_during": {"n": len(busy), "p50_ms": round(statistics.median(busy), 1),
                             "max_ms": round(max(busy), 1)},
    }
    result["bystander_extra_ms"] = round(result["bystander_during"]["max_ms"] - result["bystander_alone"]["max_ms"], 1)
    result["floor_ms"] = FLOOR_MS
    result["floor_met"] = result["slowest_hostile_ms"] <= FLOOR_MS and result["bystander_extra_ms"] <= FLOOR_MS
    result["floor_met_best_of_rounds"] = result["slowest_best_of_rounds_ms"] <= FLOOR_MS
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
