"""SMS Gateway for Android: webhook latency, an exactly-once audit with a worker killed, and pacing on a backlog.

    .venv/bin/python bench/gateway_bench.py latency [--seconds 15] [--senders 4] [--workers 2]
    .venv/bin/python bench/gateway_bench.py audit [--people 40] [--messages 6] [--workers 2]
    .venv/bin/python bench/gateway_bench.py pacing [--rate 30]

The phone is tests/fake_gateway.py on a real socket: it signs each webhook like the app, keeps one envelope
id per event across retries, and answers POST /messages (409 for an id it already holds).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

from common import ROOT
from common import bot_env
from common import machine
from common import post
from common import start_gunicorn
from common import summarise
from common import temp_dir

sys.path.insert(0, str(ROOT))

from tests.fake_gateway import PASSWORD  # noqa: E402
from tests.fake_gateway import SIGNING_KEY  # noqa: E402
from tests.fake_gateway import USERNAME  # noqa: E402
from tests.fake_gateway import FakeGateway  # noqa: E402

PATH = "/sms-gateway/events"
MESSAGES = ["MENU", "1", "halo", "brp biaya kerja ke malaysia", "2", "apa syarat jadi pmi", "MENU", "6",
            "cek PT Duta Perkasa Nusantara", "apa hak saya sebagai pekerja", "0", "nomor pengaduan apa"]


def gateway_env(database: str, phone: FakeGateway, rate: int = 3_600_000) -> dict[str, str]:
    """Return the bot's environment with the fake phone as its only gateway (SMS_PROVIDER=gateway)."""
    return {**bot_env(database), "SMS_PROVIDER": "gateway", "SMS_GATEWAY_URL": phone.url,
            "SMS_GATEWAY_USERNAME": USERNAME, "SMS_GATEWAY_PASSWORD": PASSWORD,
            "SMS_GATEWAY_SIGNING_KEY": SIGNING_KEY, "SMS_GATEWAY_MAX_PER_HOUR": str(rate)}


def deliver(phone: FakeGateway, port: int, envelope: dict, tries: int = 40) -> tuple[int, float]:
    """Post one webhook as the phone does, retrying (re-signed, same envelope id) until a 2xx; return (tries, s)."""
    for attempt in range(1, tries + 1):
        body, headers = phone.signed(envelope)
        status, _, took = post(port, PATH, body, headers)
        if 200 <= status < 300:
            return attempt, took
        time.sleep(0.05 * attempt)
    raise RuntimeError(f"webhook {envelope['id']} never acknowledged")


def replies_to(phone: FakeGateway, number: str) -> int:
    with phone.lock:
        return sum(1 for m in phone.messages.values() if m["to"] == [number])


