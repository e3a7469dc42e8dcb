"""A province for the dashboard tests: officers with passwords, cases in their areas, and signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

from bot.cases import records as cases
from bot.contacts import ensure_contact
from bot.officers import passwords
from bot.officers import registry as officers
from bot.store import open_db
from bot.store import transaction

PASSWORD = "kupang-sore-2026"
DESK = "+6281234500010"         # Maria, provincial desk, woman
BELU_MAN = "+6281234500011"     # Yohanes, Belu, man
BELU_WOMAN = "+6281234500012"   # Yuliana, Belu, woman
TTS_MAN = "+6281234500013"      # Agus, Timor Tengah Selatan, man
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@dataclass
class Province:
    """The app's store with officers and cases, opened as a separate process would."""

    app: Any
    db: Any
    vault: Any
    officers: dict[str, officers.Officer] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)

    def report(self, name: str, category: str, text: str, when: datetime | None = None, sender: str | None = None,
               **fields: Any) -> str:
        """Open a case the way intake does and remember its reference under `name`."""
        when = when or datetime.now(timezone.utc) - timedelta(hours=1)
        phone = sender or f"+62813{len(self.refs) + 10000000:08d}"
        stamp = when.isoformat(timespec="seconds")
        with transaction(self.db):
            contact = ensure_contact(self.db, self.vault, "sms", phone, stamp, provider="twilio", phone=phone)
            case = cases.open_case(self.db, self.vault, contact.id, category, text, None, when)
            answers = {name: fields.pop(name) for name in cases.SEALED_ANSWERS if name in fields}
            if answers:
                fields.update(cases.sealed(self.vault, **answers))
            if fields:
                cases.update_case(self.db, case.id, when, **fields)
        self.refs[name] = case.ref
        return case.ref


def build_province(app: Any) -> Province:
    """Register four officers with passwords and open a handful of cases in Belu and TTS."""
    ext = app.extensions["teman"]
    db = open_db(ext["settings"].database)
    province = Province(app, db, ext["vault"])
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for key, name, phone, role, kabupaten, sex in (
        ("desk", "Maria Bere", DESK, "provinsi", None, "f"),
        ("belu_man", "Yohanes Taek", BELU_MAN, "kabupaten", "Belu", "m"),
        ("belu_woman", "Yuliana Mau", BELU_WOMAN, "kabupaten", "Belu", "f"),
        ("tts_man", "Agus Nope", TTS_MAN, "kabupaten", "Timor Tengah Selatan", "m"),
    ):
        province.officers[key] = officers.add_officer(db, province.vault, name, phone, role, now, kabupaten=kabupaten,
                                                      sex=sex)
        passwords.set_password(db, province.vault, phone, PASSWORD, now)
    earlier = datetime.now(timezone.utc) - timedelta(days=9)
    province.report("wages", "unpaid_wages", "Gaji saya tidak dibayar 5 bulan di Malaysia", kabupaten="Belu",
                    desa="Silawan", worker_sex="f", contact_ok=1, contact_time="setelah jam 8 malam",
                    reporter_role="worker", country="Malaysia", city="Tawau")
    province.report("woman", "abuse", "Anak perempuan saya dipukul dan diperkosa majikan", kabupaten="Belu",
                    worker_sex="f", prefers_woman_officer=1, contact_ok=1, reporter_role="family")
    province.report("fees", "fees_or_debt", "Disuruh bayar 15 juta ke sponsor", kabupaten="Belu", worker_sex="m",
                    when=earlier)
    province.report("tts", "documents_held", "Paspor saya ditahan agen di Kupang", kabupaten="Timor Tengah Selatan",
                    worker_sex="m", reporter_role="worker")
    province.report("unknown", "deception", "Dijanjikan kerja di restoran tapi dijual ke kebun")
    return province


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form of a page."""
    found = _TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


def sign_in(client: Any, phone: str, password: str = PASSWORD) -> Any:
    """Sign in through the form, as a browser would, and return the response."""
    page = client.get("/dashboard/login")
    return client.post("/dashboard/login", data={"phone": phone, "password": password,
                                                 "csrf_token": csrf_token(page.get_data(as_text=True))})
