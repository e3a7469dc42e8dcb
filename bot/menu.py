"""Numbered menus that work on a basic phone: MENU at any time, numbers after a menu, 0 to go back."""

from __future__ import annotations

from bot.i18n import _l

MAIN = "main"
MORE = "more"
REPORT = "report"
ASKED = "asked"  # after an answer to a question about a problem: 4 reports that question

# Each menu: number -> (label, intent). The label is a msgid; keep every menu within one SMS (160 GSM-7).
MENUS: dict[str, dict[str, tuple[str, str]]] = {
    MAIN: {
        "1": (_l("Requirements & documents"), "ask_requirements"),
        "2": (_l("Costs"), "ask_costs"),
        "3": (_l("Check a company (PT)"), "verify_recruiter"),
        "4": (_l("Report a problem"), "report_menu"),
        "5": (_l("Your rights"), "ask_rights"),
        "6": (_l("Emergency numbers"), "ask_hotline"),
        "7": (_l("More"), "more_menu"),
    },
    MORE: {
        "1": (_l("Official procedure"), "ask_procedure"),
        "2": (_l("BPJS insurance"), "ask_social_security"),
        "3": (_l("Countries"), "ask_destinations"),
        "4": (_l("Job vacancies"), "ask_job_vacancy"),
        "5": (_l("Signs of fraud"), "ask_warning_signs"),
        "6": (_l("Going home"), "ask_return_home"),
        "7": (_l("Report status"), "check_case_status"),
        "8": (_l("Talk to officer"), "talk_to_officer"),
        "9": (_l("Bahasa Indonesia"), "change_language"),
    },
    REPORT: {
        "1": (_l("Fees/debt"), "report_fees_or_debt"),
        "2": (_l("Deceived"), "report_deception"),
        "3": (_l("Passport held"), "report_documents_held"),
        "4": (_l("Unpaid wages"), "report_unpaid_wages"),
        "5": (_l("Violence"), "report_abuse"),
        "6": (_l("Lost contact"), "report_missing_contact"),
        "7": (_l("Emergency"), "report_emergency"),
        "8": (_l("Illegal recruiter"), "report_recruiter_activity"),
        "9": (_l("Other"), "report_other_problem"),
    },
}

# The main menu, but 4 turns the question just answered into a report (bot/conversation/questions.py).
MENUS[ASKED] = {**MENUS[MAIN], "4": (_l("Report a problem"), "report_question")}

TITLES = {
    MAIN: _l("Teman Migran. Reply with a number:"),
    MORE: _l("More (0 back):"),
    REPORT: _l("Report (0 back):"),
    ASKED: _l("Teman Migran. Reply with a number:"),
}

# Where each information intent sits in the main menu, for "Reply 2 for costs" hints.
MAIN_NUMBER = {intent: number for number, (_, intent) in MENUS[MAIN].items()}

# The title of each topic's answer page is the label of the menu item that opens it: one title per menu item.
LABELS = {intent: label for menu in (MAIN, MORE) for label, intent in MENUS[menu].values()}