# ----------------------------------------------------------------- latency
def start_worker(env: dict[str, str]) -> subprocess.Popen:
    """Start the outbox worker process as the Procfile does (it sends what the pace left queued)."""
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "webhook", "worker", "--interval", "0.5"],
                            cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def latency(args: argparse.Namespace) -> dict:
    """Senders text like people (each waits for its answer); time the 200, the reply queued, the reply sent."""
    import sqlite3

    phone = FakeGateway().start()
    db = str(Path(temp_dir()) / "bench.db")
    env = gateway_env(db, phone)
    server = start_gunicorn("webhook:app", args.workers, env)
    outbox_worker = start_worker(env)
    acknowledged, queued, answered = [], [], []
    lock = threading.Lock()
    stop_at = [0.0]
    begin = threading.Barrier(args.senders + 1,
                              action=lambda: stop_at.__setitem__(0, time.monotonic() + args.seconds))

    def sender(n: int) -> None:
        conn = sqlite3.connect(db, timeout=10)
        for i in range(10**6):
            number = f"+62812{n:03d}{i // 12:04d}"  # a new person every 12 messages: no one trips flood control
            if i == 2:
                begin.wait()  # two messages each to warm up, then the clock starts
            if i >= 2 and time.monotonic() >= stop_at[0]:
                break
            before = replies_to(phone, number)
            envelope = phone.received(number, MESSAGES[i % len(MESSAGES)])
            start = time.perf_counter()
            _, took = deliver(phone, server.port, envelope)
            while not conn.execute(
                    "select 1 from messages i join messages o on o.reply_to = i.id where i.provider = ? "
                    "and i.provider_id = ? limit 1", ["gateway:main", envelope["id"]]).fetchone():
                if time.perf_counter() - start > 10:
                    break
                time.sleep(0.001)
            stored_and_queued = time.perf_counter() - start
            while replies_to(phone, number) <= before and time.perf_counter() - start < 10:
                time.sleep(0.001)
            if i >= 2:
                with lock:
                    acknowledged.append(took)
                    queued.append(stored_and_queued)
                    answered.append(time.perf_counter() - start)
        conn.close()

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(args.senders)]
    for t in threads:
        t.start()
    begin.wait()
    began = time.monotonic()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    outbox_worker.send_signal(signal.SIGTERM)
    outbox_worker.wait(timeout=20)
    server.stop()
    phone.stop()
    ack, done, full = (summarise(x, elapsed) for x in (acknowledged, queued, answered))
    print(f"machine: {machine()} (shared with other engineers' work)")
    print(f"{args.senders} senders (each waits for its answer), {args.workers} gunicorn workers + the outbox worker, "
          f"{args.seconds:.0f} s after a warm-up")
    print(f"webhook -> 200 (event stored):             {ack['requests']} messages, p50 {ack['p50_ms']:.2f} ms, "
          f"p99 {ack['p99_ms']:.2f} ms")
    print(f"webhook -> message stored and reply queued: p50 {done['p50_ms']:.2f} ms, p99 {done['p99_ms']:.2f} ms")
    print(f"webhook -> reply at the phone:              p50 {full['p50_ms']:.2f} ms, p99 {full['p99_ms']:.2f} ms "
          f"({full['throughput']:.1f} messages/s)")
    return {"acknowledged": ack, "queued": done, "answered": full}


