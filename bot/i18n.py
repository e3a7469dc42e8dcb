"""Translations: compiled Babel catalogs under translations/, one gettext per locale."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from babel.support import NullTranslations
from babel.support import Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ("id", "en")
DEFAULT_LOCALE = "id"
DOMAINS = ("messages", "answers", "recruiters", "cases", "officers")


def _l(message: str) -> str:
    """Mark `message` for extraction; it is translated later, when the locale is known."""
    return message


@functools.lru_cache(maxsize=None)
def translations(locale: str) -> NullTranslations:
    """Return the merged catalogs of every domain for `locale` (cached)."""
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    merged: NullTranslations | None = None
    for domain in DOMAINS:
        catalog = Translations.load(str(TRANSLATIONS_DIR), [locale], domain=domain)
        if merged is None:
            merged = catalog
        elif isinstance(merged, Translations) and isinstance(catalog, Translations):
            merged.merge(catalog)
        elif isinstance(catalog, Translations):
            merged = catalog
    return merged or NullTranslations()


def translator(locale: str) -> Callable[[str], str]:
    """Return the gettext function for `locale`."""
    return translations(locale).gettext


def render(locale: str, message: str, **params: object) -> str:
    """Translate `message` into `locale` and fill its %(name)s placeholders."""
    text = translator(locale)(message)
    return text % params if params else text


def normalise_locale(value: str | None) -> str:
    """Return a supported locale for `value` ("en-US" -> "en"), defaulting to Indonesian."""
    if not value:
        return DEFAULT_LOCALE
    base = value.replace("-", "_").split("_")[0].lower()
    return base if base in LOCALES else DEFAULT_LOCALE
