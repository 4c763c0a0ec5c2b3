"""What the audit tests (test_audit, test_verify, test_verify_years) share: the sample year,
built once per test process (session fixtures, registered in conftest.py) and read by the
first two files, and `vth` run as the auditor runs it.

The expected values come from the files themselves (hashlib, the csv module), not from the
pipeline.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Built, build
from vth_pipeline.sample import generate_sample

YEAR = 2023
CHECKER = ("tools", "check_publication.py")  # in the shared folder


def pinned(package: str) -> str:
    """The version pyproject.toml pins (what the manifest must name as installed)."""
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [
        d.split("==")[1].split()[0] for d in deps["dependencies"] if d.startswith(package + "==")
    ]
    assert len(found) == 1, package
    return found[0]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vth(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vth_pipeline.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


def copy_publication(built, tmp: Path) -> tuple[Path, Path]:
    """A copy of the year folder and the archive, to spoil without touching the fixture."""
    folder = tmp / "out" / str(YEAR)
    shutil.copytree(built.out / str(YEAR), folder)
    store = tmp / "archief"
    shutil.copytree(built.warehouse.parent / "archief", store)
    return folder, store


def flip_one_byte(path: Path, at: int = -2) -> None:
    data = bytearray(path.read_bytes())
    data[at] = ord("7") if data[at] != ord("7") else ord("8")
    path.write_bytes(bytes(data))


# The auditor's notebook, run as the auditor runs it.
NOTEBOOK = ROOT / "notebooks" / "auditor.ipynb"


def run_notebook(monkeypatch, publication: Path, raw: Path, kernel_dir: Path = ROOT, **env):
    """Execute the notebook as an auditor would (nbclient, a real kernel), set by env vars."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("VTH_PUBLICATIE", str(publication))
    monkeypatch.setenv("VTH_RAW_DIR", str(raw))
    monkeypatch.setenv("VTH_REFERENTIE", str(ROOT / "data" / "reference"))
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(kernel_dir)}}
    ).execute()
    return "\n".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )


def rederived_tables(out: str) -> dict[str, int]:
    """`<tabel> <n> cijfer(s) nagerekend, <n> gelijk` lines of the notebook: table -> n."""
    return {
        t: int(n)
        for t, n, same in re.findall(
            r"^(\S+\.csv) +(\d+) cijfer\(s\) nagerekend, +(\d+)", out, re.M
        )
        if n == same
    }


@pytest.fixture(scope="session")
def audit_sample(tmp_path_factory) -> tuple[Path, Any]:
    """(raw folder, generation manifest): one sample year, generated once per test process."""
    raw = tmp_path_factory.mktemp("audit_raw")
    return raw, generate_sample(raw, years=(YEAR,), scale=0.02, seed=11)


@pytest.fixture(scope="session")
def audit_year(audit_sample, tmp_path_factory) -> Built:
    """The sample year built through the real graph, once per test process; read-only (a test
    that spoils it works on `copy_publication`)."""
    raw, _ = audit_sample
    return build(tmp_path_factory.mktemp("audit_a"), raw, [YEAR])
