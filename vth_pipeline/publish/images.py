"""Static images of the charts (PNG and SVG), rendered by kaleido in a Chromium of the machine.

Static images are part of the publication (print, slides, documents), so a missing browser is
an error with a message that says what to do, not a silently thinner publication. One kaleido
browser renders every image of the process, for every year of a `vth build`: starting a
browser costs seconds (a browser per image, or per year, would pay them again); it is stopped
when the process exits. Nothing is fetched from the network: plotly.js comes from the plotly
package and MathJax is off. The browser runs on an event loop in a thread of its own (as
kaleido's sync server does), so that it can use our renderer (`_renderer_class`).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import functools
import os
import re
import shutil
import signal
import sys
import threading
import time
import traceback
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar
from xml.etree import ElementTree

from vth_pipeline import environment
from vth_pipeline.publish.charts import WIDTH, Chart
from vth_pipeline.publish.image_cache import ImageCache, image_key, renderer_identity

BROWSER_ENV = environment.BROWSER_PATH.name
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FORMATS = ("png", "svg")
PNG_SCALE = 2  # sharp enough for print and slides
T = TypeVar("T")


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


class BrowserHung(RuntimeError):
    """The browser did not answer within its bound (a stuck Chromium); Dutch message."""


# Every wait on the browser is bounded: a stuck Chromium must fail its step, not hold the one
# warehouse slot for ever (a build was seen waiting over 8 minutes). The start takes ~3 s, an
# image well under a second; the bounds leave room for a loaded machine (three starts at once
# beside busy processes took up to 10 s, December 2026). A start that does not answer within its
# bound is stuck, not slow, and the bound is what it costs before the fresh start: in one run of
# the test suite two tests that draw images each took ~100 s longer than alone, as a stuck start
# with the 90 s bound of before would. 30 s now.
START_SECONDS = float(
    environment.BROWSER_START_SECONDS.get() or environment.BROWSER_START_SECONDS.default
)
IMAGE_SECONDS = float(
    environment.BROWSER_IMAGE_SECONDS.get() or environment.BROWSER_IMAGE_SECONDS.default
)
CLOSE_SECONDS = 10.0


# Tabs of the one browser: an SVG renders in one tab while another reloads its page.
IMAGE_TABS = 2


@functools.cache
def _renderer_class() -> type:
    """kaleido's renderer, drawing every image on the tab's page as it is.

    kaleido reloads a tab (and so parses plotly.js again) after every image, half the time of
    an image. Here the page is reused: a PNG is the same raster on any page, and an SVG, whose
    attribute order depends on what the page drew before, is made canonical afterwards
    (`canonical_svg`), so its bytes do not depend on the order of drawing.
    """
    import kaleido

    class Renderer(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab) -> None:
            await self.tabs_ready.put(tab)  # no reload: the next image reuses the page

        async def render(self, svg: list[dict], png: list[dict]) -> None:
            await self.write_fig_from_object([*svg, *png], cancel_on_error=True)

    return Renderer


class _ImageServer:
    """One browser on an event loop of its own thread, for the synchronous assets. It starts
    in the background (`opened`), so the caller can build the year's charts meanwhile."""

    def __init__(self, path: str, start_seconds: float | None = None) -> None:
        self.path = path
        self.start_seconds = START_SECONDS if start_seconds is None else start_seconds
        self.tasks: list[asyncio.Task] = []  # the start, to be settled on close
        self.starting: Any = None  # the renderer being opened (its browser process, once started)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.opened = asyncio.run_coroutine_threadsafe(self._open(), self.loop)

    async def _open(self):
        self.tasks.append(asyncio.current_task())
        renderer = _renderer_class()(n=IMAGE_TABS, path=self.path, mathjax=False)
        self.starting = renderer
        await renderer.open()
        return renderer

    @property
    def renderer(self):
        """The open browser; waits for its start (bounded), raises what the start raised."""
        try:
            return self.opened.result(timeout=self.start_seconds)
        except concurrent.futures.TimeoutError as e:
            self.opened.cancel()
            raise BrowserStartError(f"geen antwoord binnen {self.start_seconds:.0f} s") from e

    def call(self, coroutine: Coroutine[Any, Any, T], seconds: float) -> T:
        """Run `coroutine` on the browser's loop; a BrowserHung after `seconds`."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout=seconds)
        except concurrent.futures.TimeoutError as e:
            future.cancel()
            raise BrowserHung(
                f"de browser {self.path} gaf binnen {seconds:.0f} s geen antwoord"
            ) from e

    def close(self) -> None:
        """Close the browser, each wait bounded: a hung one is left to die with the loop."""
        started = self.opened
        opened = started.done() and not started.cancelled() and started.exception() is None
        if opened:
            with contextlib.suppress(Exception):  # a browser that died is closed all the same
                self.call(started.result().close(), CLOSE_SECONDS)
        with contextlib.suppress(Exception):  # and nothing is left pending to be collected later
            self.call(_cancel_pending(self.tasks), CLOSE_SECONDS + 1)
        if not opened:
            self._kill_starting()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=CLOSE_SECONDS)
        if not self.thread.is_alive():
            self.loop.close()

    def _kill_starting(self) -> None:
        """A browser still starting (a build stopped by SIGTERM or Ctrl-C right after its
        start) cannot be closed through kaleido: its process group is killed (Chromium runs in
        a session of its own, so a signal to the build does not reach it) until it is gone, so
        that no Chromium outlives the build; then its profile folder is removed (kaleido's
        close would wait seconds for a browser that no longer answers)."""
        process = getattr(self.starting, "subprocess", None)
        if process is None:
            return
        deadline = time.monotonic() + CLOSE_SECONDS
        with contextlib.suppress(ProcessLookupError, PermissionError):
            while time.monotonic() < deadline:  # the group outlives its leader (the wrapper)
                os.killpg(process.pid, signal.SIGKILL)
                with contextlib.suppress(Exception):
                    process.wait(timeout=0.1)
        for arg in process.args if isinstance(process.args, list) else []:
            if str(arg).startswith("--user-data-dir="):  # its profile, in a temporary folder
                shutil.rmtree(str(arg).split("=", 1)[1], ignore_errors=True)


async def _cancel_pending(finished: list[asyncio.Task]) -> None:
    """Cancel what still runs on the loop (a start that never finished), and wait for it: a
    task destroyed while pending is finalised by the garbage collector at some later moment,
    which once broke an unrelated `ast.parse` (CPython 3.11: "AST constructor recursion depth
    mismatch")."""
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    tasks += [t for t in finished if t not in tasks]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=CLOSE_SECONDS)
    for task in tasks:  # an exception never retrieved is logged from the finaliser too
        if task.done() and not task.cancelled():
            task.exception()


