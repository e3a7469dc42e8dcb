"""Shared benchmark plumbing: start gunicorn on loopback, send signed Twilio webhooks, summarise latencies."""

from __future__ import annotations

import base64
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-twilio-auth-token-0123456789"
PUBLIC_URL = "https://bench.example.org"
DATA_KEY = base64.urlsafe_b64encode(b"teman-migran-bench-key-32-bytes!").decode()
VALIDATOR = RequestValidator(TOKEN)


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A gunicorn process serving one app on loopback."""

    process: subprocess.Popen
    port: int
    database: str | None

    def stop(self) -> None:
        """Stop gunicorn and wait for it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        """Return the pids of gunicorn's worker processes."""
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]


def start_gunicorn(app: str, workers: int, env: dict[str, str] | None = None, timeout: float = 60.0) -> Server:
    """Start `gunicorn app` with `workers` sync workers on a free loopback port and wait until it answers."""
    try:
        return _start_gunicorn(app, workers, env, timeout)
    except RuntimeError:  # a port taken between choosing and binding it: try once more on another
        return _start_gunicorn(app, workers, env, timeout)


def _start_gunicorn(app: str, workers: int, env: dict[str, str] | None, timeout: float) -> Server:
    port = free_port()
    full_env = dict(os.environ, **(env or {}))
    full_env.setdefault("PYTHONPATH", str(ROOT))
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "--timeout", "30", "--chdir", str(ROOT), app],
        env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return Server(process, port, full_env.get("DATABASE"))
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn {app} did not start on port {port}")


def bot_env(database: str) -> dict[str, str]:
    """Return the environment for the bot under benchmark: its own database, keys and secrets."""
    return {
        "DATABASE": database, "DATA_KEY": DATA_KEY, "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_URL": PUBLIC_URL,
        "SECRET_KEY": "bench-secret-key-for-the-dashboard-session",
        "APP_ENV": "production", "LOG_LEVEL": "WARNING", "DEMO_MODE": "1",
        "NLU_CACHE_DIR": str(Path(database).parent / "nlu-cache"),
        "NLU_BACKEND": os.environ.get("NLU_BACKEND", "embedded"),
    }


def temp_dir() -> str:
    """Return a new temporary directory for one benchmark run."""
    return tempfile.mkdtemp(prefix="teman-bench-")


def signed_form(path: str, sid: str, sender: str, body: str) -> tuple[bytes, dict[str, str]]:
    """Return the encoded body and headers of a Twilio inbound webhook, signed like Twilio signs it."""
    form = {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "0" * 32, "From": sender,
            "To": "+15005550006", "Body": body, "NumMedia": "0", "NumSegments": "1", "ApiVersion": "2010-04-01"}
    signature = VALIDATOR.compute_signature(PUBLIC_URL + path, form)
    return urlencode(form).encode(), {"X-Twilio-Signature": signature,
                                      "Content-Type": "application/x-www-form-urlencoded"}


def post(port: int, path: str, body: bytes, headers: dict[str, str], timeout: float = 30.0) -> tuple[int, bytes, float]:
    """POST `body` and return (status, response body, seconds taken); status 0 when the connection failed."""
    start = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data, time.perf_counter() - start
    except (OSError, http.client.HTTPException):
        return 0, b"", time.perf_counter() - start


def summarise(latencies: list[float], seconds: float) -> dict[str, float]:
    """Return count, throughput and latency percentiles (ms) of a run."""
    if not latencies:
        return {"requests": 0, "throughput": 0.0, "p50_ms": 0.0, "p99_ms": 0.0}
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "throughput": len(ordered) / seconds,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }


def machine() -> str:
    """Describe the machine the benchmark ran on."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"
