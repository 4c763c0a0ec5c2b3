"""Every wait on the image browser is bounded: a stuck Chromium fails its step, never hangs."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from vth_pipeline.publish import images


def fake_browser(tmp_path: Path) -> str:
    """An executable that never answers as a browser (and goes away by itself)."""
    path = tmp_path / "stille-browser"
    path.write_text("#!/bin/sh\nexec sleep 20\n")
    path.chmod(0o755)
    return str(path)


def counted_servers(monkeypatch) -> list:
    """Every image server started from now on."""
    started: list = []
    real = images._ImageServer

    def counted(path: str, start_seconds: float | None = None):
        started.append(real(path, start_seconds))
        return started[-1]

    monkeypatch.setattr(images, "_ImageServer", counted)
    return started


def test_a_browser_that_never_starts_is_tried_twice_then_fails_within_its_bound(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(images, "START_SECONDS", 2.0)
    images.stop_image_server()
    started = counted_servers(monkeypatch)
    t0 = time.monotonic()
    with pytest.raises(images.BrowserStartError) as e:
        images.ensure_image_server(fake_browser(tmp_path))
    assert time.monotonic() - t0 < 30  # two starts of 2 s, each stuck browser killed
    assert len(started) == 2
    assert "startte niet (poging 2 van 2)" in str(e.value)
    assert images._server is None  # not reused


def test_a_start_that_does_not_answer_is_replaced_by_a_fresh_one(tmp_path, monkeypatch):
    """The first browser never answers; the second start (the machine's Chromium) does."""
    chromium = images.find_browser()
    # the bound of each start: the stuck one waits all of its 2 s; Chromium takes ~3 s (more with
    # the other test worker loading the machine: 5 s was once too short), the default bound
    images.stop_image_server()
    started = counted_servers(monkeypatch)
    starts = iter([(fake_browser(tmp_path), 2.0), (chromium, None)])
    monkeypatch.setattr(images, "start_image_server", lambda browser=None: _start(*next(starts)))
    try:
        assert images.ensure_image_server() == chromium
        assert [s.path for s in started] == [str(tmp_path / "stille-browser"), chromium]
        assert images._server is started[1]
    finally:
        images.stop_image_server()


def _start(path: str, start_seconds: float | None) -> str:
    images._server = images._ImageServer(path, start_seconds)
    return path


def test_a_call_that_never_returns_is_cut_off(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "START_SECONDS", 2.0)
    server = images._ImageServer(fake_browser(tmp_path))
    try:
        t0 = time.monotonic()
        with pytest.raises(images.BrowserHung) as e:
            server.call(asyncio.sleep(3600), 0.5)
        assert time.monotonic() - t0 < 5
        assert "binnen 0 s geen antwoord" in str(e.value) or "binnen 1 s" in str(e.value)
    finally:
        t0 = time.monotonic()
        server.close()
        assert time.monotonic() - t0 < 3 * images.CLOSE_SECONDS


def test_a_render_that_hangs_is_retried_once_then_fails_in_dutch(monkeypatch):
    """Two hung renders (each stopped by its bound): the step fails with one Dutch reason."""
    started = []

    class Hanging:
        path = "fake"

        @property
        def renderer(self):
            return self

        async def render(self, svg, png):
            await asyncio.sleep(3600)

        def call(self, coroutine, seconds):
            coroutine.close()
            raise images.BrowserHung(f"de browser fake gaf binnen {seconds:.0f} s geen antwoord")

    def ensure(browser=None):
        started.append(1)
        images._server = Hanging()
        return "fake"

    monkeypatch.setattr(images, "ensure_image_server", ensure)
    monkeypatch.setattr(images, "stop_image_server", lambda: setattr(images, "_server", None))
    with pytest.raises(images.BrowserHung) as e:
        images._render([{"x": 1}], [])
    assert len(started) == 2  # started once more after the first hang
    assert "ook niet na een herstart" in str(e.value)
    assert images._server is None


def test_a_render_handed_over_while_the_charts_were_built_that_hangs_is_tried_once_more(
    tmp_path, monkeypatch
):
    """The render that drew the images while the charts were built was the first of the two
    tries: after its hang, one render on a fresh browser, then the step fails in Dutch."""
    import concurrent.futures

    import plotly.graph_objects as go

    from vth_pipeline.publish.charts.common import Chart

    loop = asyncio.new_event_loop()  # never run: nothing the fake hands over is drawn

    class Hanging:
        path = "fake"
        ready = True

        def __init__(self) -> None:
            self.loop = loop

        @property
        def renderer(self):
            return self

        async def render(self, svg, png):
            await asyncio.sleep(3600)

        async def render_feed(self, feed):
            await asyncio.sleep(3600)

        def submit(self, coroutine):
            coroutine.close()
            return concurrent.futures.Future()  # never done

        def wait(self, future, seconds):
            raise images.BrowserHung(f"de browser fake gaf binnen {seconds:.0f} s geen antwoord")

        def call(self, coroutine, seconds):
            return self.wait(self.submit(coroutine), seconds)

    fresh = []

    def ensure(browser=None):
        fresh.append(1)
        images._server = Hanging()
        return "fake"

    monkeypatch.setattr(images, "_server", Hanging())
    monkeypatch.setattr(images, "ensure_image_server", ensure)
    monkeypatch.setattr(images, "stop_image_server", lambda: setattr(images, "_server", None))
    figure = go.Figure(go.Bar(x=["ODH"], y=[1]))
    try:
        with pytest.raises(images.BrowserHung) as e, images.ImageBatch(tmp_path) as batch:
            batch.add(Chart("a", "a", "staafdiagram", "Bron: test", figure))
            assert batch.render is not None  # handed over: the browser was up
            batch.finish()
    finally:
        loop.close()
    assert len(fresh) == 1  # one fresh browser: two tries in all, as without handing over
    assert "ook niet na een herstart" in str(e.value)
    assert images._server is None


def test_a_failed_start_and_a_migration_reach_the_run_event_log_under_vth_builds_logging(
    monkeypatch, capfd
):
    """Under the CLI's quiet logging (Dagster off the terminal) the package's warnings during a
    run still reach the run's event log: the stacks of a browser that did not start, and a
    table that got a column while other years kept their rows. They were dropped before (the
    level of `dagster.builtin` was CRITICAL)."""
    import logging

    import duckdb
    from dagster import DagsterInstance, asset, materialize

    from vth_pipeline.cli import _quiet_dagster
    from vth_pipeline.runner import QUIET
    from vth_pipeline.warehouse import replace_partition

    for name in ("dagster", "dagster.builtin", "alembic"):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.getLogger(name).level)
    _quiet_dagster()

    @asset
    def stap() -> None:
        images._log_failed_start("/usr/bin/stille-browser", 1, TimeoutError("geen antwoord"))
        with duckdb.connect() as conn:
            conn.execute("CREATE SCHEMA s")
            replace_partition(conn, "s.t", "SELECT $jaar AS jaar, 1 AS a", 2022)
            replace_partition(conn, "s.t", "SELECT $jaar AS jaar, 1 AS a, 2 AS b", 2023)

    instance = DagsterInstance.ephemeral()
    result = materialize([stap], instance=instance, run_config=QUIET)
    assert result.success
    logged = [e.user_message for e in instance.all_logs(result.run_id)]
    start = [m for m in logged if "did not start (attempt 1)" in m]
    assert len(start) == 1 and "thread MainThread" in start[0], logged
    assert any("kolom(men) b toegevoegd" in m and "2022" in m for m in logged), logged
    terminal = capfd.readouterr()
    assert "did not start" not in terminal.out + terminal.err