_server: _ImageServer | None = None


def start_image_server(browser: str | None = None) -> str:
    """Start the process's image server in the background (restarted for another browser);
    `ensure_image_server` waits for it."""
    global _server

    path = browser or find_browser()
    if _server is not None and _server.path != path:
        stop_image_server()
    if _server is None:
        _server = _ImageServer(path)
        atexit.register(stop_image_server)
    return path


# A start that does not come up is killed and tried once more before the step fails: a
# Chromium that does not answer its start was seen twice under load (no cause found; the stacks
# of the threads are logged when it happens), and a fresh start then usually works.
START_ATTEMPTS = 2


def ensure_image_server(browser: str | None = None) -> str:
    """The process's image server, started on first use and ready on return."""
    for attempt in range(1, START_ATTEMPTS):
        with contextlib.suppress(BrowserStartError):
            return _start_once(browser, attempt)
    return _start_once(browser, START_ATTEMPTS)


def _start_once(browser: str | None, attempt: int) -> str:
    """The server ready, or BrowserStartError with the server stopped (not reused)."""
    path = start_image_server(browser)
    assert _server is not None
    try:
        _server.renderer  # noqa: B018 - waits for the start
    except Exception as e:  # whatever kaleido raises: the browser did not come up
        _log_failed_start(path, attempt, e)
        stop_image_server()
        raise BrowserStartError(
            f"de browser {path} startte niet (poging {attempt} van {START_ATTEMPTS}): {e}"
        ) from e
    return path


def _log_failed_start(path: str, attempt: int, error: Exception) -> None:
    """What every thread was doing when the start failed: the cause of a stuck start."""
    frames = sys._current_frames()
    stacks = "\n".join(
        f"thread {t.name}:\n" + "".join(traceback.format_stack(frames[t.ident]))
        for t in threading.enumerate()
        if t.ident in frames
    )
    # Dagster's logger: during a build the lines go to the run's event log, not the terminal
    from dagster import get_dagster_logger

    get_dagster_logger(__name__).warning(
        "browser %s did not start (attempt %d): %s\n%s", path, attempt, error, stacks
    )


