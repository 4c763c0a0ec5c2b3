"""Shared fixtures: real DuckDB files and real Dagster runs, in temporary folders."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from vth_pipeline.definitions import STAGES
from vth_pipeline.resources import VthSettings
from vth_pipeline.runner import Runner

ROOT = Path(__file__).resolve().parents[1]
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
            raw_dir=str(raw),
            out_dir=str(built.out),
            archive_dir=str(tmp / "archief"),
            reference_dir=str(ROOT / "data" / "reference"),
            assets_dir=str(ROOT / "assets"),
            **settings,
        ),
        DuckDBResource(database=str(built.warehouse)),
    )
    for result in runner.build(years, stages):
        assert result.success, (result.job, result.year, result.error)
    return built


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
