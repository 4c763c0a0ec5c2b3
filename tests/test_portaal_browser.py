"""The portal in a real browser: Debian's chromium driven by Playwright (never a browser of its
own) against `vth portaal` on a free loopback port. Log in with the keyboard, upload, read the
verdict table, download the XLSX, and the pages at 390 px; labels, focus and contrast checked
in the rendered page. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT
from tests.portaal_files import THREE_ROWS
from tests.portaal_server import account, portal_env, serve

CHROMIUM = Path(os.environ.get("BROWSER_PATH") or "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 30_000

# Per element with its own text: the contrast ratio (WCAG 2) of its colour on the first
# opaque background behind it; and every form control without a label.
AUDIT = """
() => {
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const rgba = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const bg = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgba(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c;
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.offsetParent === null) continue;
    const [a, b] = [lum(rgba(getComputedStyle(el).color)), lum(bg(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const text = el.textContent.trim().slice(0, 40);
    if (ratio < 4.5) low.push(el.tagName + ': ' + text + ' ' + ratio.toFixed(2));
  }
  const unlabeled = Array.from(document.querySelectorAll('input:not([type=hidden]), select'))
    .filter(c => !(c.labels && c.labels.length)).map(c => c.name);
  return {low, unlabeled, overflow: document.documentElement.scrollWidth - window.innerWidth};
}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} ontbreekt (Debian-pakket chromium)")
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("browser")
    env = portal_env(folder)
    tokens = {"RUDZ": account(env, "RUDZ"), "beheer": account(env, "beheer", "--beheer")}
    with serve(env) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield url, tokens, browser
        finally:
            browser.close()


def audit(page, name: str) -> None:
    found = page.evaluate(AUDIT)
    assert found["low"] == [], (name, found["low"])
    assert found["unlabeled"] == [], (name, found["unlabeled"])
    assert found["overflow"] <= 0, (name, "de pagina schuift zijwaarts", found["overflow"])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portaal-{name}.png"), full_page=True)


def focused(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; "
        "return (e.id || e.name || e.textContent.trim()) + '|' + "
        "getComputedStyle(e).outlineStyle; }"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_login_upload_and_verdict_by_keyboard(site, width):
    url, tokens, browser = site
    token = tokens["RUDZ"]
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{url}/inloggen")
        audit(page, f"inloggen-{width}")
        page.keyboard.press("Tab")
        assert focused(page).startswith("Naar de inhoud|")  # the skip link comes first
        page.keyboard.press("Tab")
        name, outline = focused(page).split("|")
        assert name == "token" and outline != "none"  # focus is visible
        page.keyboard.type(token)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{url}/leveringen")
        (cookie,) = [c for c in context.cookies() if c["name"] == "__Host-vth_sessie"]
        assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
        audit(page, f"leveringen-{width}")

        page.goto(f"{url}/leveren")
        audit(page, f"leveren-{width}")
        page.select_option("#jaar", "2023")
        page.select_option("#soort", "controles")
        page.set_input_files(
            "#bestand",
            files=[{"name": "april.csv", "mimeType": "text/csv", "buffer": THREE_ROWS.encode()}],
        )
        page.focus("#bestand")
        page.keyboard.press("Tab")
        name, outline = focused(page).split("|")
        assert name == "Controleren en leveren" and outline != "none"
        page.keyboard.press("Enter")  # the submit button, by keyboard
        page.wait_for_url(f"{url}/leveringen/*")
        assert page.inner_text(".oordeel").startswith("Geaccepteerd")
        rows = page.eval_on_selector_all(
            "table tbody tr", "rs => rs.map(r => Array.from(r.cells).map(c => c.innerText))"
        )
        assert [r[:3] for r in rows] == [["3", "datum", "2022-03-05"]]
        audit(page, f"oordeel-{width}")
        with page.expect_download() as download:
            page.click("text=Download het rapport (XLSX)")
        book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        finding = list(book["Bevindingen"].iter_rows(values_only=True))[1]
        assert finding[1:4] == (3, "datum", "2022-03-05")
        page.click("text=Uitloggen (RUDZ)")
        page.wait_for_url(f"{url}/inloggen")
        assert not [c for c in context.cookies() if c["name"] == "__Host-vth_sessie"]
        assert errors == []  # no script errors, no CSP violations
    finally:
        context.close()


def test_beheer_overview_at_390_px(site):
    url, tokens, browser = site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{url}/inloggen")
        page.fill("#token", tokens["beheer"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/beheer")
        page.select_option("#jaarkeuze", "2023")
        page.click("text=Toon")
        page.wait_for_url(f"{url}/beheer?jaar=2023")
        heads = page.eval_on_selector_all("tbody th", "hs => hs.map(h => h.firstChild.textContent)")
        assert len(heads) == 66 and "RUDZ" in heads  # every partner of partners.csv
        region = page.query_selector(".tabel")
        assert region.get_attribute("tabindex") == "0"  # the wide table scrolls by keyboard
        assert page.is_visible("text=De tabel schuift zijwaarts.")
        audit(page, "beheer-390")
    finally:
        context.close()
