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
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
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


# Tabs of the one browser, each drawing an image at a time: 34 images of a national year in
# 1.6 s with two, 2.4 s with one, no faster with three on two cores (December 2026).
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

        async def render_feed(self, feed: _Feed) -> None:
            await self.write_fig_from_object(feed.specs(), cancel_on_error=True)

    return Renderer


class _Feed:
    """Image specs handed from the caller's thread to one render on the browser's loop, which
    starts drawing each as it arrives; None ends the render."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[dict | None] = asyncio.Queue()

    def put(self, spec: dict | None) -> None:
        self.loop.call_soon_threadsafe(self.queue.put_nowait, spec)

    async def specs(self) -> AsyncIterator[dict]:
        while (spec := await self.queue.get()) is not None:
            yield spec


class _Render(NamedTuple):
    """A render on the browser's loop, fed while the charts are built (`ImageBatch`)."""

    server: _ImageServer
    feed: _Feed
    future: concurrent.futures.Future


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

    @property
    def ready(self) -> bool:
        """The browser has started (and did not fail to): drawing would begin at once."""
        started = self.opened
        return started.done() and not started.cancelled() and started.exception() is None

    def call(self, coroutine: Coroutine[Any, Any, T], seconds: float) -> T:
        """Run `coroutine` on the browser's loop; a BrowserHung after `seconds`."""
        return self.wait(self.submit(coroutine), seconds)

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start `coroutine` on the browser's loop without waiting for it (see `wait`)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def wait(self, future: concurrent.futures.Future[T], seconds: float) -> T:
        """The result of a submitted coroutine; a BrowserHung after `seconds`."""
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
        "fig": chart.figure_dict,  # plain data: kaleido would convert the figure per image
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
    """PNG and SVG of every chart, in one render of the process's server; with a cache, only
    the images whose chart changed are drawn (`image_cache.py`). Returns the images and how
    many were drawn."""
    with ImageBatch(folder, cache, year) as batch:
        for chart in charts:
            batch.add(chart)
        return batch.finish()


class ImageBatch:
    """The static images of a year's charts, drawn while the caller builds the next chart.

    The browser is a process of its own: once it is up, each chart added is handed to one
    render on its loop and drawn at once, while this thread builds and writes the next charts
    (a national year: the 34 images take 1.6 s, building and writing the 17 charts 0.7 s).
    `finish` ends the render (or, when the browser was not up, makes one of them all) and waits
    for it within the bound of a render of them all; a render that hangs is drawn again on a
    fresh browser, once (`_render`). With a cache, only the images of changed charts are drawn
    (`image_cache.py`). Used as a context manager: a year that fails while its charts are built
    leaves no render waiting for more."""

    def __init__(self, folder: Path, cache: ImageCache | None = None, year: int | None = None):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.cache, self.year = folder, cache, year
        self.identity = renderer_identity(find_browser()) if cache is not None else None
        self.charts: list[Chart] = []
        self.todo: dict[str, list[tuple[Chart, dict, str | None]]] = {f: [] for f in FORMATS}
        self.used: list[str] = []
        self.waiting: list[dict] = []  # to draw, not yet handed to a render
        self.render: _Render | None = None

    def __enter__(self) -> ImageBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        """When `finish` never came, the render is ended, not waited for: it draws what it was
        handed (each image within kaleido's own 90 s) and stops. Not cancelled: kaleido turns
        a cancelled drawing into an error that nobody retrieves, logged when the process ends."""
        if self.render is not None:
            self.render.feed.put(None)
            self.render = None

    def add(self, chart: Chart) -> None:
        self.charts.append(chart)
        figure_json = chart.figure_json if self.identity else ""
        for fmt in FORMATS:
            spec = image_spec(chart, self.folder, fmt)
            key = (
                image_key(figure_json, WIDTH, chart.height, fmt, self.identity)
                if self.identity
                else None
            )
            name = (
                self.cache.fetch(key, fmt, spec["path"]) if self.cache is not None and key else None
            )
            if name:
                self.used.append(name)
            else:
                self.todo[fmt].append((chart, spec, key))
                self.waiting.append(spec)
        self._hand_over()

    def _hand_over(self) -> None:
        """Hand the waiting specs to the render, starting one when the browser is up."""
        if self.render is None and self.waiting and _server is not None and _server.ready:
            feed = _Feed(_server.loop)
            self.render = _Render(_server, feed, _server.submit(_server.renderer.render_feed(feed)))
        if self.render is not None:
            for spec in self.waiting:
                self.render.feed.put(spec)
            self.waiting = []

    def finish(self) -> tuple[list[Path], int]:
        """Wait for the images (bounded), make the SVGs canonical, keep the cache up to date.
        Returns the images and how many were drawn."""
        svg = [spec for _, spec, _ in self.todo["svg"]]
        png = [spec for _, spec, _ in self.todo["png"]]
        if svg or png:
            self._draw(svg, png)
        for chart, spec, _ in self.todo["svg"]:
            path = spec["path"]
            path.write_text(
                canonical_svg(path.read_text(encoding="utf-8"), chart.name), encoding="utf-8"
            )
        if self.cache is not None and self.identity:
            for fmt in FORMATS:
                self.used += [
                    self.cache.store(key, fmt, spec["path"])
                    for _, spec, key in self.todo[fmt]
                    if key
                ]
            if self.year is not None:
                self.cache.keep_only_used(self.year, self.used)
        paths = [self.folder / f"{c.name}.{fmt}" for fmt in FORMATS for c in self.charts]
        return paths, len(svg) + len(png)

    def _draw(self, svg: list[dict], png: list[dict]) -> None:
        if self.render is None:  # the browser was not up while the charts were added
            _render(svg, png)
            return
        server, feed, future = self.render
        self.render = None
        if server is not _server:  # stopped meanwhile: that render is gone with its browser
            future.cancel()
            _render(svg, png)
            return
        feed.put(None)  # every spec went to the render as its chart was added
        try:
            server.wait(future, START_SECONDS + IMAGE_SECONDS * (len(svg) + len(png)))
        except BrowserHung:
            stop_image_server()  # a hung browser is not reused; one more render, on a fresh one
            _render(svg, png, attempts=(2,))
        except BaseException:
            stop_image_server()  # a browser in an unknown state is not reused
            raise


def _render(svg: list[dict], png: list[dict], attempts: tuple[int, ...] = (1, 2)) -> None:
    """Draw the images; a browser that hangs is stopped and started once more, then the step
    fails with a Dutch message (every wait bounded). `attempts` says which of the two are
    left (a render handed over while the charts were built was the first)."""
    seconds = START_SECONDS + IMAGE_SECONDS * (len(svg) + len(png))
    for attempt in attempts:
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
