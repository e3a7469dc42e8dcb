"""The settings fixture of tests whose outbound messages go to the provider imitation (tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(name="config")
def config_at_provider_api(config: dict[str, Any], provider_api: Any) -> dict[str, Any]:
    """Point both senders at the provider imitation; no scheduled digest unless a test asks for one.

    A module takes it as its `config` by importing it: `from tests.senders import config_at_provider_api`.
    """
    return {**config, "TWILIO_API_BASE": provider_api.url, "WHATSAPP_API_BASE": provider_api.url, "DIGEST_HOUR": 24}
