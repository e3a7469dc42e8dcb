"""Property-based tests on the engine: any text, any channel, any conversation state."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.conversation import dialogue
from bot import menu
from bot import sms
from bot.messages import Inbound
from tests.conftest import DATA_KEY

KEYWORDS = ["MENU", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "L", "M", "LEWATI", "BATAL", "YA", "TIDAK",
            "STOP", "MULAI", "ENGLISH", "BAHASA", "STATUS ADU-ABCDEF", "cek PT Sinar Abadi", "halo", "terima kasih",
            "paspor saya ditahan majikan", "gaji belum dibayar 5 bulan", "anak saya hilang kontak 4 bulan di malaysia",
            "tolong saya dipukul majikan sekarang", "ada calo di desa kami", "brp biaya ke malaysia", "TTS", "Belu",
            "Kota Kupang", "perempuan", "mau bicara dengan petugas", "KASUS", "AMBIL ADU-ABCDEF", ""]

texts = st.one_of(
    st.sampled_from(KEYWORDS),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=50),
    st.from_regex(r"[0-9]{1,3}", fullmatch=True),
)
conversations = st.lists(st.tuples(texts, st.sampled_from(["sms", "whatsapp"])), min_size=1, max_size=8)
_senders = itertools.count(1)


@pytest.fixture(scope="module")
def prop_app(tmp_path_factory: pytest.TempPathFactory):
    """One app for all examples; each example texts from a new number."""
    from webhook import create_app

    base = tmp_path_factory.mktemp("props")
    return create_app({"TESTING": True, "DATABASE": str(base / "props.db"), "DATA_KEY": DATA_KEY,
                       "NLU_CACHE_DIR": str(base / "nlu"), "FLOOD_LIMIT_PER_MINUTE": 0, "DEMO_MODE": True})


def valid_state(state: dict) -> bool:
    """Return True when a persisted conversation state is one the dialogue can continue from."""
    json.dumps(state)
    flow = state.get("flow")
    return (flow is None or flow in dialogue.FLOWS) and state.get("menu") in (None, *menu.MENUS)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(conversation=conversations)
@example(conversation=[("MULAI", "sms"), ("MULAI", "sms"), ("STOP", "sms"), ("STOP", "sms"), ("START", "sms")])
def test_any_conversation_gets_valid_replies_and_keeps_a_valid_state(prop_app, conversation):
    engine = prop_app.extensions["teman"]["engine"]
    db_path = Path(prop_app.config["DATABASE"])
    sender = f"+62819{next(_senders):08d}"
    opted_out = False
    last_keyword: dict[str, str] = {}  # STOP or START last answered, per channel (repeats within 10 minutes: silent)
    for index, (text, channel) in enumerate(conversation):
        inbound = Inbound(channel=channel, sender=sender, text=text, provider="cli",
                          provider_id=f"prop-{sender}-{channel}-{index}", phone=sender)
        outcome = engine.receive(inbound)
        replies = outcome.reply_texts
        word = dialogue.keyword(text)
        if word in dialogue.OPT_OUT_WORDS:
            opted_out = True
        elif word in dialogue.OPT_IN_WORDS:
            opted_out = False
        family = "STOP" if word in dialogue.OPT_OUT_WORDS else "START" if word in dialogue.OPT_IN_WORDS else None
        repeated = family is not None and last_keyword.get(channel) == family
        if family:
            last_keyword[channel] = family
        if not opted_out and not (outcome.duplicate) and not repeated:
            assert replies, f"no reply to {text!r} on {channel}"
        for reply in replies:
            if channel == "sms":
                encoding = sms.measure(reply)
                assert encoding.name == "GSM-7", reply
                assert encoding.segments <= sms.SMS_BUDGET_SEGMENTS, reply
        conn = sqlite3.connect(db_path)
        try:
            status = conn.execute("select status from messages where id = ?", [outcome.message_id]).fetchone()[0]
            states = [json.loads(s) for (s,) in conn.execute(
                "select state from contacts where id = ?", [outcome.contact_id])]
        finally:
            conn.close()
        assert status == "handled", f"the dialogue failed on {text!r}"
        assert all(valid_state(s) for s in states)
