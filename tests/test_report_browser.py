"""Each generated report opened in headless Chromium, as a reader would open it (file://, offline).

Chromium is driven over the DevTools protocol with `choreographer` (kaleido's own browser
driver), using the same browser as the static images (`BROWSER_PATH`, else chromium on PATH).
Per page: no console errors or exceptions, every chart rendered (a non-empty SVG), every link
and image resolving to a file of the publication, basic accessibility (language, alt texts,
table captions and header scopes, text contrast), delivered markup inert, and the print view
(A4) showing the static images instead of the interactive charts. A screenshot and the PDF of
each page are kept under test-artifacts/.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.conftest import ROOT
from tests.publication_data import HOSTILE_INSPECTION_ID, published

ARTIFACTS = ROOT / "test-artifacts"
YEARS = (2021, 2022, 2023)

# Resolves once every plotly div has drawn its SVG (or after 20 s, to report what is missing).
WAIT_FOR_PLOTS = """
new Promise((resolve) => {
  const started = Date.now();
  const check = () => {
    const divs = Array.from(document.querySelectorAll('.plotly-graph-div'));
    if (divs.every(d => d.querySelector('svg.main-svg')) || Date.now() - started > 20000) {
      resolve(divs.map(d => ({
        id: d.id,
        svg: d.querySelectorAll('svg.main-svg').length,
        marks: d.querySelectorAll('g.trace, g.hm, .heatmaplayer image').length,
      })));
    } else { setTimeout(check, 50); }
  };
  check();
})
"""

# Links, images, ids and accessibility findings of the page as rendered.
COLLECT = """
(() => {
  const lum = (c) => {
    const [r, g, b] = c.map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const rgba = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgba(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const lowContrast = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg, .plotly-graph-div, script, style')) continue;
    if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const st = getComputedStyle(el);
    if (st.display === 'none' || st.visibility === 'hidden') continue;
    const a = lum(rgba(st.color).slice(0, 3)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) lowContrast.push([el.tagName, el.textContent.trim().slice(0, 40), ratio]);
  }
  return {
    lang: document.documentElement.lang,
    title: document.title,
    links: Array.from(document.querySelectorAll('a[href]'))
      .map(a => [a.getAttribute('href'), a.href]),
    images: Array.from(document.querySelectorAll('img'))
      .map(i => [i.getAttribute('src'), i.src, i.alt]),
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
    tablesWithoutCaption: Array.from(document.querySelectorAll('table'))
      .filter(t => !t.caption).length,
    headersWithoutScope: document.querySelectorAll('th:not([scope])').length,
    tables: document.querySelectorAll('table').length,
    lowContrast,
    injected: document.querySelectorAll('img[src="x"]').length + Array.from(document.scripts)
      .filter(s => ['alert("x")', 'alert(1)'].some(t => s.textContent.includes(t))).length,
    text: document.body.innerText,
    // short codes (ERROR, WARN) are never broken over two lines
    brokenCodes: Array.from(document.querySelectorAll('td.code')).filter(td => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size > 1;
    }).map(td => td.textContent),
    codes: document.querySelectorAll('td.code').length,
  };
})()
"""

# In print: the interactive charts hidden, the static images shown and loaded.
PRINT_VIEW = """
new Promise((resolve) => {
  const imgs = Array.from(document.querySelectorAll('img.static'));
  const done = () => resolve({
    plotsShown: Array.from(document.querySelectorAll('.plotly-graph-div'))
      .filter(d => getComputedStyle(d).display !== 'none').length,
    images: imgs.length,
    imagesShown: imgs.filter(i => getComputedStyle(i).display !== 'none').length,
    imagesLoaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
  });
  Promise.all(imgs.map(i => i.decode().catch(() => null))).then(done);
})
"""


# The chart marks as drawn: bar fills, line strokes and marker fills (heatmaps excluded: their
# cells carry their values as text), and the titles of the toolbar buttons.
CHART_MARKS = """
(() => {
  const colours = new Set();
  for (const el of document.querySelectorAll(
      '.plotly-graph-div g.trace.bars path, .plotly-graph-div g.trace.scatter path.js-line, '
      + '.plotly-graph-div g.trace.scatter path.point')) {
    const st = getComputedStyle(el);
    if (el.classList.contains('js-line')) { colours.add(st.stroke); continue; }
    if (st.fill && st.fill !== 'none' && parseFloat(st.fillOpacity || '1') > 0) {
      colours.add(st.fill);
    } else if (st.stroke && st.stroke !== 'none') { colours.add(st.stroke); }
  }
  const filled = (id) => Array.from(
    document.querySelectorAll(`#${id} g.trace.scatter path.js-fill`)
  ).filter(f => (f.getAttribute('d') || '').length > 10).length;
  // value labels of bars: none overlaps another bar or another label (each stays by its own)
  const crossings = [];
  for (const d of document.querySelectorAll('.plotly-graph-div')) {
    const points = Array.from(d.querySelectorAll('g.trace.bars g.point')).map(pt => ({
      text: pt.querySelector('text'), bar: pt.querySelector('path'),
    })).filter(p => p.text && p.bar && p.text.textContent.trim()).map(p => ({
      label: p.text.textContent, t: p.text.getBoundingClientRect(),
      b: p.bar.getBoundingClientRect(),
    }));
    const overlap = (r, s) => r.left < s.right - 1 && s.left < r.right - 1
      && r.top < s.bottom - 1 && s.top < r.bottom - 1;
    points.forEach((p, i) => points.forEach((q, j) => {
      if (i !== j && (overlap(p.t, q.b) || (i < j && overlap(p.t, q.t)))) {
        crossings.push([d.id, p.label, q.label]);
      }
    }));
  }
  const ticks = (id) => Array.from(document.querySelectorAll(`#${id} .ytick text`))
    .map(t => t.textContent);
  const legend = (id) => Array.from(document.querySelectorAll(`#${id} g.legend text.legendtext`))
    .map(t => t.textContent);
  return {
    crossings,
    nalevingRows: ticks('plot-naleving_per_omgevingsdienst'),
    seveso: {fills: filled('plot-kaart_seveso'), legend: legend('plot-kaart_seveso')},
    mapFills: {
      provincies: filled('plot-kaart_naleving_provincies'),
      werkgebieden: filled('plot-kaart_naleving_eerste_controle_werkgebieden'),
    },
    colours: Array.from(colours),
    toolbar: Array.from(document.querySelectorAll('.modebar-btn'))
      .map(b => b.getAttribute('data-title')),
  };
})()
"""

# Each chart's layout as drawn (size, margins, ticks, annotations, panels), to compare before
# and after a visit to phone width: the wide layout must come back.
LAYOUT = """
new Promise((resolve) => setTimeout(() => resolve(
  Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => {
    const l = d._fullLayout;
    const axes = Object.keys(l).filter(k => /^[xy]axis\\d*$/.test(k)).sort()
      .map(k => [k, l[k].domain, l[k].tickmode, (l[k].ticktext || []).join('|')]);
    return [d.id, l.height, l.margin.l, l.margin.t, axes,
      (l.annotations || []).map(a => [a.x, a.y, a.text, a.font.size, a.visible]),
      d.data.map(t => t.name || '')];
  })), 1500))
