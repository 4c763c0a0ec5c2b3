"""`vth portaal` as a real server (uvicorn in its own process) on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import ROOT
from tests.pg import free_port

START_SECONDS = 60


def portal_env(folder: Path, **settings: str) -> dict[str, str]:
    """The environment of a portal on fresh folders; this checkout's code first."""
    env = os.environ.copy()
    env.update(
        PYTHONPATH=str(ROOT),
        VTH_PORTAAL_DIR=str(folder / "portaal"),
        VTH_RAW_DIR=str(folder / "raw"),
        **settings,
    )
    return env


def account(env: dict[str, str], code: str, *options: str) -> str:
    """`vth portaal account CODE [--beheer]`: the token it prints once (its last line)."""
    done = subprocess.run(
        [sys.executable, "-m", "vth_pipeline.cli", "portaal", "account", code, *options],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


@contextmanager
def serve(env: dict[str, str]) -> Iterator[str]:
    """Start `vth portaal --host 127.0.0.1 --port <free>`; yields its URL; stops it after."""
    port = free_port()
    log = open(Path(env["VTH_PORTAAL_DIR"]).parent / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "vth_pipeline.cli", "portaal", "--host", "127.0.0.1",
         "--port", str(port)],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert process.poll() is None, "het portaal stopte bij het starten (zie server.log)"
            try:
                if httpx.get(f"{url}/inloggen", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"het portaal startte niet in {START_SECONDS} s"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()
