"""Load and fault test: many senders, Twilio-style retries, a gunicorn worker killed mid-run, then a store audit.

    .venv/bin/python bench/load_test.py [--seconds 60] [--senders 8] [--workers 4] [--json out.json]

It starts the bot under gunicorn on loopback with a fresh SQLite file, sends signed Twilio webhooks from
`--senders` concurrent threads for `--seconds` (each thread plays people who ask questions, check companies,
report problems through the menu and answer the intake form; about one message in ten is sent again with the
same MessageSid, as Twilio does on a timeout; a person whose message got no answer sends it again, same
MessageSid, before writing the next one), kills one worker with SIGKILL half-way (the one inside a write
transaction) and resends whatever still has no answer. Then it checks the database: every distinct message
stored exactly once, every report exactly one case, no half-written case, no duplicate reply, and the same
reply for every retry. A bare Flask route runs under the same gunicorn settings for the same total time, in
10 s slices taking turns with the bot's, for the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import dashboard_browsing
from common import bot_env
from common import machine
from common import post
from common import signed_form
from common import start_gunicorn
from common import summarise
from common import temp_dir

QUESTIONS = ["halo", "MENU", "1", "L", "2", "brp biaya kerja ke malaysia", "apa syarat jadi pmi", "5",
             "nomor pengaduan apa", "apa hak saya kalau majikan ambil paspor", "7", "3", "0", "terima kasih"]
CHECKS = [["3", "PT Duta Perkasa Nusantara"], ["cek PT Sinar Abadi"], ["3", "PT Sinar Bahtera Jaya"],
          ["apakah 001/SIP3MI/2024 resmi"]]
STORIES = [
    ("1", "agen minta uang 15 juta sebelum berangkat dan potong gaji saya tiap bulan"),
    ("3", "paspor saya ditahan majikan di sabah sejak tahun lalu"),
    ("4", "gaji saya belum dibayar 5 bulan di kebun sawit"),
    ("2", "dijanjikan kerja di restoran tapi dibawa ke ladang dan kontrak beda"),
    ("6", "anak saya nona pergi ke malaysia 4 bulan lalu dan sonde ada kabar"),
    ("9", "saya sakit dan majikan tidak mau antar ke rumah sakit"),
]
FORM_ANSWERS = ["Malaysia, Kota Kinabalu", "PT Karya Mandiri", "1", "TTS", "LEWATI", "LEWATI", "2", "LEWATI"]


@dataclass
class Sent:
    """One distinct message (MessageSid) and what came back for it."""

    sid: str
    sender: str
    text: str
    report_start: bool = False
    answers: list[bytes] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


class Load:
    """The state of one load run, shared by the sender threads."""

    def __init__(self, port: int, senders: int, seed: int) -> None:
        self.port = port
        self.go = threading.Event()      # set while the bot's slice runs; senders pause between slices
        self.done = threading.Event()
        self.in_flight = 0
        self.senders = senders
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.sent: dict[str, Sent] = {}
        self.unanswered: list[Sent] = []
        self.retries = 0
        self.failures = 0
        self.latencies: list[float] = []
        self.people = 0

    def send(self, item: Sent) -> bool:
        """Send (or resend) one message; record the answer or queue it for a resend."""
        body, headers = signed_form("/twilio/messages", item.sid, item.sender, item.text)
        status, data, took = post(self.port, "/twilio/messages", body, headers, timeout=20)
        with self.lock:
            self.in_flight -= 1
            if status == 200:
                item.answers.append(data)
                item.latencies.append(took)
                self.latencies.append(took)
                return True
            self.failures += 1
            self.unanswered.append(item)
            return False

    def wait_for_slice(self) -> bool:
        """Wait until the bot's slice runs (False once the run is over), and count the request as in flight."""
        self.go.wait()
        if self.done.is_set():
            return False
        with self.lock:
            self.in_flight += 1
        return True

    def say(self, sender: str, text: str, report_start: bool = False) -> None:
        """Send a new message as `sender`, and sometimes its Twilio-style retry."""
        if not self.wait_for_slice():
            return
        item = Sent("SM" + uuid.uuid4().hex, sender, text, report_start)
        with self.lock:
            self.sent[item.sid] = item
            duplicate = self.random.random() < 0.1
        answered = self.send(item)
        # A person waits for the answer before writing again; a request that got none (the killed worker's)
        # is retried with the same MessageSid first, as Twilio's connection-override retries do.
        for attempt in range(5):
            if answered or not self.wait_for_slice():
                break
            time.sleep(0.05 * (attempt + 1))
            answered = self.send(item)
        if answered and duplicate and self.wait_for_slice():
            with self.lock:
                self.retries += 1
            self.send(item)

    def drain(self) -> None:
        """Wait until no bot request is in flight (after the slice has ended)."""
        while True:
            with self.lock:
                if self.in_flight == 0:
                    return
            time.sleep(0.001)

    def person(self, thread: int) -> None:
        """Play people one after another until the run is over."""
        rng = random.Random(thread)
        while not self.done.is_set():
            with self.lock:
                self.people += 1
                n = self.people
            sender = f"+6281{thread:02d}{n:07d}"
            kind = rng.random()
            if kind < 0.45:
                for text in rng.sample(QUESTIONS, 4):
                    self.say(sender, text)
            elif kind < 0.65:
                for text in rng.choice(CHECKS):
                    self.say(sender, text)
            else:
                number, story = rng.choice(STORIES)
                self.say(sender, "MENU")
                self.say(sender, "4")
                self.say(sender, number)
                self.say(sender, story, report_start=True)
                for text in FORM_ANSWERS[: rng.randint(0, len(FORM_ANSWERS))]:
                    if self.done.is_set():
                        break
                    self.say(sender, text)

    def resend_unanswered(self) -> int:
        """Resend, with the same MessageSid, everything that got no answer (as Twilio retries)."""
        resent = 0
        for _ in range(5):
            with self.lock:
                pending, self.unanswered = self.unanswered, []
            if not pending:
                break
            for item in pending:
                if item.answers:
                    continue
                resent += 1
                with self.lock:
                    self.in_flight += 1
                self.send(item)
            time.sleep(0.5)
        return resent


