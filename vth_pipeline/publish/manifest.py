"""`manifest.json` and `bouwlog.json` of a published year (rekenregels.md, output contract).

The manifest says what the publication was built from: the code (package version, git commit,
every dependency's version), every delivery file of the year, the reference files and the
expectation suites, and every other file of the year with its sha256. It holds no times and no
run ids, so two builds of the same inputs and code give the same bytes; those go to
`bouwlog.json`, the one file that may differ between builds. `vth verify` rebuilds a year from
the inputs a manifest names and compares the outputs with it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
from packaging.requirements import Requirement

from vth_pipeline import environment
from vth_pipeline.sql import load_sql
from vth_pipeline.validation.suites import DATASETS, expectations_dir
from vth_pipeline.warehouse import rows

MANIFEST = "manifest.json"
BOUWLOG = "bouwlog.json"
PACKAGE = "vth-pipeline"
UNKNOWN = "onbekend"
# The commit an image was built from (Dockerfile: build argument and environment variable of the
# same name): a deployed image has no .git to ask.
COMMIT_ENV = environment.COMMIT.name


def sha256_bytes(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _git(root: Path, *args: str) -> str | None:
    """Output of a local git command (never the network), or None outside a checkout."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_state(root: Path) -> tuple[str, bool | None]:
    """(commit, dirty) of the checkout at `root`. Outside a checkout (an installed image) the
    commit the image names in VTH_COMMIT, dirty unknown (None); else ('onbekend', None)."""
    commit = _git(root, "rev-parse", "HEAD")
    if not commit:
        baked = os.environ.get(COMMIT_ENV, "").strip().lower()
        return (baked if re.fullmatch(r"[0-9a-f]{7,40}", baked) else UNKNOWN), None
    status = _git(root, "status", "--porcelain")
    return commit.strip(), None if status is None else bool(status.strip())


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def dependencies(package: str = PACKAGE) -> dict[str, str]:
    """Name -> installed version of every distribution `package` needs, directly or not.

    Read from the installed metadata (importlib.metadata), extras not asked for left out.
    """
    found: dict[str, str] = {}
    todo = [package]
    while todo:
        name = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker and not req.marker.evaluate({"extra": ""}):
                continue
            key = _canonical(req.name)
            if key in found:
                continue
            try:
                found[key] = metadata.version(req.name)
            except metadata.PackageNotFoundError:
                continue
            todo.append(req.name)
    return dict(sorted(found.items()))


def package_version(package: str = PACKAGE) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return UNKNOWN


def code_info(root: Path) -> dict[str, Any]:
    """The code a year was built with: version, commit, dirty flag and dependencies."""
    commit, dirty = git_state(root)
    return {
        "versie": package_version(),
        "git_commit": commit,
        "git_dirty": dirty,
        "pakketten": dependencies(),
    }


def deliveries(conn: duckdb.DuckDBPyConnection, year: int) -> list[dict[str, Any]]:
    """Every delivery file of the year with status, reason and row counts (sorted by pad)."""
    return rows(conn, load_sql("manifest_leveringen"), {"jaar": year})


def references(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The reference files as they were loaded into schema `ref` (meta.referentie)."""
    return rows(conn, "SELECT pad, sha256 FROM meta.referentie ORDER BY pad", [])


def expectation_suites(conn: duckdb.DuckDBPyConnection, year: int) -> list[dict[str, Any]]:
    """Every expectation suite with its sha256 and the expectations passed and failed."""
    counts = {
        ds: (int(ok), int(bad))
        for ds, ok, bad in conn.execute(
            "SELECT dataset, count(*) FILTER (WHERE geslaagd), count(*) FILTER (WHERE NOT "
            "geslaagd) FROM staat.validatie_verwachtingen WHERE jaar = ? GROUP BY dataset",
            [year],
        ).fetchall()
    }
    folder = expectations_dir()
    out = []
    for ds in sorted(DATASETS):
        path = folder / f"{ds}.json"
        ok, bad = counts.get(ds, (0, 0))
        out.append(
            {
                "pad": f"expectations/{path.name}",
                "sha256": sha256_bytes(path) if path.is_file() else None,
                "geslaagd": ok,
                "mislukt": bad,
            }
        )
    return out


def output_files(folder: Path) -> list[dict[str, Any]]:
    """Every file of the year folder except the manifest and the build log, sorted by pad."""
    files = sorted(
        (p.relative_to(folder).as_posix(), p)
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() not in (MANIFEST, BOUWLOG)
    )
    return [{"pad": pad, "sha256": sha256_bytes(p), "bytes": p.stat().st_size} for pad, p in files]


def earlier_years(conn: duckdb.DuckDBPyConnection, year: int) -> list[int]:
    """Earlier years in the warehouse: figures over several years (the Seveso three-year share,
    previous-year values, the Seveso series) used them, so a rebuild needs them too."""
    rows = conn.execute(
        "SELECT DISTINCT jaar FROM meta.leveringen WHERE jaar < ? ORDER BY jaar", [year]
    ).fetchall()
    return [int(r[0]) for r in rows]


def build_manifest(
    conn: duckdb.DuckDBPyConnection,
    year: int,
    folder: Path,
    root: Path,
    neighbours: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The manifest of the year in `folder`. `neighbours` are the years the report links to
    (`vorig`, `volgend`): the only thing its files show that is not in the year's inputs, so it
    is recorded (`buren`) and `vth verify` rebuilds the report with the same links."""
    return {
        "jaar": year,
        "vorige_jaren": earlier_years(conn, year),
        "code": code_info(root),
        "leveringen": deliveries(conn, year),
        "referentie": references(conn),
        "verwachtingen": expectation_suites(conn, year),
        "uitvoer": output_files(folder),
        "buren": dict(neighbours or {}),
        # the deliveries of the earlier years, which the year read: `vth build --year Y` builds
        # them without a publication of their own, so no manifest beside this one names them
        "leveringen_vorige_jaren": [
            d for earlier in earlier_years(conn, year) for d in deliveries(conn, earlier)
        ],
    }


def dumps(document: Any) -> str:
    """Stable JSON text (key order as built, UTF-8, two spaces, final newline)."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_json(path: Path, document: Any) -> Path:
    path.write_text(dumps(document), encoding="utf-8")
    return path


def read_manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
