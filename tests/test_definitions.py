"""The code location as `dg dev` loads it, and its equivalence with `vth build`."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

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


def test_definitions_load_and_validate_with_dg_check_defs():
    """Dagster 1.13's validation command, without deprecation warnings (instance: the tests')."""
    dg = Path(sys.executable).parent / "dg"
    env = {**os.environ, "PATH": f"{dg.parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [str(dg), "check", "defs"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-2000:]
    assert "All definitions loaded successfully" in output
    assert "deprecat" not in output.lower(), output[-2000:]


def test_loading_the_code_location_calls_nothing_deprecated():
    """Every deprecation warning is an error here, whichever module it is attributed to (a
    dependency's stacklevel may point into itself rather than at our call)."""
    code = (
        "from vth_pipeline.definitions import defs\n"
        "defs.resolve_all_job_defs()\n"
        "defs.get_repository_def().sensor_defs\n"
    )
    flags = ["-W", "error::DeprecationWarning", "-W", "error::FutureWarning"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VTH_AUTOMATION": "aan"}
    done = subprocess.run(
        [sys.executable, *flags, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_ui_shows_a_schedule_and_four_sensors():
    from vth_pipeline.definitions import defs

    assert [s.name for s in defs.schedules] == ["jaarlijkse_eindbouw"]
    assert sorted(s.name for s in defs.sensors) == [
        "leveringen_sensor",
        "melding_bij_mislukte_run",
        "overzicht_na_publicatie",
        "schrijver_afgebroken",
    ]


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
    assert set(groups) == {"reference", "overzicht", "zijtabellen", *STAGES}
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
    # 2. the definitions `dg dev` loads (paths from the environment), whole-year job
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
    # the side tables in the UI: each writer reports its rows of the year (one file read per
    # kind delivered above, none of the other kinds)
    from dagster import AssetKey

    events = instance.fetch_materializations(AssetKey("meta_inlezing"), limit=50).records
    reported = {
        e.event_log_entry.asset_materialization.metadata["geschreven_door"].value: (
            e.event_log_entry.asset_materialization.partition,
            e.event_log_entry.asset_materialization.metadata["rijen"].value,
        )
        for e in events
    }
    assert reported == {
        "raw_controles": ("2023", 1),
        "raw_kengetallen": ("2023", 1),
        "raw_uitkomsten": ("2023", 0),
        "raw_seveso_inrichtingen": ("2023", 0),
        "raw_seveso_inspecties": ("2023", 0),
    }
    validatie = instance.fetch_materializations(AssetKey("staat_validatie"), limit=100).records
    assert {"stg_controles", "staat_landelijk"} <= {
        e.event_log_entry.asset_materialization.metadata["geschreven_door"].value for e in validatie
    }
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