def _write_lock_holder(lock_path: str) -> int | None:
    """Return the pid holding the database's write lock (the flock in bot/store.py), if any."""
    try:
        inode = os.stat(lock_path).st_ino
        for line in Path("/proc/locks").read_text().splitlines():
            parts = line.split()
            if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5].rsplit(":", 1)[-1] == str(inode):
                return int(parts[4])
    except (OSError, ValueError):
        return None
    return None


def kill_one_worker(server, at: float, db_path: str, log: list[str]) -> None:
    """SIGKILL one gunicorn worker at `at`: the one inside a write transaction, so the fault hits mid-request."""
    time.sleep(max(0.0, at - time.monotonic()))
    workers = set(server.worker_pids())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        holder = _write_lock_holder(f"{db_path}.lock")
        if holder in workers:
            os.kill(holder, signal.SIGKILL)
            log.append(f"killed worker {holder} with SIGKILL while it held the database write lock (mid-request)")
            return
    victim = sorted(workers)[0]
    os.kill(victim, signal.SIGKILL)
    log.append(f"killed worker {victim} with SIGKILL (no write in progress was caught)")


def audit(db_path: str, load: Load) -> dict[str, object]:
    """Check the store after the run and return the findings."""
    conn = sqlite3.connect(db_path)
    try:
        stored = defaultdict(int)
        for (provider_id,) in conn.execute("select provider_id from messages where direction = 'in'"):
            stored[provider_id] += 1
        sent = load.sent
        lost = [sid for sid in sent if stored.get(sid, 0) == 0]
        duplicated = [sid for sid, n in stored.items() if n > 1]
        unexpected = [sid for sid in stored if sid not in sent]
        replies = conn.execute(
            "select count(*) - count(distinct idempotency_key) from messages where direction = 'out'").fetchone()[0]
        findings: dict[str, object] = {
            "distinct_messages_sent": len(sent),
            "stored_inbound": sum(stored.values()),
            "lost": len(lost), "duplicated": len(duplicated), "unexpected": len(unexpected),
            "duplicate_reply_rows": replies,
            "unfinished_inbound": conn.execute(
                "select count(*) from messages where direction='in' and status = 'received'").fetchone()[0],
            "failed_dialogue": conn.execute(
                "select count(*) from messages where direction='in' and status = 'error'").fetchone()[0],
        }
        answered = [s for s in sent.values() if s.answers]
        findings["unanswered_at_end"] = len(sent) - len(answered)
        findings["retries_with_different_reply"] = sum(1 for s in answered if len(set(s.answers)) > 1)
        has_cases = conn.execute("select count(*) from sqlite_master where name = 'cases'").fetchone()[0]
        if has_cases:
            starts = {s.sid for s in sent.values() if s.report_start}
            rows = conn.execute(
                "select c.id, c.ref, c.category, c.priority, c.text_enc, c.contact_id, m.provider_id "
                "from cases c left join messages m on m.id = c.first_message_id").fetchall()
            by_start = defaultdict(int)
            half = 0
            for _id, ref, category, priority, text_enc, contact_id, provider_id in rows:
                if not (ref and category and priority and text_enc and contact_id and provider_id):
                    half += 1
                by_start[provider_id] += 1
            findings.update({
                "reports_sent": len(starts), "cases": len(rows),
                "reports_without_case": sum(1 for sid in starts if by_start.get(sid, 0) == 0),
                "reports_with_several_cases": sum(1 for sid in starts if by_start.get(sid, 0) > 1),
                "cases_from_other_messages": sum(n for sid, n in by_start.items() if sid not in starts),
                "half_written_cases": half,
            })
        return findings
    finally:
        conn.close()