"""

# Per chart on a phone: the narrowest plot area, for horizontal bar charts the widest bar (px),
# and how far the chart, its tick labels and its legend reach beyond the screen's edges.
BAR_WIDTHS = """
new Promise((resolve) => setTimeout(() => resolve({
  pageWidth: document.documentElement.scrollWidth,
  plots: Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => {
    const areas = Array.from(d.querySelectorAll('rect.nsewdrag'))
      .map(r => r.getBoundingClientRect().width);
    const bars = Array.from(d.querySelectorAll('g.trace.bars path'))
      .map(b => b.getBoundingClientRect().width);
    const horizontal = (d.data || []).some(t => t.type === 'bar' && t.orientation === 'h');
    const boxes = Array.from(d.querySelectorAll(
      '.main-svg, .ytick text, .xtick text, g.legend text, g.legend .legendpoints, '
      + 'g.trace.bars g.point text'))
      .map(e => e.getBoundingClientRect()).filter(r => r.width > 0);
    return {
      id: d.id, area: Math.min(...areas, 1e9), widest: Math.max(0, ...bars), horizontal,
      panels: areas.reduce((a, b) => a + b, 0),
      left: Math.min(...boxes.map(r => r.left)), right: Math.max(...boxes.map(r => r.right)),
    };
  }),
  // what is wider than the screen says that it scrolls sideways (a visible line above it)
  scrolling: Array.from(document.querySelectorAll('.table-scroll, figure .interactive'))
    .filter(b => b.scrollWidth > b.clientWidth + 1).map(b => {
      const hint = b.previousElementSibling;
      const shown = !!hint && hint.classList.contains('scroll-hint') && !hint.hidden
        && getComputedStyle(hint).display !== 'none';
      return [(b.querySelector('table') || b).id, shown, b.tabIndex];
    }),
}), 1500))
"""


def contrast(colour: str, background: tuple[int, int, int] = (255, 255, 255)) -> float:
    """WCAG contrast ratio of an `rgb(r, g, b)` colour against a background."""

    def lum(rgb) -> float:
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    rgb = [float(v) for v in re.findall(r"[\d.]+", colour)[:3]]
    a, b = lum(rgb), lum(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def pdf_page_sizes(pdf: bytes) -> set[tuple[int, int]]:
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    return {tuple(round(float(v)) for v in box) for box in boxes}


A4 = {(595, 842), (842, 595)}  # portrait, and landscape for wide tables


class Chromium:
    """One headless Chromium for the module, driven synchronously from the tests."""

    def __init__(self, path: str):
        import choreographer

        self.loop = asyncio.new_event_loop()
        self.browser = choreographer.Browser(path=path, headless=True)
        self.loop.run_until_complete(self.browser.open())

    def close(self) -> None:
        self.loop.run_until_complete(self.browser.close())
        self.loop.close()

    def inspect(self, page: Path, artifact: str) -> dict:
        return self.loop.run_until_complete(self._inspect(page, artifact))

    async def _eval(self, tab, expression: str):
        reply = await tab.send_command(
            "Runtime.evaluate",
            params={"expression": expression, "awaitPromise": True, "returnByValue": True},
        )
        result = reply["result"]
        assert "exceptionDetails" not in result, result
        return result["result"]["value"]

    async def _inspect(self, page: Path, artifact: str) -> dict:
        tab = await self.browser.create_tab("")
        problems: list = []

        async def console(event):
            p = event["params"]
            if p["type"] in ("error", "assert"):
                problems.append(
                    ("console", [a.get("value", a.get("description")) for a in p["args"]])
                )

        async def exception(event):
            problems.append(("exception", event["params"]["exceptionDetails"]))

        async def log(event):
            entry = event["params"]["entry"]
            if entry["level"] == "error":
                problems.append(("log", entry["text"], entry.get("url")))

        async def dialog(event):
            problems.append(("dialog", event["params"]["message"]))
            await tab.send_command("Page.handleJavaScriptDialog", params={"accept": True})

        tab.subscribe("Runtime.consoleAPICalled", console)
        tab.subscribe("Runtime.exceptionThrown", exception)
        tab.subscribe("Log.entryAdded", log)
        tab.subscribe("Page.javascriptDialogOpening", dialog)
        for domain in ("Page", "Runtime", "Log"):
            await tab.send_command(f"{domain}.enable")
        await tab.send_command(
            "Emulation.setDeviceMetricsOverride",
            params={"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
        loaded = tab.subscribe_once("Page.loadEventFired")
        await tab.send_command("Page.navigate", params={"url": page.as_uri()})
        await asyncio.wait_for(loaded, 60)
        plots = await self._eval(tab, WAIT_FOR_PLOTS)
        found = await self._eval(tab, COLLECT)
        height = await self._eval(tab, "document.documentElement.scrollHeight")
        shot = await tab.send_command(
            "Page.captureScreenshot",
            params={
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 0.5},
            },
        )
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"{artifact}.png").write_bytes(base64.b64decode(shot["result"]["data"]))
        marks = await self._eval(tab, CHART_MARKS)
        wide = await self._eval(tab, LAYOUT)
        # a phone (390 px wide): the charts keep their bars, the page its text
        await tab.send_command(
            "Emulation.setDeviceMetricsOverride",
            params={"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
        )
        phone = await self._eval(tab, BAR_WIDTHS)
        phone_marks = await self._eval(tab, CHART_MARKS)
        height = await self._eval(tab, "document.documentElement.scrollHeight")
        shot = await tab.send_command(
            "Page.captureScreenshot",
            params={
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": 390, "height": min(height, 6000), "scale": 1},
            },
        )
        (ARTIFACTS / f"{artifact}-telefoon.png").write_bytes(
            base64.b64decode(shot["result"]["data"])
        )
        await tab.send_command(
            "Emulation.setDeviceMetricsOverride",
            params={"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
        wide_again = await self._eval(tab, LAYOUT)
        await tab.send_command("Emulation.setEmulatedMedia", params={"media": "print"})
        printed = await self._eval(tab, PRINT_VIEW)
        # the first printed page as the reader gets it (A4 at 96 dpi), as an image
        await tab.send_command(
            "Emulation.setDeviceMetricsOverride",
            params={"width": 794, "height": 1123, "deviceScaleFactor": 1, "mobile": False},
        )
        shot = await tab.send_command(
            "Page.captureScreenshot",
            params={
                "format": "png",
                "clip": {"x": 0, "y": 0, "width": 794, "height": 1123, "scale": 1},
            },
        )
        (ARTIFACTS / f"{artifact}-afdruk-pagina-1.png").write_bytes(
            base64.b64decode(shot["result"]["data"])
        )
        pdf = await tab.send_command("Page.printToPDF", params={"preferCSSPageSize": True})
        pdf_bytes = base64.b64decode(pdf["result"]["data"])
        (ARTIFACTS / f"{artifact}.pdf").write_bytes(pdf_bytes)
        await asyncio.sleep(0.2)  # late console messages still count
        await tab.close()
        return found | {
            "marks": marks,
            "phone": phone,
            "phoneCrossings": phone_marks["crossings"],
            "wide": wide,
            "wideAgain": wide_again,
            "plots": plots,
            "problems": problems,
            "print": printed,
            "pdf": pdf_bytes,
        }


@pytest.fixture(scope="module")
def chromium():
    from vth_pipeline.publish.images import find_browser

    browser = Chromium(find_browser())
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def pub(tmp_path_factory):
    return published(tmp_path_factory)


def _check_targets(page: Path, found: dict) -> int:
    """Every link and image points into the publication (or to an id on the page)."""
    checked = 0
    for raw, resolved in found["links"] + [(s, r) for s, r, _ in found["images"]]:
        assert not raw.startswith(("http:", "https:", "//")), raw  # offline: nothing remote
        if raw.startswith("#"):
            assert raw[1:] in found["ids"], raw
        else:
            url = urlparse(resolved)
            assert url.scheme == "file", raw
            assert Path(unquote(url.path)).is_file(), f"{page}: {raw}"
        checked += 1
    return checked


def _check_accessibility(found: dict) -> None:
    assert found["lang"] == "nl"
    assert all(alt.strip() for _, _, alt in found["images"])  # alt text for every image
    assert found["tablesWithoutCaption"] == 0 and found["headersWithoutScope"] == 0
    assert not found["lowContrast"], found["lowContrast"][:5]


@pytest.mark.parametrize("year", YEARS)
def test_year_report_in_chromium(pub, chromium, year):
    _, built = pub
    page = built.out / str(year) / "index.html"
    charts = json.loads((page.parent / "figuren" / "figuren.json").read_text(encoding="utf-8"))
    found = chromium.inspect(page, f"staat-van-vth-{year}")

    assert found["problems"] == []  # no console errors, exceptions, failed loads or dialogs
    assert found["title"] == f"Staat van VTH {year}"
    # every chart drawn: one div per chart, each with an SVG that holds marks
    assert sorted(p["id"] for p in found["plots"]) == sorted(f"plot-{c['name']}" for c in charts)
    empty = [p["id"] for p in found["plots"] if not (p["svg"] and p["marks"])]
    assert not empty, empty
    # downloads and static images resolve: every table, the workbook and every figure file
    assert _check_targets(page, found) > 3 * len(charts) + 14
    targets = {raw for raw, _ in found["links"]}
    assert "tabellen/tabellen.xlsx" in targets and "tabellen/landelijk.parquet" in targets
    assert {
        f"figuren/{c['name']}.{ext}" for c in charts for ext in ("html", "png", "svg")
    } <= targets
    _check_accessibility(found)
    assert found["tables"] >= 14
    # delivered markup is shown as text, never run
    assert found["injected"] == 0
    if year == 2022:
        assert HOSTILE_INSPECTION_ID in found["text"]
    # print (A4): static images instead of the interactive charts, all loaded
    printed = found["print"]
    assert printed["plotsShown"] == 0
    assert printed["images"] == printed["imagesShown"] == printed["imagesLoaded"] == len(charts)
    assert found["pdf"].startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", found["pdf"])
    assert len(boxes) >= 8 and pdf_page_sizes(found["pdf"]) <= A4  # wide tables landscape
    # the maps are drawn: a filled path per provincie, and werkgebieden beside grey gemeenten
    assert found["marks"]["mapFills"]["provincies"] == 12
    assert found["marks"]["mapFills"]["werkgebieden"] >= 2
    assert "Bron: CBS, PDOK" in found["text"]
    # the toolbar of every chart speaks Dutch
    titles = set(found["marks"]["toolbar"])
    assert {"Inzoomen", "Uitzoomen", "Figuur downloaden als PNG"} <= titles, titles
    assert not titles & {"Zoom in", "Zoom out", "Download plot as a png", "Autoscale"}, titles
    # chart colours stand out from the white background (WCAG 1.4.11: at least 3:1)
    colours = found["marks"]["colours"]
    assert len(colours) >= 4
    low = [(c, round(contrast(c), 2)) for c in colours if contrast(c) < 3]
    assert not low, low
    # on a phone (390 px) the charts reflow: nothing reaches beyond the screen (no sideways
    # scrolling), every plot keeps room, every horizontal bar chart has bars one can read
    phone = found["phone"]
    assert phone["pageWidth"] <= 390, phone["pageWidth"]
    assert len(phone["plots"]) == len(charts)
    outside = [(p["id"], p["left"], p["right"]) for p in phone["plots"]]
    outside = [o for o in outside if o[1] < 0 or o[2] > 390]
    assert not outside, outside
    scrolling = phone["scrolling"]
    assert scrolling, "the wide tables scroll at 390 px"
    unhinted = [(i, tab) for i, shown, tab in scrolling if not shown or tab != 0]
    assert not unhinted, unhinted
    squeezed = [p["id"] for p in phone["plots"] if p["area"] < 90]  # per panel
    assert not squeezed, squeezed
    # lying bars get most of the width (their length is the value's share of the axis)
    thin = [p["id"] for p in phone["plots"] if p["horizontal"] and p["panels"] < 160]
    assert not thin, thin
    zero = [p["id"] for p in phone["plots"] if p["horizontal"] and p["widest"] < 1]
    assert not zero, zero
    # back on a wide screen every chart has its wide layout again
    assert found["wideAgain"] == found["wide"]
    # no value label overlaps another bar or label, on a screen or a phone; the national figure
    # is a bar of its own among the omgevingsdiensten (no line for labels to run across)
    assert found["marks"]["crossings"] == [], found["marks"]["crossings"]
    assert found["phoneCrossings"] == [], found["phoneCrossings"]
    assert "Landelijk" in found["marks"]["nalevingRows"]
    # the Seveso map: a coloured area and a legend entry per Seveso-omgevingsdienst in the
    # register, counted here from seveso_locaties.csv
    with open(page.parent / "tabellen" / "seveso_locaties.csv", encoding="utf-8") as f:
        diensten = {row["partner_code"] for row in csv.DictReader(f) if row["partner_code"]}
    seveso = found["marks"]["seveso"]
    assert seveso["fills"] == (len(diensten) + 1 if diensten else 0)  # + the grey rest
    assert len([t for t in seveso["legend"] if "inrichtingen in" in t]) == len(diensten)
    # the previous and next year, where built, are one click away (and resolve: see above)
    links = {raw for raw, _ in found["links"]}
    for other in (year - 1, year + 1):
        assert (f"../{other}/index.html" in links) == (other in YEARS), other


def test_overview_in_chromium(pub, chromium):
    _, built = pub
    page = built.out / "index.html"
    found = chromium.inspect(page, "staat-van-vth-overzicht")
    assert found["problems"] == []
    assert _check_targets(page, found) >= 2 * len(YEARS)
    assert {f"{y}/index.html" for y in YEARS} <= {raw for raw, _ in found["links"]}
    _check_accessibility(found)
    assert len(found["images"]) == 1  # the latest trend chart, as SVG
    for year in YEARS:  # every year's downloads
        assert f"{year}/tabellen/tabellen.xlsx" in {raw for raw, _ in found["links"]}
    assert pdf_page_sizes(found["pdf"]) == {(595, 842)}  # A4


def test_validation_page_in_chromium(pub, chromium):
    _, built = pub
    page = built.out / "2023" / "validatie.html"
    found = chromium.inspect(page, "validatie-2023")
    assert found["problems"] == []
    assert "index.html" in {raw for raw, _ in found["links"]}  # back to the report
    _check_targets(page, found)
    assert found["lang"] == "nl"
    assert found["codes"] > 10 and found["brokenCodes"] == [], found["brokenCodes"]
    # counts in Dutch notation: no number of four or more digits without a separator
    cells = re.findall(r'<td class="num">([^<]*)</td>', page.read_text(encoding="utf-8"))
    assert cells and not [c for c in cells if re.fullmatch(r"\d{4,}", c.strip())]
    assert pdf_page_sizes(found["pdf"]) <= A4 and (595, 842) in pdf_page_sizes(found["pdf"])
