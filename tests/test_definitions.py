"""The code location as `dagster dev` loads it, and its equivalence with `vth build`."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import duckdb
from dagster import DagsterInstance

from tests.conftest import ROOT, write
from vth_pipeline.cli import main

STAAT = (
    "omgevingsdiensten",
    "landelijk",
    "provincies",
    "interventies",
    "lhso",
    "uitkomsten",
    "seveso",
    "datakwaliteit",
)


def test_workspace_loads_and_validates():
    env = {**os.environ, "DAGSTER_HOME": str(ROOT / ".dagster_home")}
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Validation successful" in done.stderr + done.stdout


def test_every_yearly_asset_is_partitioned_by_year_and_grouped_by_stage():
    from vth_pipeline.definitions import STAGES, defs

    graph = defs.resolve_asset_graph()
    groups = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        groups.setdefault(node.group_name, []).append(key.to_user_string())
        if node.group_name in STAGES:
            assert node.partitions_def is not None, key
            assert node.partitions_def.get_partition_keys()[:4] == ["2021", "2022", "2023", "2024"]
    assert set(groups) == {"reference", "overzicht", *STAGES}
    for name in groups["raw"] + groups["stg"]:
        assert name.split("_", 1)[1] in {
            "controles",
            "kengetallen",
            "uitkomsten",
            "seveso_inrichtingen",
            "seveso_inspecties",
        }


def test_a_partition_materialised_like_the_ui_equals_vth_build(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    header = (
        "controle_id,bevoegd_gezag,inrichting_id,datum,soort_controle,aanleiding,"
        "taakveld,resultaat,lhs_gevolg,lhs_gedrag,interventie,seveso,uren\n"
    )
    rows = "".join(
        f"C{i},GM0518,I{i % 7},2023-0{1 + i % 9}-1{i % 9},fysiek,programma,lucht,"
        + ("overtreding,B,2,waarschuwing,," if i % 3 == 0 else "geen_overtreding,,,,,")
        + "\n"
        for i in range(40)
    )
    write(raw / "2023" / "ODH" / "controles.csv", header + rows)
    write(
        raw / "2023" / "ODH" / "kengetallen.csv",
        "indicator,waarde\ninrichtingen_in_beheer,30\nfte_toezicht_handhaving,2.5\n",
    )
    # 1. the CLI
    assert (
        main(
            [
                "build",
                "--raw-dir",
                str(raw),
                "--out",
                str(tmp_path / "out_cli"),
                "--warehouse",
                str(tmp_path / "cli.duckdb"),
            ]
        )
        == 0
    )
    # 2. the definitions `dagster dev` loads (paths from the environment), whole-year job
    monkeypatch.setenv("VTH_RAW_DIR", str(raw))
    monkeypatch.setenv("VTH_OUT_DIR", str(tmp_path / "out_ui"))
    monkeypatch.setenv("VTH_WAREHOUSE", str(tmp_path / "ui.duckdb"))
    monkeypatch.setenv("VTH_ARCHIVE_DIR", str(tmp_path / "archief"))
    monkeypatch.chdir(ROOT)
    import vth_pipeline.definitions as module

    defs = importlib.reload(module).defs
    instance = DagsterInstance.ephemeral()
    assert defs.resolve_job_def("referentiedata").execute_in_process(instance=instance).success
    assert (
        defs.resolve_job_def("staat_van_vth_jaar")
        .execute_in_process(instance=instance, partition_key="2023")
        .success
    )
    for table in STAAT:
        query = f"SELECT * FROM staat.{table} ORDER BY ALL"
        with (
            duckdb.connect(str(tmp_path / "cli.duckdb"), read_only=True) as a,
            duckdb.connect(str(tmp_path / "ui.duckdb"), read_only=True) as b,
        ):
            assert a.execute(query).fetchall() == b.execute(query).fetchall(), table
    for name in ("omgevingsdiensten.csv", "landelijk.csv", "datakwaliteit.csv"):
        cli = (tmp_path / "out_cli" / "2023" / "tabellen" / name).read_bytes()
        assert cli == (tmp_path / "out_ui" / "2023" / "tabellen" / name).read_bytes(), name