def drive_bare(port: int, seconds: float, senders: int) -> tuple[list[float], float]:
    """Drive the bare Flask route for `seconds` with the same number of senders; return latencies and duration."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def sender(n: int) -> None:
        while time.monotonic() < stop_at:
            body, headers = signed_form("/twilio/messages", "SM" + uuid.uuid4().hex, f"+6281{n:09d}", "halo")
            status, _, took = post(port, "/twilio/messages", body, headers)
            if status == 200:
                with lock:
                    latencies.append(took)

    start = time.monotonic()
    threads = [threading.Thread(target=sender, args=(i,)) for i in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.monotonic() - start


def main() -> None:
    """Run the load, the fault, the audit and the comparison; exit non-zero when the audit fails."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--browse", action="store_true",
                        help="A dashboard user browses during the whole run (bench/dashboard_browsing.py).")
    args = parser.parse_args()
    print(f"machine: {machine()}; gunicorn sync workers: {args.workers}; senders: {args.senders}; "
          f"{args.seconds:.0f} s")
    db_path = f"{temp_dir()}/load.db"
    # The bot and the bare route take turns in short slices, so drift on a shared machine weighs on both alike.
    slices = max(2, int(args.seconds // 10))
    slice_seconds = args.seconds / slices
    if args.browse:
        dashboard_browsing.register_officer(db_path, bot_env(db_path)["DATA_KEY"])
    # As a deploy does (README): train the model into the cache once, so the workers load it instead of each training
    # it at start-up (four trainings at once on two cores outlast gunicorn's start timeout).
    subprocess.run([sys.executable, "-m", "flask", "--app", "webhook", "nlu", "train"], check=True,
                   env={**os.environ, **bot_env(db_path)}, cwd=Path(__file__).resolve().parent.parent,
                   stdout=subprocess.DEVNULL)
    bare_server = start_gunicorn("bench.bare_app:app", args.workers)
    server = start_gunicorn("webhook:app", args.workers, bot_env(db_path))
    browser = dashboard_browsing.Browsing(server.port) if args.browse else None
    if browser is not None:
        browser.thread.start()
    events: list[str] = []
    bare_latencies: list[float] = []
    elapsed = bare_elapsed = 0.0
    try:
        load = Load(server.port, args.senders, args.seed)
        threads = [threading.Thread(target=load.person, args=(i,)) for i in range(args.senders)]
        for t in threads:
            t.start()
        for index in range(slices):
            start = time.monotonic()
            killer = None
            if index == slices // 2:
                killer = threading.Thread(target=kill_one_worker,
                                          args=(server, start + slice_seconds / 2, db_path, events))
                killer.start()
            load.go.set()
            time.sleep(slice_seconds)
            load.go.clear()
            load.drain()
            elapsed += time.monotonic() - start
            if killer:
                killer.join()
            latencies, seconds = drive_bare(bare_server.port, slice_seconds, args.senders)
            bare_latencies += latencies
            bare_elapsed += seconds
        load.done.set()
        load.go.set()
        for t in threads:
            t.join()
        failed_during_run = load.failures
        resent = load.resend_unanswered()
        if browser is not None:
            browser.stop.set()
            browser.thread.join()
    finally:
        server.stop()
        bare_server.stop()
    bot = summarise(load.latencies, elapsed)
    findings = audit(db_path, load)
    bare = summarise(bare_latencies, bare_elapsed)
    ratio = bot["throughput"] / bare["throughput"] if bare["throughput"] else 0.0
    for event in events:
        print(event)
    print(f"people: {load.people}; Twilio-style duplicate sends: {load.retries}; "
          f"requests without answer during the run: {failed_during_run}; resent after: {resent}")
    print(f"   bot: {bot['requests']} answered, {bot['throughput']:.1f} req/s, p50 {bot['p50_ms']:.2f} ms, "
          f"p99 {bot['p99_ms']:.2f} ms")
    print(f"  bare: {bare['requests']} answered, {bare['throughput']:.1f} req/s, p50 {bare['p50_ms']:.2f} ms, "
          f"p99 {bare['p99_ms']:.2f} ms")
    print(f"throughput ratio bot/bare: {ratio:.1%} (floor 40 %); bot p99 {bot['p99_ms']:.1f} ms (floor 100 ms)")
    if browser is not None:
        pages = summarise(browser.latencies, 1.0)
        print(f"dashboard user: {pages['requests']} pages, p50 {pages['p50_ms']:.1f} ms, p99 {pages['p99_ms']:.1f} ms, "
              f"not 200: {browser.failures}")
    print("store audit:")
    for key, value in findings.items():
        print(f"  {key}: {value}")
    bad_keys = ("lost", "duplicated", "unexpected", "duplicate_reply_rows", "unfinished_inbound", "unanswered_at_end",
                "retries_with_different_reply", "reports_without_case", "reports_with_several_cases",
                "half_written_cases", "failed_dialogue")
    ok = all(not findings.get(k) for k in bad_keys)
    print("AUDIT " + ("PASSED: 0 lost, 0 duplicated" if ok else "FAILED"))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "args": {k: str(v) for k, v in vars(args).items()},
                                         "bot": bot, "bare": bare, "ratio": ratio, "audit": findings,
                                         "events": events}, indent=2))
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
