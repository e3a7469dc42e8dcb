"""The dashboard end to end in a real headless Chromium (Debian's chromium + chromedriver), served on 127.0.0.1.

These tests never skip: without Chromium they fail and say what to install (.ci/run installs it). Each main
page is photographed; `SCREENSHOTS_DIR=docs/dashboard` refreshes the pictures that docs/dashboard.md shows.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from bot.recruiters import registry as recruiters
from bot.recruiters import registry_file
from bot.recruiters import watch as village_watch
from bot.store import transaction
from tests.web import BELU_MAN
from tests.web import DESK
from tests.web import PASSWORD
from tests.web import build_province


ROOT = Path(__file__).resolve().parent.parent
CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900")
MAIN_PAGES = ("login", "home", "cases", "case", "stats", "watch", "registry", "officers")


def _find(env: str, names: tuple[str, ...]) -> str | None:
    if os.environ.get(env):
        return os.environ[env]
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Start headless Chromium through chromedriver with a fresh profile; fail (never skip) when missing."""
    binary = _find("CHROMIUM", ("chromium", "chromium-browser", "google-chrome"))
    driver_path = _find("CHROMEDRIVER", ("chromedriver",))
    if not binary or not driver_path:
        pytest.fail("the dashboard's browser tests need Chromium and chromedriver: "
                    "apt-get install chromium chromium-driver (.ci/run does this), or set CHROMIUM and CHROMEDRIVER")
    profile = tempfile.mkdtemp(prefix="teman-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=Service(driver_path))
    except WebDriverException as exc:
        shutil.rmtree(profile, ignore_errors=True)
        pytest.fail(f"Chromium did not start: {exc.msg}")
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    """The test configuration with the keyword classifier (no model training needed for web pages)."""
    return {**config, "NLU_BACKEND": "keywords", "SECRET_KEY": "test-secret-key-for-the-browser-0123"}


@pytest.fixture
def province(app):
    """Officers, the handful of cases of tests/web.py, a season of older cases, a registry and village reports."""
    found = build_province(app)
    now = datetime.now(timezone.utc)
    places = ("Belu", "Kupang", "Timor Tengah Selatan", "Sumba Barat Daya", "Flores Timur", "Malaka")
    kinds = ("unpaid_wages", "fees_or_debt", "documents_held", "deception", "abuse", "missing_contact")
    for i in range(48):
        found.report(f"old{i}", kinds[i % 6], "laporan lama", kabupaten=places[(i * 5) % 6],
                     worker_sex=("f", "m", None)[i % 3], when=now - timedelta(days=3 + i * 1.6),
                     status="closed" if i % 4 == 0 else "open")
    registry_file.import_demo(found.db)
    today = recruiters.local_today()
    stamp = now.isoformat(timespec="seconds")
    with transaction(found.db):
        for who, where in (("PT Maju Jaya Sekali", "Desa Silawan, Belu"), ("PT Maju Jaya Sekali", "Silawan Belu"),
                           ("Bapak Yoris calo", "Desa Oenino, TTS"), ("PT Maju Jaya Sekali", "Kefa, TTU")):
            report = village_watch.open_report(found.db, found.vault, "ada yang rekrut", day=today, now=stamp, who=who)
            village_watch.update_report(found.db, found.vault, report, stamp, where=where)
            village_watch.close_report(found.db, report, stamp, None)
    yield found
    found.db.close()


@pytest.fixture
def server(app, province) -> Iterator[str]:
    """Serve the app on 127.0.0.1 in a thread and return its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Return where the pictures go: SCREENSHOTS_DIR (docs/dashboard for the docs) or the test's folder."""
    folder = Path(os.environ["SCREENSHOTS_DIR"]) if os.environ.get("SCREENSHOTS_DIR") else tmp_path / "shots"
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def photograph(driver: Any, folder: Path, name: str) -> None:
    """Save the whole page, below the fold too, as `name`.png (Chrome DevTools' captureBeyondViewport)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 4000), "scale": 1}})
    path = folder / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 5000


def sign_in(driver: Any, base: str, phone: str) -> None:
    """Fill the sign-in form and submit it."""
    driver.find_element(By.ID, "phone").send_keys(phone)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    click(driver, By.ID, "signin")


def click(driver: Any, by: str, value: str) -> None:
    """Click a link or button and wait until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    for attempt in range(3):
        try:
            driver.find_element(by, value).click()
            break
        except WebDriverException as error:
            # Chromium under load can still be swapping in the last page's document: find the element again.
            if attempt == 2 or not isinstance(error, StaleElementReferenceException) and (
                    "does not belong to the document" not in str(error)):
                raise
            page = driver.find_element(By.TAG_NAME, "html")
    WebDriverWait(driver, 40).until(lambda d: replaced(page))
    WebDriverWait(driver, 40).until(lambda d: d.execute_script("return document.readyState") == "complete")


def replaced(page: Any) -> bool:
    """Return True once `page` (the old <html>) is gone; Chromium may say so as "does not belong to the document"."""
    try:
        return staleness_of(page)(None)
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def text(driver: Any, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def csp_violations(driver: Any) -> list[str]:
    """Return the console messages about the Content-Security-Policy (there must be none)."""
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def test_an_officer_works_a_case_from_sign_in_to_sign_out(browser, server, province, screenshots):
    driver = browser
    driver.delete_all_cookies()
    driver.get(server + "/dashboard/stats")
    assert driver.current_url.startswith(server + "/dashboard/login?next=")
    photograph(driver, screenshots, "login")
    sign_in(driver, server, DESK)
    assert driver.current_url == server + "/dashboard/stats", driver.page_source
    closed_before = text(driver, "share-closed")
    status_chart_before = driver.find_element(By.CSS_SELECTOR, "#status svg").get_attribute("innerHTML")

    driver.get(server + "/dashboard/")
    assert "Maria Bere" in driver.page_source
    photograph(driver, screenshots, "home")

    click(driver, By.LINK_TEXT, "Kasus")
    Select(driver.find_element(By.ID, "f-kabupaten")).select_by_visible_text("Belu")
    Select(driver.find_element(By.ID, "f-category")).select_by_value("unpaid_wages")
    click(driver, By.ID, "filter")
    assert "kabupaten=Belu" in driver.current_url and "category=unpaid_wages" in driver.current_url
    table = text(driver, "cases")
    assert province.refs["wages"] in table and province.refs["tts"] not in table and province.refs["fees"] not in table
    driver.get(server + "/dashboard/cases")
    photograph(driver, screenshots, "cases")
    driver.get(server + "/dashboard/cases?kabupaten=Belu&category=unpaid_wages")

    click(driver, By.LINK_TEXT, province.refs["wages"])
    assert "Gaji saya tidak dibayar 5 bulan di Malaysia" in text(driver, "report-text")
    click(driver, By.ID, "take")
    assert "Kasus ini sekarang Anda yang tangani" in driver.page_source
    assert text(driver, "taken-by") == "Maria Bere"
    driver.find_element(By.ID, "text").send_keys("Sudah telepon keluarga di Silawan")
    click(driver, By.ID, "add-note")
    assert "Sudah telepon keluarga di Silawan" in text(driver, "timeline")
    Select(driver.find_element(By.ID, "outcome")).select_by_value("helped")
    driver.find_element(By.ID, "remark").send_keys("Gaji dibayar lewat BP3MI")
    click(driver, By.ID, "close-case")
    assert text(driver, "case-status") == "selesai"
    assert "Gaji dibayar lewat BP3MI" in text(driver, "timeline")
    photograph(driver, screenshots, "case")

    click(driver, By.LINK_TEXT, "Statistik")
    assert text(driver, "share-closed") != closed_before
    assert driver.find_element(By.CSS_SELECTOR, "#status svg").get_attribute("innerHTML") != status_chart_before
    photograph(driver, screenshots, "stats")
    for link, name, seen in (("Pantauan desa", "watch", "Silawan"), ("Daftar P3MI", "registry", "PT Duta Perkasa"),
                             ("Petugas", "officers", "Yohanes Taek")):
        click(driver, By.LINK_TEXT, link)
        assert seen in driver.page_source
        photograph(driver, screenshots, name)
    assert csp_violations(driver) == []

    click(driver, By.ID, "signout")
    assert driver.current_url == server + "/dashboard/login"
    driver.get(server + "/dashboard/cases")
    assert driver.current_url.startswith(server + "/dashboard/login")
    assert all((screenshots / f"{name}.png").exists() for name in MAIN_PAGES)


def test_a_male_officer_cannot_open_a_case_whose_reporter_asked_for_a_woman(browser, server, province):
    driver = browser
    driver.delete_all_cookies()
    driver.get(server + "/dashboard/login")
    sign_in(driver, server, BELU_MAN)
    driver.get(server + "/dashboard/cases")
    assert province.refs["wages"] in text(driver, "cases")
    assert province.refs["woman"] not in text(driver, "cases")
    driver.get(server + f"/dashboard/cases/{province.refs['woman']}")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Tidak ditemukan."
    assert "Anak perempuan saya" not in driver.page_source
    click(driver, By.ID, "signout")
