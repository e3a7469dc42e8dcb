"""The dashboard's language, dates in the deployment's time zone (WITA) and numbers the Indonesian way (Babel)."""

from __future__ import annotations

import functools
from datetime import date
from datetime import datetime
from datetime import timezone
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.numbers import format_percent
from babel.support import NullTranslations
from babel.support import Translations
from flask import Flask
from flask import current_app
from flask import g
from flask import has_request_context
from flask import request
from flask_login import current_user

from bot.i18n import DEFAULT_LOCALE
from bot.i18n import LOCALES
from bot.i18n import TRANSLATIONS_DIR
from bot.i18n import translations as bot_translations

DOMAIN = "dashboard"
# Short names of the time zones NTT officers know; others are shown by their UTC offset.
ZONE_NAMES = {"Asia/Makassar": "WITA", "Asia/Jakarta": "WIB", "Asia/Jayapura": "WIT"}


@functools.lru_cache(maxsize=None)
def catalog(locale: str) -> NullTranslations:
    """Return the dashboard catalog for `locale`, falling back to the bot's catalogs (category names, ...)."""
    found = Translations.load(str(TRANSLATIONS_DIR), [locale], domain=DOMAIN)
    fallback = bot_translations(locale)
    if isinstance(found, Translations):
        found.add_fallback(fallback)
        return found
    return fallback


def current_locale() -> str:
    """Return the signed-in officer's language; Indonesian when signed out unless ?lang=en asks."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if "locale" not in g:
        officer = getattr(current_user, "officer", None)
        wanted = officer.language if officer is not None else request.args.get("lang")
        g.locale = wanted if wanted in LOCALES else DEFAULT_LOCALE
    return g.locale


def gettext(message: str, **params: Any) -> str:
    """Translate `message` into the current locale and fill its %(name)s placeholders."""
    text = catalog(current_locale()).gettext(message)
    return text % params if params else text


def _template_gettext(message: str) -> str:
    return catalog(current_locale()).gettext(message)


def _template_ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(current_locale()).ngettext(singular, plural, n)


def zone() -> ZoneInfo:
    """Return the deployment's time zone (Asia/Makassar unless TIMEZONE says otherwise)."""
    return ZoneInfo(current_app.extensions["teman"]["settings"].timezone)


def _moment(value: str | datetime | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def format_when(value: str | datetime | None) -> str:
    """Return a stored UTC time as local time with the zone's name: "3 Des 2026 14.05 WITA"."""
    moment = _moment(value)
    if moment is None:
        return "-"
    tz = zone()
    text = format_datetime(moment, "d MMM yyyy HH:mm", tzinfo=tz, locale=current_locale())
    return f"{text} {ZONE_NAMES.get(tz.key, moment.astimezone(tz).strftime('UTC%z'))}"


def format_day(value: str | datetime | date | None) -> str:
    """Return the local date of a stored time (or a date as it is): "3 Des 2026"."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_date(value, "d MMM yyyy", locale=current_locale())
    moment = _moment(value)
    if moment is None:
        return "-"
    return format_date(moment.astimezone(zone()).date(), "d MMM yyyy", locale=current_locale())


def format_number(value: int | float | None) -> str:
    """Return a number the local way: 20.000 in Indonesian, 20,000 in English."""
    if value is None:
        return "-"
    return _decimal(value, current_locale())


@functools.lru_cache(maxsize=4096)
def _decimal(value: int | float, locale: str) -> str:
    return format_decimal(value, locale=locale)


def format_share(value: float | None) -> str:
    """Return a share (0..1) as a percentage: "42%"."""
    if value is None:
        return "-"
    return format_percent(value, locale=current_locale())


def init_app(app: Flask) -> None:
    """Give the templates gettext, the locale and the formatting filters."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(_template_gettext, _template_ngettext, newstyle=True)  # type: ignore[attr-defined]
    app.jinja_env.filters.update(when=format_when, day=format_day, number=format_number, share=format_share)
    app.jinja_env.globals.update(current_locale=current_locale)
