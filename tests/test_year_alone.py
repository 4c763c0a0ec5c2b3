"""A year's files do not depend on which years a build was asked for (rekenregels v1.3).

`vth build --year 2023` on an empty warehouse, with 2021-2023 in the raw folder, must publish
the same bytes for 2023 as the build of every year: 2023 reads 2021 and 2022 (the Seveso
three-year window, the comparison with 2022, the series of the report).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.publication_data import published

YEAR = 2023


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a published year but the one that may differ (bouwlog.json)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "bouwlog.json"
    }


def test_one_year_built_alone_equals_the_full_build(tmp_path_factory, tmp_path):
    deliveries, full = published(tmp_path_factory)
    assert YEAR in deliveries.years and {YEAR - 1, YEAR - 2} <= set(deliveries.years)
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "VTH_REFERENCE_DIR": str(ROOT / "data" / "reference"),
        "VTH_ASSETS_DIR": str(ROOT / "assets"),
        "VTH_ARCHIVE_DIR": str(tmp_path / "archief"),
    }
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "vth_pipeline.cli", "build", "--raw-dir", str(full.raw), "--out",
         str(out), "--warehouse", str(tmp_path / "leeg.duckdb"), "--year", str(YEAR)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ze leest: {YEAR - 2}, {YEAR - 1}" in done.stdout
    # only the year asked for is published
    assert sorted(p.name for p in out.iterdir() if p.is_dir() and p.name.isdigit()) == [str(YEAR)]
    alone, whole = files_of(out / str(YEAR)), files_of(full.out / str(YEAR))
    assert sorted(alone) == sorted(whole)
    differ = [name for name in whole if alone[name] != whole[name]]
    assert differ == []
