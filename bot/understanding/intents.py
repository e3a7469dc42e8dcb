"""What the classifier makes of a text: the seam between NLU backends and the dialogue."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol

INFORMATION_INTENTS = (
    "greet", "help_menu", "ask_requirements", "ask_procedure", "ask_costs", "ask_rights",
    "ask_social_security", "ask_destinations", "ask_job_vacancy", "ask_warning_signs",
    "ask_return_home", "ask_hotline", "verify_recruiter",
)
REPORT_INTENTS = (
    "report_fees_or_debt", "report_deception", "report_documents_held", "report_unpaid_wages",
    "report_abuse", "report_missing_contact", "report_emergency", "report_recruiter_activity",
    "report_other_problem",
)
CONVERSATION_INTENTS = (
    "check_case_status", "talk_to_officer", "change_language", "affirm", "deny",
    "thanks_goodbye", "out_of_scope",
)
INTENTS = INFORMATION_INTENTS + REPORT_INTENTS + CONVERSATION_INTENTS


@dataclass(frozen=True)
class Understanding:
    """The intent of a text, how sure the classifier is, the alternatives and the entities."""

    intent: str
    confidence: float
    language: str = "id"
    ranking: tuple[tuple[str, float], ...] = ()
    entities: tuple[dict[str, Any], ...] = ()
    low_confidence: bool = False
    backend: str = "embedded"
    # P(the text is an account of harm), from bot/understanding/harm.py; None when the backend has no harm model.
    harm: float | None = None

    def entity(self, name: str) -> str | None:
        """Return the value of the first entity called `name`, if any."""
        for ent in self.entities:
            if ent.get("entity") == name:
                return ent.get("value")
        return None

    @property
    def is_report(self) -> bool:
        """Return True when the intent is a report of a problem."""
        return self.intent in REPORT_INTENTS


class Classifier(Protocol):
    """Anything that turns a text into an Understanding."""

    def classify(self, text: str) -> Understanding:
        """Classify `text`."""
        ...


@dataclass
class KeywordClassifier:
    """A tiny keyword classifier: the fallback when no trained model is available."""

    keywords: dict[str, tuple[str, ...]] = field(default_factory=lambda: {
        "report_emergency": ("darurat", "tolong cepat", "dipukul", "emergency", "disekap", "diperkosa"),
        "report_missing_contact": ("hilang kontak", "tidak ada kabar", "sonde ada kabar", "lost contact"),
        "report_documents_held": ("paspor ditahan", "paspor di tahan", "passport held", "dokumen ditahan"),
        "report_unpaid_wages": ("gaji belum", "gaji tidak", "gaji blm", "unpaid", "not paid"),
        "report_abuse": ("kekerasan", "dipukul", "abuse", "pelecehan"),
        "report_fees_or_debt": ("utang", "hutang", "potong gaji", "debt"),
        "report_deception": ("ditipu", "penipuan", "tertipu", "deceived"),
        "report_recruiter_activity": ("calo", "sponsor datang"),
        "verify_recruiter": ("resmi", "cek pt", "legal", "licensed", "izin"),
        "ask_costs": ("biaya", "cost", "bayar"),
        "ask_requirements": ("syarat", "dokumen", "requirement"),
        "ask_procedure": ("prosedur", "cara", "procedure"),
        "ask_rights": ("hak", "rights"),
        "ask_hotline": ("nomor", "hotline", "telepon"),
        "check_case_status": ("status", "laporan saya"),
        "talk_to_officer": ("petugas", "officer"),
        "greet": ("halo", "hai", "hello", "hi", "pagi", "siang", "malam"),
        "help_menu": ("menu", "help", "bantuan"),
        "thanks_goodbye": ("terima kasih", "makasih", "thanks", "thank you"),
        "affirm": ("ya", "iya", "yes", "ok"),
        "deny": ("tidak", "no", "bukan"),
    })

    def classify(self, text: str) -> Understanding:
        """Return the first intent whose keyword appears in `text`, else out_of_scope."""
        lowered = f" {text.lower()} "
        for intent, words in self.keywords.items():
            if any(f" {w} " in lowered or (len(w) > 4 and w in lowered) for w in words):
                return Understanding(intent, 0.5, backend="keywords")
        return Understanding("out_of_scope", 0.0, low_confidence=True, backend="keywords")
