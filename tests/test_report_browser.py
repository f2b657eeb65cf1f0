"""The HTML report in a real browser: headless Chromium opens every page from a local HTTP server on
loopback, and finds no console error, every image loaded, the navigation, code folded away, verdicts
as coloured labels, (on the overview) the claims table, and the Sources and verdicts pages. A
screenshot of each page goes to build/screenshots/.

Without Chromium these tests are skipped, with the reason and the install line in pytest's summary,
unless CI or CHIPLEDGER_BROWSER=1 is set: then a missing browser is a failure (.ci/run installs it)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading

import pytest
from conftest import REPO

from chipledger import report

NOTEBOOK_PAGES = ["index"] + sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PAGES = NOTEBOOK_PAGES + ["sources", "verdicts"]
INSTALL = ("Chromium and its driver are needed for the browser tests and were not found. On Debian or Ubuntu: "
           "sudo apt-get install chromium chromium-driver (CI's .ci/run installs them; set CHIPLEDGER_BROWSER=1 "
           "to make their absence a failure).")


def browser_required() -> bool:
    """In CI, or when asked, the browser tests must run."""
    return bool(os.environ.get("CI")) or os.environ.get("CHIPLEDGER_BROWSER") == "1"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The report built from the committed notebooks, served on 127.0.0.1."""
    out = tmp_path_factory.mktemp("report")
    report.build_html(sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")), out)
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        if browser_required():
            pytest.fail(INSTALL)
        pytest.skip(INSTALL)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,2000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    yield driver
    driver.quit()


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_with_every_image_and_no_console_error(site, browser, page):
    browser.get(f"{site}/{page}.html")
    assert browser.execute_script("return document.readyState") == "complete"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.src.slice(0, 22)])")
    assert len(images) >= (3 if page in NOTEBOOK_PAGES else 0)
    assert all(complete and width > 0 and src.startswith("data:image/png") for complete, width, src in images)
    external = browser.execute_script(
        "return Array.from(document.querySelectorAll('script[src], link[href], img[src]'))"
        ".map(e => e.src || e.href).filter(u => !u.startsWith('data:') && !u.startsWith(location.origin))")
    assert external == []  # nothing fetched from the network
    links = browser.execute_script("return Array.from(document.querySelectorAll('nav a')).map(a => a.href)")
    assert len(links) == len(PAGES) - 1
    screenshots = REPO / "build" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(screenshots / f"{page}.png"))


@pytest.mark.parametrize("page", ["index", "00_overview"])
def test_the_claims_table_is_there(site, browser, page):
    browser.get(f"{site}/{page}.html")
    found = browser.execute_script("""
        return Array.from(document.querySelectorAll('table')).some(t =>
            t.innerText.includes('verdict') && t.innerText.includes('openai-50b-deal')
            && t.innerText.includes('not verifiable with public numbers'))""")
    assert found


def test_every_link_between_pages_works(site, browser):
    browser.get(f"{site}/index.html")
    targets = browser.execute_script(
        "return Array.from(document.querySelectorAll('a')).map(a => a.href).filter(h => h.startsWith(location.origin))")
    pages = {t.split("#")[0] for t in targets}
    assert len(pages) >= len(PAGES) - 1
    for target in sorted(pages):
        browser.get(target)
        assert browser.title.endswith("chipledger"), target


def test_every_verdict_links_to_the_section_that_computes_it(site, browser):
    browser.get(f"{site}/index.html")
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll('a')).map(a => a.href).filter(h => h.includes('.html#'))")
    assert len(links) >= 16
    for link in sorted(set(links)):
        browser.get(link)
        anchor = link.split("#", 1)[1]
        assert browser.execute_script("return document.getElementById(arguments[0]) !== null", anchor), link


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_code_is_folded_away(site, browser, page):
    browser.get(f"{site}/{page}.html")
    folded = browser.execute_script("""
        const code = Array.from(document.querySelectorAll('details.code'));
        return [code.length, code.filter(d => d.open).length,
                Array.from(document.querySelectorAll('pre')).filter(p => !p.closest('details.code')
                    && p.closest('.input')).length,
                code.filter(d => d.querySelector('pre').checkVisibility()).length]""")
    count, open_, loose, visible = folded
    assert count >= 3 and open_ == 0 and loose == 0
    assert visible == 0  # a closed <details> shows only its summary


def test_verdicts_are_coloured_labels_with_their_grade(site, browser):
    browser.get(f"{site}/index.html")
    styles = browser.execute_script("""
        return Array.from(document.querySelectorAll('span.verdict')).map(s =>
            [s.innerText, getComputedStyle(s).backgroundColor])""")
    assert len(styles) >= 16
    colours = {text: colour for text, colour in styles}
    assert len(set(colours.values())) == len(colours) >= 3  # each verdict its own colour
    assert all(colour != "rgba(0, 0, 0, 0)" for colour in colours.values())
    assert browser.execute_script("return document.querySelectorAll('span.grade').length") >= 16


def test_the_sources_page_lists_every_source_with_a_clickable_original(site, browser):
    import chipledger

    browser.get(f"{site}/sources.html")
    rows = browser.execute_script("""
        return Array.from(document.querySelectorAll('table.sources tbody tr')).map(r =>
            [r.id, r.cells[2].querySelector('a') ? r.cells[2].querySelector('a').href : ''])""")
    sources = chipledger.load("sources").set_index("source_id")
    assert {row_id for row_id, _ in rows} == set(sources.index)
    for row_id, href in rows:
        assert href.rstrip("/") == str(sources.at[row_id, "url"]).rstrip("/"), row_id


def test_the_verdicts_page_states_the_rule(site, browser):
    browser.get(f"{site}/verdicts.html")
    text = browser.execute_script("return document.querySelector('main').innerText")
    for words in ("supported", "partly supported", "contradicted", "not verifiable", "Peak figures are ceilings",
                  "Grade"):
        assert words in text
