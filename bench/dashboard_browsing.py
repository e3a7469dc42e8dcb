"""A dashboard user browsing during the load test: signs in over HTTP, then walks the case list, statistics and cases.

Used by bench/load_test.py --browse; the officer is registered in the fresh store before gunicorn starts.
"""

from __future__ import annotations

import http.client
import re
import sys
import threading
import time
from datetime import datetime
from datetime import timezone
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.officers import passwords  # noqa: E402
from bot.officers import registry as officers  # noqa: E402
from bot.privacy import Vault  # noqa: E402
from bot.store import close  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store import open_db  # noqa: E402

PHONE = "+6281234509990"
PASSWORD = "bench-password-2026"
PAGES = ("/dashboard/cases", "/dashboard/stats", "/dashboard/cases?overdue=1", "/dashboard/")
_TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
_REF = re.compile(rb'href="/dashboard/cases/(ADU-[0-9A-Z]{6})"')


def register_officer(db_path: str, data_key: str) -> None:
    """Add a provincial-desk officer with a password to the store the bot will use."""
    db = open_db(db_path)
    migrate(db)
    vault = Vault(data_key)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    officers.add_officer(db, vault, "Maria Bere", PHONE, "provinsi", stamp, sex="f")
    passwords.set_password(db, vault, PHONE, PASSWORD, stamp)
    close(db)


class Browsing:
    """One officer's browser: a session cookie, page after page until stopped."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.latencies: list[float] = []
        self.failures = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, dict[str, str]]:
        """Send one request with the session cookie; keep the cookie the answer sets."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie(value)
            if "teman_session" in jar:
                self.cookie = f"teman_session={jar['teman_session'].value}"
        conn.close()
        return response.status, data, dict(response.headers)

    def sign_in(self) -> None:
        """Sign in through the form (CSRF token and all)."""
        _, page, _ = self.request("GET", "/dashboard/login")
        token = _TOKEN.search(page)
        body = urlencode({"phone": PHONE, "password": PASSWORD, "csrf_token": token.group(1).decode() if token else ""})
        status, _, _ = self.request("POST", "/dashboard/login", body.encode())
        if status != 302:
            raise RuntimeError(f"the bench officer could not sign in: {status}")

    def run(self) -> None:
        """Browse until stopped: list, statistics, overdue list, start page, and a case from the list."""
        self.sign_in()
        n = 0
        while not self.stop.is_set():
            path = PAGES[n % len(PAGES)]
            n += 1
            start = time.perf_counter()
            try:
                status, page, _ = self.request("GET", path)
            except (OSError, http.client.HTTPException):
                self.failures += 1
                continue
            self.latencies.append(time.perf_counter() - start)
            if status != 200:
                self.failures += 1
            found = _REF.search(page) if path == "/dashboard/cases" else None
            if found:
                start = time.perf_counter()
                status, _, _ = self.request("GET", f"/dashboard/cases/{found.group(1).decode()}")
                self.latencies.append(time.perf_counter() - start)
                self.failures += status != 200
            time.sleep(0.5)  # a person reads the page
