"""The WhatsApp Cloud API webhook: verification, signatures, payload shapes, duplicates, replies via Graph API."""

from __future__ import annotations

import json
import sqlite3

from bot.privacy import Vault
from tests.conftest import DATA_KEY
from tests.conftest import WA_PHONE_ID
from tests.conftest import WA_TOKEN
from tests.conftest import WA_VERIFY


def count(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def test_verification_echoes_challenge(client):
    response = client.get(f"/whatsapp?hub.mode=subscribe&hub.verify_token={WA_VERIFY}&hub.challenge=1158201444")
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "1158201444"


def test_verification_with_wrong_token_is_403(client):
    response = client.get("/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
    assert response.status_code == 403


def test_text_message_is_stored_and_answered_through_graph_api(whatsapp, db_path, http_server):
    response = whatsapp.post(whatsapp.payload([whatsapp.text("MENU")]))
    assert response.status_code == 200
    sent = [r for r in http_server.requests if r.path == f"/{WA_PHONE_ID}/messages"]
    assert len(sent) == 1
    assert sent[0].headers["Authorization"] == f"Bearer {WA_TOKEN}"
    body = sent[0].json
    assert body["to"] == "6281234567890" and body["type"] == "text"
    assert body["text"]["body"].startswith("Teman Migran. Balas dengan angka:")
    assert count(db_path, "select count(*) from messages where direction='in' and provider='meta'") == 1
    assert count(db_path, "select count(*) from messages where direction='out' and status='sent'") == 1


def test_same_wamid_twice_is_processed_once(whatsapp, db_path, http_server):
    message = whatsapp.text("MENU", wamid="wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMTk3")
    whatsapp.post(whatsapp.payload([message]))
    whatsapp.post(whatsapp.payload([message]))
    assert count(db_path, "select count(*) from messages where direction='in'") == 1
    assert len(http_server.requests) == 1


def test_several_messages_in_one_payload(whatsapp, db_path):
    payload = whatsapp.payload([whatsapp.text("halo"), whatsapp.text("MENU")])
    assert whatsapp.post(payload).status_code == 200
    assert count(db_path, "select count(*) from messages where direction='in'") == 2
    assert count(db_path, "select count(*) from contacts") == 1


def test_bad_signature_is_rejected_and_nothing_stored(whatsapp, db_path):
    payload = whatsapp.payload([whatsapp.text("halo")])
    assert whatsapp.post(payload, secret="wrong-secret").status_code == 403
    assert whatsapp.post(payload, signature="").status_code == 403
    assert count(db_path, "select count(*) from messages") == 0


def test_signature_is_checked_over_raw_bytes(whatsapp, db_path):
    payload = whatsapp.payload([whatsapp.text("halo")])
    raw = json.dumps(payload, indent=2, ensure_ascii=False).encode()
    assert whatsapp.post(None, raw=raw).status_code == 200
    assert count(db_path, "select count(*) from messages where direction='in'") == 1


def test_signed_garbage_is_400_and_nothing_stored(whatsapp, db_path):
    assert whatsapp.post(None, raw=b"MessageSid=1&Body=halo").status_code == 400
    assert whatsapp.post(None, raw=b'{"object": "page"}').status_code == 400
    assert count(db_path, "select count(*) from messages") == 0


def test_interactive_reply_is_read_as_text(whatsapp, db_path, http_server):
    message = {"from": "6281234567890", "id": "wamid.INTERACTIVE1", "timestamp": "1700000000",
               "type": "interactive",
               "interactive": {"type": "button_reply", "button_reply": {"id": "MENU", "title": "Menu"}}}
    whatsapp.post(whatsapp.payload([message]))
    assert http_server.requests[-1].json["text"]["body"].startswith("Teman Migran")


def test_media_location_and_unknown_types_are_stored_and_acknowledged(whatsapp, db_path, http_server):
    messages = [
        {"from": "6281234567890", "id": "wamid.VOICE1", "timestamp": "1700000000", "type": "audio",
         "audio": {"id": "1234567890", "mime_type": "audio/ogg; codecs=opus", "voice": True}},
        {"from": "6281234567890", "id": "wamid.IMG1", "timestamp": "1700000001", "type": "image",
         "image": {"id": "987654321", "mime_type": "image/jpeg", "sha256": "abc"}},
        {"from": "6281234567890", "id": "wamid.LOC1", "timestamp": "1700000002", "type": "location",
         "location": {"latitude": -10.17, "longitude": 123.6}},
        {"from": "6281234567890", "id": "wamid.DOC1", "timestamp": "1700000003", "type": "document",
         "document": {"id": "555", "mime_type": "application/pdf", "filename": "kontrak.pdf"}},
        {"from": "6281234567890", "id": "wamid.WEIRD1", "timestamp": "1700000004", "type": "reaction_v9",
         "reaction_v9": {"emoji": "x"}},
    ]
    assert whatsapp.post(whatsapp.payload(messages)).status_code == 200
    assert count(db_path, "select count(*) from messages where direction='in'") == 5
    # Media and locations are kept sealed: nothing of them in plain.
    assert count(db_path, "select count(*) from messages where direction='in' and media_enc is not null") == 4
    assert count(db_path, "select count(*) from messages where media like '%geo:%' or media_enc like '%geo:%'") == 0
    vault = Vault(DATA_KEY)
    sealed = [vault.decrypt(r[0], "messages.media_enc") for r in sqlite3.connect(db_path).execute(
        "select media_enc from messages where media_enc is not null order by id")]
    assert any("audio/ogg" in s for s in sealed) and any("geo:-10.17,123.6" in s for s in sealed)
    assert len(http_server.requests) == 5


def test_group_messages_are_ignored(whatsapp, db_path):
    message = whatsapp.text("halo semua")
    message["group_id"] = "120363000000000000"
    assert whatsapp.post(whatsapp.payload([message])).status_code == 200
    assert count(db_path, "select count(*) from messages") == 0


def test_status_updates_change_outbound_rows(whatsapp, db_path, http_server):
    whatsapp.post(whatsapp.payload([whatsapp.text("MENU")]))
    wamid = http_server.requests and count(db_path, "select count(*) from messages where provider_id like 'wamid.TEST%'")
    assert wamid == 1
    conn = sqlite3.connect(db_path)
    provider_id = conn.execute("select provider_id from messages where direction='out'").fetchone()[0]
    conn.close()
    statuses = [{"id": provider_id, "status": "delivered", "timestamp": "1700000100", "recipient_id": "6281234567890"},
                {"id": provider_id, "status": "read", "timestamp": "1700000200", "recipient_id": "6281234567890"}]
    assert whatsapp.post(whatsapp.payload(statuses=statuses)).status_code == 200
    assert count(db_path, "select count(*) from messages where direction='out' and status='read'") == 1


def test_failed_graph_send_stays_queued_for_the_worker(whatsapp, db_path, http_server):
    http_server.answer_next(500, {"error": {"code": 131000, "message": "Something went wrong"}})
    assert whatsapp.post(whatsapp.payload([whatsapp.text("MENU")])).status_code == 200
    assert count(db_path, "select count(*) from messages where direction='out' and status='queued'") == 1
    assert count(db_path, "select attempts from messages where direction='out'") == 1


def test_payloads_for_another_number_of_the_business_are_ignored(whatsapp, db_path, http_server):
    """A Cloud payload for another phone_number_id of the same WhatsApp Business Account is not ours to answer."""
    payload = whatsapp.payload([whatsapp.text("halo")])
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "5550001111"
    assert whatsapp.post(payload).status_code == 200
    assert count(db_path, "select count(*) from messages") == 0
    assert http_server.requests == []
    assert whatsapp.post(whatsapp.payload([whatsapp.text("halo")])).status_code == 200
    assert count(db_path, "select count(*) from messages where direction='in'") == 1


def test_the_verify_token_is_compared_in_constant_time(client):
    """The verify token is a secret: compared with hmac.compare_digest, and odd input is a plain 403."""
    import ast
    import inspect

    import webhook

    source = ast.parse(inspect.getsource(webhook.whatsapp_verify))
    calls = {ast.unparse(n.func) for n in ast.walk(source) if isinstance(n, ast.Call)}
    assert "hmac.compare_digest" in calls
    assert not any(isinstance(n, ast.Compare) and "verify_token" in ast.unparse(n) for n in ast.walk(source))
    for offered in ("nopé", WA_VERIFY[:-1], WA_VERIFY + "x", ""):
        response = client.get("/whatsapp", query_string={"hub.mode": "subscribe", "hub.verify_token": offered,
                                                         "hub.challenge": "1"})
        assert response.status_code == 403
