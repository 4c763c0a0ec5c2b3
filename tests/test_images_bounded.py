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


def test_a_browser_that_never_starts_fails_within_its_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "START_SECONDS", 2.0)
    images.stop_image_server()
    t0 = time.monotonic()
    with pytest.raises(images.BrowserStartError) as e:
        images.ensure_image_server(fake_browser(tmp_path))
    assert time.monotonic() - t0 < 15
    assert "startte niet" in str(e.value)
    assert images._server is None  # not reused


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