def stop_image_server() -> None:
    """Stop the process's image server (e.g. after a failed render); restarted on next use."""
    global _server

    if _server is not None:
        server, _server = _server, None
        server.close()


# plotly.js gives each rendered plot a random id (`fullLayout._uid`) that it uses in the ids of
# clip paths and defs; replacing it by one derived from the chart's name makes SVGs repeatable.
_LAYOUT_UID = re.compile(r'id="defs-([0-9a-f]{6})"')


def stabilise_svg(svg: str, name: str) -> str:
    """The SVG with plotly's random layout id replaced, so the same chart gives the same bytes."""
    found = _LAYOUT_UID.search(svg)
    if not found:
        return svg
    return svg.replace(found.group(1), re.sub(r"[^a-z0-9]", "", name.lower()))


def canonical_svg(svg: str, name: str) -> str:
    """The SVG in Canonical XML 2.0 (attributes sorted, empty elements written out, unused
    namespace declarations dropped), its layout id stabilised: the same chart gives the same
    bytes whatever the page drew before it. The standard library's C14N 2.0, a real XML
    serialiser, not string surgery."""
    return ElementTree.canonicalize(stabilise_svg(svg, name))


def image_spec(chart: Chart, folder: Path, fmt: str) -> dict:
    return {
        "fig": chart.figure,
        "path": folder / f"{chart.name}.{fmt}",
        "opts": {
            "format": fmt,
            "width": WIDTH,
            "height": chart.height,
            "scale": PNG_SCALE if fmt == "png" else 1,
        },
    }


def write_static_images(
    charts: list[Chart], folder: Path, cache: ImageCache | None = None, year: int | None = None
) -> tuple[list[Path], int]:
    """PNG and SVG of every chart, in one call to the process's server; with a cache, only the
    images whose chart changed are drawn (`image_cache.py`). Returns the images and how many
    were drawn."""
    folder.mkdir(parents=True, exist_ok=True)
    identity = renderer_identity(find_browser()) if cache is not None else None
    todo: dict[str, list[tuple[Chart, dict, str | None]]] = {fmt: [] for fmt in FORMATS}
    used: list[str] = []
    for chart in charts:
        figure_json = chart.figure.to_json() if identity else ""
        for fmt in FORMATS:
            spec = image_spec(chart, folder, fmt)
            key = image_key(figure_json, WIDTH, chart.height, fmt, identity) if identity else None
            name = cache.fetch(key, fmt, spec["path"]) if cache is not None and key else None
            if name:
                used.append(name)
            else:
                todo[fmt].append((chart, spec, key))
    if todo["svg"] or todo["png"]:
        _render([spec for _, spec, _ in todo["svg"]], [spec for _, spec, _ in todo["png"]])
    for chart, spec, _ in todo["svg"]:
        svg = spec["path"]
        svg.write_text(canonical_svg(svg.read_text(encoding="utf-8"), chart.name), encoding="utf-8")
    if cache is not None and identity:
        for fmt in FORMATS:
            used += [cache.store(key, fmt, spec["path"]) for _, spec, key in todo[fmt] if key]
        if year is not None:
            cache.keep_only_used(year, used)
    paths = [folder / f"{c.name}.{fmt}" for fmt in FORMATS for c in charts]
    return paths, sum(len(items) for items in todo.values())


def _render(svg: list[dict], png: list[dict]) -> None:
    """Draw the images; a browser that hangs is stopped and started once more, then the step
    fails with a Dutch message (every wait bounded)."""
    seconds = START_SECONDS + IMAGE_SECONDS * (len(svg) + len(png))
    for attempt in (1, 2):
        ensure_image_server()
        assert _server is not None
        try:
            _server.call(_server.renderer.render(svg, png), seconds)
            return
        except BrowserHung as e:
            stop_image_server()  # a hung browser is not reused
            if attempt == 2:
                raise BrowserHung(
                    f"{e}, ook niet na een herstart, bij het tekenen van {len(svg) + len(png)} "
                    "statische figuren; controleer Chromium (BROWSER_PATH) op deze machine"
                ) from e
        except BaseException:
            stop_image_server()  # a browser in an unknown state is not reused
            raise
