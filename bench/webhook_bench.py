"""Webhook latency and throughput under gunicorn, next to a bare Flask route in the same run.

    .venv/bin/python bench/webhook_bench.py [--seconds 20] [--senders 4] [--workers 4]
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import time
import uuid
from pathlib import Path

from common import bot_env
from common import machine
from common import post
from common import signed_form
from common import start_gunicorn
from common import summarise
from common import temp_dir

MESSAGES = [
    "MENU", "1", "halo", "brp biaya kerja ke malaysia", "2", "apa syarat jadi pmi", "MENU", "6",
    "cek PT Duta Perkasa Nusantara", "apa hak saya sebagai pekerja", "0", "nomor pengaduan apa",
]


def run(port: int, seconds: float, senders: int, label: str) -> dict[str, float]:
    """Send signed messages from `senders` threads for `seconds` and summarise the latencies."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def sender(n: int) -> None:
        phone = f"+62812{n:07d}"
        for text in itertools.cycle(MESSAGES):
            if time.monotonic() >= stop_at:
                return
            body, headers = signed_form("/twilio/messages", "SM" + uuid.uuid4().hex, phone, text)
            status, _, took = post(port, "/twilio/messages", body, headers)
            with lock:
                if status == 200:
                    latencies.append(took)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(senders)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = summarise(latencies, time.monotonic() - start)
    result["errors"] = errors[0]
    print(f"{label:>6}: {result['requests']:6d} requests, {result['throughput']:7.1f} req/s, "
          f"p50 {result['p50_ms']:6.2f} ms, p99 {result['p99_ms']:6.2f} ms, errors {errors[0]}")
    return result


def main() -> None:
    """Run the bot and the bare app under the same gunicorn settings and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    print(f"machine: {machine()}; gunicorn sync workers: {args.workers}; concurrent senders: {args.senders}")
    tmp = temp_dir()
    results = {}
    # bare, bot, bare again: drift on a shared machine weighs on both sides alike.
    runs = (("bare1", "bench.bare_app:app", {}, args.seconds / 2), ("bot", "webhook:app", bot_env(f"{tmp}/bench.db"),
            args.seconds), ("bare2", "bench.bare_app:app", {}, args.seconds / 2))
    for label, app, env, seconds in runs:
        server = start_gunicorn(app, args.workers, env)
        try:
            run(server.port, 2, args.senders, "warmup")
            results[label] = run(server.port, seconds, args.senders, label)
        finally:
            server.stop()
    both = (results.pop("bare1"), results.pop("bare2"))
    results["bare"] = {
        "requests": both[0]["requests"] + both[1]["requests"],
        "throughput": (both[0]["throughput"] + both[1]["throughput"]) / 2,
        "p50_ms": (both[0]["p50_ms"] + both[1]["p50_ms"]) / 2,
        "p99_ms": max(both[0]["p99_ms"], both[1]["p99_ms"]),
        "errors": both[0]["errors"] + both[1]["errors"],
    }
    ratio = results["bot"]["throughput"] / results["bare"]["throughput"]
    print(f"throughput ratio bot/bare: {ratio:.1%} (floor 40 %); "
          f"p50 {results['bot']['p50_ms']:.2f} ms (floor 15), p99 {results['bot']['p99_ms']:.2f} ms (floor 50)")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "args": vars(args) | {"json": str(args.json)},
                                         "results": results, "ratio": ratio}, indent=2))


if __name__ == "__main__":
    main()
