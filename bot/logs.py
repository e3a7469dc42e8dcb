"""Structured logs: one JSON line per event, phone numbers masked everywhere."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from typing import Any

from bot.privacy import mask_text


class MaskingFormatter(logging.Formatter):
    """Format records as JSON lines and mask anything that looks like a phone number."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one JSON line with phone numbers masked."""
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": mask_text(record.getMessage()),
        }
        if record.exc_info:
            entry["error"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        """Return where the error happened and its type, never its message: messages quote what people wrote."""
        kind, _, tb = ei
        name = getattr(kind, "__name__", "Exception")
        return "".join(traceback.format_tb(tb)) + f"{name} (message withheld: it may quote personal data)"


def configure(level: str = "INFO") -> None:
    """Send the bot's logs to stderr as masked JSON lines (once per process)."""
    root = logging.getLogger()
    root.setLevel(level)
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    if any(isinstance(h.formatter, MaskingFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MaskingFormatter())
    root.addHandler(handler)
