"""Shared fixtures: real DuckDB files and real Dagster runs, in temporary folders."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import anyio
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from vth_pipeline.definitions import STAGES
from vth_pipeline.resources import VthSettings
from vth_pipeline.runner import Runner

ROOT = Path(__file__).resolve().parents[1]
# The team's shared folder beside the clone (the partners' checker, the spec, the bench floor);
# CI has it, a clone on its own may not. VTH_SHARED_DIR points elsewhere (or nowhere);
# VTH_REQUIRE_SHARED=1 (CI, .ci/run) makes a test that needs it fail when it is absent.


def shared_file(*parts: str) -> Path:
    return Path(os.environ.get("VTH_SHARED_DIR") or ROOT.parent / "shared").joinpath(*parts)


def needs_shared(*parts: str) -> pytest.MarkDecorator:
    """Skip the test (before its fixtures are built) when this file of the shared folder is
    absent, with the reason; it runs when present, and fails when absent in CI."""
    path = shared_file(*parts)
    missing = not path.is_file() and os.environ.get("VTH_REQUIRE_SHARED") != "1"
    return pytest.mark.skipif(
        missing, reason=f"{path} ontbreekt (de gedeelde map ../shared staat niet naast deze clone)"
    )


# anyio imports its file functions lazily, on first use: in the tests that is in the portal's
# worker thread, where pytest's assertion rewriting (anyio's pytest plugin marks anyio for it)
# parsed the module while another thread built an AST, and CPython 3.11 raised "AST
# constructor recursion depth mismatch" once. Imported here, in the main thread, first.
anyio.open_file  # noqa: B018

# Session fixtures of the audit sample year (tests/audit_support.py).
pytest_plugins = ["tests.audit_support"]

# Tests never write the developer's instance: `vth build` in a test records its runs in a
# throwaway DAGSTER_HOME with the project's instance settings; other runs are ephemeral.
TEST_DAGSTER_HOME = Path(tempfile.mkdtemp(prefix="vth-dagster-home-"))
shutil.copy(ROOT / ".dagster_home" / "dagster.yaml", TEST_DAGSTER_HOME / "dagster.yaml")
os.environ["DAGSTER_HOME"] = str(TEST_DAGSTER_HOME)
atexit.register(shutil.rmtree, TEST_DAGSTER_HOME, ignore_errors=True)


@dataclass
class Built:
    raw: Path
    out: Path
    warehouse: Path

    def sql(self, query: str, params=None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as conn:
            return conn.execute(query, params or []).fetchall()


def build(tmp: Path, raw: Path, years: Iterable[int], stages=STAGES, **settings) -> Built:
    """Materialise the real asset graph in-process for `years`, stage by stage."""
    built = Built(raw, tmp / "out", tmp / "vth.duckdb")
    runner = Runner(
        VthSettings(
            **{
                "raw_dir": str(raw),
                "out_dir": str(built.out),
                "archive_dir": str(tmp / "archief"),
                "reference_dir": str(ROOT / "data" / "reference"),
                "assets_dir": str(ROOT / "assets"),
            }
            | settings
        ),
        DuckDBResource(database=str(built.warehouse)),
    )
    for result in runner.build(years, stages):
        assert result.success, (result.job, result.year, result.error)
    return built


def reference_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse file with the schemas and the reference data loaded, for ingest tests."""
    from vth_pipeline.ingest.reference import REFERENCE_TABLES, load_reference
    from vth_pipeline.warehouse import prepare

    conn = prepare(duckdb.connect(str(path)))
    for name in REFERENCE_TABLES:
        load_reference(conn, ROOT / "data" / "reference", name)
    return conn


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return path


CONTROLES_HEADER = (
    "controle_id,bevoegd_gezag,inrichting_id,datum,soort_controle,aanleiding,taakveld,"
    "resultaat,lhs_gevolg,lhs_gedrag,interventie,seveso,uren"
)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    return tmp_path / "raw"


# pytest-xdist (`--dist loadfile`, pyproject.toml) runs a test file on one worker, so its module
# fixtures are built once. Files that read a build shared within a worker process are one unit
# of work together, so that build is made once, not once per worker. (`--dist loadgroup` with
# `xdist_group` marks would say this per file, but pytest-xdist 3.8.0 marks a group by
# rewriting `item._nodeid`, which pytest 9 no longer reads: the marks are silently ignored.)
SHARED_BUILDS: dict[str, tuple[str, ...]] = {
    # the publication of tests/publication_data.py (`published`)
    "publicatie": (
        "test_lineage",
        "test_opendata",
        "test_publication",
        "test_register",
        "test_release",
        "test_report_browser",
        "test_texts",
        "test_vergelijking",
        "test_word",
        "test_year_alone",
    ),
    # the sample year of tests/audit_support.py (`audit_year`)
    "audit": ("test_audit", "test_verify"),
}
UNIT_OF_FILE = {f"tests/{f}.py": unit for unit, files in SHARED_BUILDS.items() for f in files}
# Seconds each long unit took on two workers (the junit of a whole run, 7 December 2026; a
# test file is its own unit unless SHARED_BUILDS joins it to others). The units start longest
# first, so that no long unit starts last and runs on alone while the other worker has ended
# (xdist's own order is by number of tests: `test_verify_years`, 4 tests and the longest unit,
# started near the end and the run waited ~2 minutes on one core). A unit not listed starts
# after these; a stale number only costs time, never a test.
UNIT_SECONDS = {
    "tests/test_verify_years.py": 130,  # alone; 260 s when it ran last beside the other worker
    "publicatie": 183,
    "audit": 134,
    "tests/test_ingest_properties.py": 102,
    "tests/test_faults.py": 76,
    "tests/test_deployment.py": 66,
    "tests/test_operations.py": 64,
    "tests/test_portaal_soak.py": 49,
    "tests/test_superseding.py": 47,
    "tests/test_fault_postgres.py": 45,
    "tests/test_validation.py": 43,
    "tests/test_build_cli.py": 37,
    "tests/test_images_bounded.py": 36,
    "tests/test_pipeline.py": 33,
    "tests/test_blocking.py": 33,
    "tests/test_models.py": 28,
    "tests/test_automation.py": 27,
    "tests/test_definitions.py": 26,
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (pyproject.toml): one worker more than the cores. With one worker per core the
    cores were busy 127-141 % of 200 %: a worker also waits, on its tests' child processes as
    they start (the browser, PostgreSQL, `vth` on the command line, the deployed Dagster
    processes) and on the bounded waits that are a test's point; a third worker uses that time
    (docs/performance.md). PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set (xdist's rule)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's implementation reads it
    return len(os.sched_getaffinity(0)) + 1


@pytest.hookimpl(optionalhook=True)  # xdist's hook: no error when xdist is not loaded
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedBuildScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = super()._split_scope(nodeid)
            return UNIT_OF_FILE.get(file, file)

        def _assign_work_unit(self, node) -> None:
            # xdist fills the whole queue before it assigns the first unit: order it then
            if not getattr(self, "_longest_first", False):
                self._longest_first = True
                order = sorted(self.workqueue, key=lambda u: -UNIT_SECONDS.get(u, 0))
                for unit in order:  # stable: the rest keep xdist's order
                    self.workqueue.move_to_end(unit)
            super()._assign_work_unit(node)

    return SharedBuildScheduling(config, log)