# ----------------------------------------------------------------- exactly-once audit
def audit(args: argparse.Namespace) -> dict:
    """People text; 5 % of webhooks arrive twice; one gunicorn worker is killed mid-run; then audit the store."""
    rng = random.Random(16)
    phone = FakeGateway().start()
    tmp = temp_dir()
    db = str(Path(tmp) / "bench.db")
    # A short sending lease, so a reply the killed worker left mid-send is settled by the worker pass at the end.
    env = {**gateway_env(db, phone), "OUTBOX_SENDING_LEASE_SECONDS": "1", "FLOOD_LIMIT_PER_MINUTE": "1000"}
    server = start_gunicorn("webhook:app", args.workers, env)
    events: list[str] = []
    doubled = [0]
    lock = threading.Lock()
    total = args.people * args.messages
    kill_after = total // 2
    killed: list[str] = []

    def person(n: int) -> None:
        number = f"+62813{n:07d}"
        for i in range(args.messages):
            envelope = phone.received(number, MESSAGES[(n + i) % len(MESSAGES)])
            with lock:
                events.append(envelope["id"])
                count = len(events)
            deliver(phone, server.port, envelope)
            if rng.random() < 0.05:  # the phone did not see our 2xx (30 s timeout) and retries the same envelope
                deliver(phone, server.port, envelope)
                with lock:
                    doubled[0] += 1
            if count == kill_after and not killed:
                victims = server.worker_pids()
                if victims:
                    os.kill(victims[0], signal.SIGKILL)
                    killed.append(f"killed gunicorn worker {victims[0]} with SIGKILL after {count} events")

    threads = [threading.Thread(target=person, args=(n,)) for n in range(args.people)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # What the killed worker left pending is handled on the next event (here the phone's ping), the rest by the worker.
    deliver(phone, server.port, phone.ping())
    time.sleep(2.0)
    server.stop()
    subprocess.run([sys.executable, "-m", "flask", "--app", "webhook", "gateway", "drain"], cwd=ROOT,
                   env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, check=True, capture_output=True)
    # The outbox worker sends what the pace left queued (one SMS per phone per pass, passes every 0.5 s here).
    import sqlite3

    outbox_worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "webhook", "worker", "--interval", "0.5"], cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
        stderr=open(Path(tmp) / "worker.log", "w"))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with sqlite3.connect(db) as check:
            if not check.execute("select count(*) from messages where direction = 'out' "
                                 "and status in ('queued', 'sending')").fetchone()[0]:
                break
        time.sleep(0.5)
    outbox_worker.send_signal(signal.SIGTERM)
    outbox_worker.wait(timeout=20)
    elapsed = time.monotonic() - began
    phone.stop()
    conn = sqlite3.connect(db)
    stored = Counter(r[0] for r in conn.execute("select provider_id from messages where direction = 'in'"))
    lost = [e for e in events if stored.get(e, 0) == 0]
    duplicated = [e for e, n in stored.items() if n > 1]
    held = Counter(r[0] for r in conn.execute("select event_id from inbox_events where event = 'sms:received'"))
    pending = conn.execute("select count(*) from inbox_events where status = 'pending'").fetchone()[0]
    unanswered = conn.execute("select count(*) from messages i where direction = 'in' and not exists "
                              "(select 1 from messages o where o.reply_to = i.id)").fetchone()[0]
    out_ids = [r[0] for r in conn.execute("select provider_id from messages where direction = 'out' "
                                          "and status = 'sent'")]
    not_sent = conn.execute("select count(*) from messages where direction = 'out' and status != 'sent'").fetchone()[0]
    conn.close()
    at_phone = Counter(m["id"] for m in phone.messages.values())
    findings = {"events": len(events), "doubled_deliveries": doubled[0], "lost": len(lost),
                "duplicated": len(duplicated), "inbox_duplicates": sum(1 for n in held.values() if n > 1),
                "pending_left": pending, "unanswered": unanswered, "replies_sent": len(out_ids),
                "replies_not_sent": not_sent, "replies_at_phone": len(at_phone),
                "replies_sent_twice": sum(1 for i in out_ids if at_phone.get(i, 0) != 1), "killed": killed,
                "seconds": round(elapsed, 1)}
    ok = not any(findings[k] for k in ("lost", "duplicated", "inbox_duplicates", "pending_left", "unanswered",
                                       "replies_not_sent", "replies_sent_twice"))
    print(f"machine: {machine()} (shared with other engineers' work); files in {tmp}")
    print(json.dumps(findings, indent=2))
    print("AUDIT " + ("PASSED: 0 lost, 0 duplicated" if ok else "FAILED"))
    findings["passed"] = ok
    return findings


