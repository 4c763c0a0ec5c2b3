"""Static images of the charts (PNG and SVG), rendered by kaleido in a Chromium of the machine.

Static images are part of the publication (print, slides, documents), so a missing browser is
an error with a message that says what to do, not a silently thinner publication. One kaleido
server (one browser) renders every image of the process, for every year of a `vth build`:
starting a browser costs seconds (a browser per image, or per year, would pay them again);
kaleido stops it when the process exits. Nothing is fetched from the network: plotly.js comes
from the plotly package and MathJax is off.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from vth_pipeline.publish.charts import WIDTH, Chart

BROWSER_ENV = "BROWSER_PATH"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FORMATS = ("png", "svg")
PNG_SCALE = 2  # sharp enough for print and slides


class BrowserNotFoundError(RuntimeError):
    """No Chromium to render the static images with."""


def _missing_browser(detail: str) -> BrowserNotFoundError:
    return BrowserNotFoundError(
        f"Geen Chromium voor de statische figuren (PNG/SVG): {detail}. Installeer Chromium "
        "(Debian: apt-get install -y chromium) of zet BROWSER_PATH op het pad ervan, bijvoorbeeld "
        f"BROWSER_PATH=/usr/bin/chromium. / No Chromium to render the static figures: {detail}. "
        "Install chromium or set BROWSER_PATH to its path."
    )


def find_browser() -> str:
    """The Chromium to use: `BROWSER_PATH` when set (and then it must exist), else one on PATH."""
    configured = os.environ.get(BROWSER_ENV)
    if configured:
        path = Path(configured)
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise _missing_browser(f"BROWSER_PATH={configured!r} is geen uitvoerbaar bestand")
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise _missing_browser(
        f"BROWSER_PATH is niet gezet en {', '.join(BROWSER_NAMES)} staat niet op PATH"
    )


class BrowserStartError(RuntimeError):
    """The browser for the static images did not start: transient, worth a retry."""


_server_browser: str | None = None


def ensure_image_server(browser: str | None = None) -> str:
    """The process's kaleido server, started on first use; restarted for another browser."""
    global _server_browser
    import kaleido

    path = browser or find_browser()
    if _server_browser != path:
        if _server_browser is not None:
            kaleido.stop_sync_server(silence_warnings=True)
            _server_browser = None
        try:
            kaleido.start_sync_server(path=path, mathjax=False, silence_warnings=True)
        except Exception as e:  # whatever kaleido raises: the browser did not come up
            raise BrowserStartError(f"de browser {path} startte niet: {e}") from e
        _server_browser = path
    return path


def stop_image_server() -> None:
    """Stop the process's kaleido server (e.g. after a failed render); restarted on next use."""
    global _server_browser
    import kaleido

    if _server_browser is not None:
        kaleido.stop_sync_server(silence_warnings=True)
        _server_browser = None


# plotly.js gives each rendered plot a random id (`fullLayout._uid`) that it uses in the ids of
# clip paths and defs; replacing it by one derived from the chart's name makes SVGs repeatable.
_LAYOUT_UID = re.compile(r'id="defs-([0-9a-f]{6})"')


def stabilise_svg(svg: str, name: str) -> str:
    """The SVG with plotly's random layout id replaced, so the same chart gives the same bytes."""
    found = _LAYOUT_UID.search(svg)
    if not found:
        return svg
    return svg.replace(found.group(1), re.sub(r"[^a-z0-9]", "", name.lower()))


def write_static_images(charts: list[Chart], folder: Path) -> list[Path]:
    """PNG and SVG of every chart, in one batch on the process's server."""
    import kaleido

    folder.mkdir(parents=True, exist_ok=True)
    specs = [
        {
            "fig": chart.figure,
            "path": folder / f"{chart.name}.{fmt}",
            "opts": {
                "format": fmt,
                "width": WIDTH,
                "height": chart.height,
                "scale": PNG_SCALE if fmt == "png" else 1,
            },
        }
        for chart in charts
        for fmt in FORMATS
    ]
    ensure_image_server()
    try:
        kaleido.write_fig_from_object_sync(specs, cancel_on_error=True)
    except BaseException:
        stop_image_server()  # a browser in an unknown state is not reused
        raise
    for chart in charts:
        svg = folder / f"{chart.name}.svg"
        svg.write_text(stabilise_svg(svg.read_text(encoding="utf-8"), chart.name), encoding="utf-8")
    return [spec["path"] for spec in specs]
