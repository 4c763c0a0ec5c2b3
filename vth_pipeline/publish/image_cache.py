"""Static images kept between builds, reused when what they are drawn from has not changed.

Drawing a year's 34 images is most of the time of its publication. A re-delivery rebuilds the
later years' publications as well (their series changed), but most of their charts did not,
and a re-run of an unchanged year changes none. An image is a pure function of the chart's
plotly JSON, its size and format, and the renderer (this package's image code, kaleido,
plotly.js, the browser's version): that is the key. Reuse therefore gives the bytes a fresh
drawing would give (images are deterministic: tests/test_image_cache.py compares reused images
with a fresh drawing, tests/test_publication.py the build's with stock kaleido's). Not in the
key: the machine's fonts (Chromium draws text with them); after changing fonts, delete the
cache, or the images stay as published before.

The cache is `<out>/.cache/figuren/`: a file per image named `<key>.<sha256 of its
bytes>.<format>`, so that a changed file is noticed (and drawn again) rather than published;
and per year the list of files its last publication used. Files no year uses are removed, so
the cache holds about one publication's images per year.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
from importlib.metadata import version
from pathlib import Path

CACHE = Path(".cache") / "figuren"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def renderer_identity(browser: str) -> str | None:
    """What, besides the chart, decides an image's bytes; None (no reuse) when the browser
    does not say its version."""
    try:
        done = subprocess.run(
            [browser, "--version"], capture_output=True, text=True, timeout=60, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    browser_version = done.stdout.strip()
    if not browser_version:
        return None
    code = Path(__file__).with_name("images.py").read_bytes()
    packages = {p: version(p) for p in ("kaleido", "plotly", "choreographer")}
    return sha256(json.dumps([browser_version, packages, sha256(code)]).encode())


def image_key(figure_json: str, width: int, height: int, fmt: str, identity: str) -> str:
    """The key of one image: the chart's plotly JSON (as `Figure.to_json` writes it), its size
    and format, and the renderer."""
    parts = {"figure": figure_json, "size": [width, height], "format": fmt, "renderer": identity}
    return sha256(json.dumps(parts, sort_keys=True).encode())


class ImageCache:
    """The images of earlier publications under `<out>/.cache/figuren`."""

    def __init__(self, out: Path) -> None:
        self.folder = out / CACHE

    def fetch(self, key: str, fmt: str, dest: Path) -> str | None:
        """Copy the image of `key` to `dest` and return its name in the cache; None when there
        is none whose bytes still match the hash in its name."""
        for path in sorted(self.folder.glob(f"{key}.*.{fmt}")):
            data = path.read_bytes()
            if path.name == f"{key}.{sha256(data)}.{fmt}":
                dest.write_bytes(data)
                return path.name
        return None

    def store(self, key: str, fmt: str, source: Path) -> str:
        """Keep a drawn image; returns its name in the cache."""
        self.folder.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        name = f"{key}.{sha256(data)}.{fmt}"
        target = self.folder / name
        if not target.exists():
            tmp = target.with_name(name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return name

    def keep_only_used(self, year: int, used: list[str]) -> None:
        """Record the images `year` uses now and remove those no year uses any more."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{year}.json").write_text(json.dumps(sorted(used), indent=0))
        needed: set[str] = set()
        for index in self.folder.glob("*.json"):
            try:
                needed |= set(json.loads(index.read_text()))
            except (OSError, ValueError):
                continue  # an unreadable list keeps nothing alive; its year draws again
        for path in self.folder.iterdir():
            if path.suffix != ".json" and path.name not in needed:
                path.unlink(missing_ok=True)