# ----------------------------------------------------------------- pacing on a backlog
def pacing_run(rate: int, phones: int) -> dict:
    """Queue 500 replies, 50 digests and 5 urgent alerts; run the real worker on a simulated clock."""
    from bot import outbox
    from bot import worker
    from bot.channels.senders import make_sender
    from bot.contacts import ensure_contact
    from bot.store import open_db
    from webhook import create_app

    fakes = [FakeGateway().start() for _ in range(phones)]
    tmp = temp_dir()
    config = {"TESTING": True, "DATABASE": str(Path(tmp) / "pace.db"), "DATA_KEY": bot_env("x")["DATA_KEY"],
              "NLU_BACKEND": "keywords", "DIGEST_HOUR": 24, "SMS_PROVIDER": "gateway", "LOG_LEVEL": "ERROR",
              "SMS_GATEWAY_PHONES": ",".join(f"p{i}" for i in range(1, phones))}
    for i, fake in enumerate(fakes):
        prefix = "SMS_GATEWAY_" if i == 0 else f"SMS_GATEWAY_P{i}_"
        config.update({prefix + "URL": fake.url, prefix + "USERNAME": USERNAME, prefix + "PASSWORD": PASSWORD,
                       prefix + "SIGNING_KEY": SIGNING_KEY, prefix + "MAX_PER_HOUR": rate})
    app = create_app(config)
    ext = app.extensions["teman"]
    settings, vault = ext["settings"], ext["vault"]
    db = open_db(settings.database)
    start = datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)
    stamp = outbox.iso(start)
    providers = [f"gateway:{p.name}" for p in settings.gateway_phones]
    kinds = ["reply"] * 500 + ["digest"] * 50 + ["urgent_alert"] * 5
    random.Random(16).shuffle(kinds)
    with db.conn:
        for n, kind in enumerate(kinds):
            number = f"+62814{n % 200:07d}"  # 200 people; each stays on the phone they texted
            contact = ensure_contact(db, vault, "sms", number, stamp, provider=providers[n % 200 % len(providers)],
                                     phone=number)
            outbox.enqueue(db, vault, contact.id, f"Pesan {n}", kind, f"bench:{n}", stamp)
    real = make_sender(settings)
    clock = [start]
    sent: list[tuple[datetime, str, str]] = []

    def send(env: outbox.Envelope) -> str:
        sent.append((clock[0], env.kind, env.provider))
        return real(env)

    step = timedelta(seconds=30)
    wall = time.monotonic()
    while len(sent) < len(kinds) and clock[0] - start < timedelta(days=3):
        worker.run_once(db, vault, settings, now=clock[0], send=send)
        clock[0] += step
    wall = time.monotonic() - wall
    for fake in fakes:
        fake.stop()
    worst = 0
    for provider in providers:
        times = [t for t, _, p in sent if p == provider]
        for i, t in enumerate(times):
            worst = max(worst, sum(1 for u in times[i:] if u - t < timedelta(hours=1)))
    last_urgent = max(t for t, k, _ in sent if k == "urgent_alert")
    first_digest = min(t for t, k, _ in sent if k == "digest")
    by_kind = {}
    for kind in ("urgent_alert", "reply", "digest"):
        waits = sorted((t - start).total_seconds() / 60 for t, k, _ in sent if k == kind)
        by_kind[kind] = {"count": len(waits), "median_wait_min": round(waits[len(waits) // 2], 1),
                         "max_wait_min": round(waits[-1], 1)}
    result = {"phones": phones, "rate_per_phone": rate, "sent": len(sent),
              "backlog_cleared_hours": round((max(t for t, _, _ in sent) - start).total_seconds() / 3600, 2),
              "max_in_any_hour_per_phone": worst, "urgent_all_before_digests": last_urgent < first_digest,
              "waits": by_kind, "wall_seconds": round(wall, 1)}
    print(json.dumps(result, indent=2))
    ok = worst <= rate and last_urgent < first_digest and len(sent) == len(kinds)
    print("PACING " + ("HOLDS" if ok else "BROKEN") + f": at most {worst} an hour per phone (limit {rate}), "
          f"urgent alerts {'all' if last_urgent < first_digest else 'NOT all'} before the first digest")
    return result


def main() -> None:
    """Run one of the three benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    lat = sub.add_parser("latency")
    lat.add_argument("--seconds", type=float, default=15)
    lat.add_argument("--senders", type=int, default=4)
    lat.add_argument("--workers", type=int, default=4)
    aud = sub.add_parser("audit")
    aud.add_argument("--people", type=int, default=40)
    aud.add_argument("--messages", type=int, default=6)
    aud.add_argument("--workers", type=int, default=2)
    pace = sub.add_parser("pacing")
    pace.add_argument("--rate", type=int, default=30)
    args = parser.parse_args()
    if args.what == "latency":
        latency(args)
    elif args.what == "audit":
        sys.exit(0 if audit(args)["passed"] else 1)
    else:
        print(f"machine: {machine()} (shared with other engineers' work)")
        one = pacing_run(args.rate, 1)
        two = pacing_run(args.rate, 2)
        ok = all(r["max_in_any_hour_per_phone"] <= args.rate and r["urgent_all_before_digests"] for r in (one, two))
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
