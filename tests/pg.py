"""A throwaway PostgreSQL cluster for the deployment test (Debian's postgresql binaries).

Hand-written rather than pytest-postgresql: that plugin runs initdb and pg_ctl as the current
user, and as root (CI, this machine) PostgreSQL refuses to start; its data folder under
pytest's root-only temporary folder is also unreadable to another user. Here the cluster runs
as `postgres` via runuser when we are root, in a folder of its own, on a free port, and is
stopped and removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    assert found, "PostgreSQL ontbreekt: draai scripts/install-postgres.sh (Debian 'postgresql')"
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@dataclass
class Server:
    """A running throwaway cluster: its URL, and a way to stop it mid-test (a fault test)."""

    url: str
    data: Path

    def stop(self) -> None:
        """Stop the server at once, as a crash or an operator would (fast shutdown)."""
        stop = [str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]
        subprocess.run(_as_postgres(stop), capture_output=True, timeout=60)


@contextmanager
def postgres_server() -> Iterator[Server]:
    """Start a cluster (user dagster, database postgres, trust on 127.0.0.1); stopped and
    removed afterwards. Its URL is spelt as Dagster documents `postgres_url` (postgresql://)."""
    bin_dir = pg_bin()
    base = Path(tempfile.mkdtemp(prefix="vth-pg-"))
    data, port = base / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    run = lambda *args: subprocess.run(  # noqa: E731
        _as_postgres([str(a) for a in args]), check=True, capture_output=True, timeout=60
    )
    try:
        run(bin_dir / "initdb", "-D", data, "-U", "dagster", "-A", "trust", "--no-sync")
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", base / "log", "-w", "-t", "30",
            "start")  # fmt: skip
        yield Server(f"postgresql://dagster@127.0.0.1:{port}/postgres", data)
    finally:
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a cluster; yields its URL."""
    with postgres_server() as server:
        yield server.url
