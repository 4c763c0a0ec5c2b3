"""A failed year in `vth build`: one clear Dutch message on the terminal, Dagster's log kept."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus
from dagster_duckdb import DuckDBResource

from tests.conftest import CONTROLES_HEADER, ROOT, write
from vth_pipeline.resources import VthSettings
from vth_pipeline.runner import Runner

ROW = "C1,GM0518,I1,2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,1"
TRACE_MARKS = ("Traceback", "Stack Trace", " - dagster - ", 'File "', "dagster._core")


def test_failed_year_prints_one_message_and_keeps_the_log_in_the_instance(tmp_path):
    raw = tmp_path / "raw"
    write(raw / "2023" / "ODH" / "controles.csv", CONTROLES_HEADER + "\n" + ROW + "\n")
    home = tmp_path / "dagster_home"
    write(home / "dagster.yaml", "telemetry:\n  enabled: false\n")
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "DAGSTER_HOME": str(home),
        "VTH_REFERENCE_DIR": str(ROOT / "data" / "reference"),
        "VTH_ASSETS_DIR": str(ROOT / "assets"),
        "BROWSER_PATH": str(tmp_path / "geen-chromium"),  # the figures step must fail
    }
    done = subprocess.run(
        [sys.executable, "-m", "vth_pipeline.cli", "build", "--raw-dir", str(raw), "--out",
         str(tmp_path / "out"), "--warehouse", str(tmp_path / "w.duckdb"), "--year", "2023"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    terminal = done.stdout + done.stderr
    assert [m for m in TRACE_MARKS if m in terminal] == [], terminal
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 2, done.stderr
    assert errors[0].startswith("fout: stap publicatie_figuren mislukt: Geen Chromium")
    assert "BROWSER_PATH=" in errors[0]
    assert errors[1] == "fout: niet gebouwd: 2023"
    assert "publicatie                  MISLUKT" in done.stdout
    # Dagster's own account of the failure is in the instance, for `dagster dev` to show
    instance = DagsterInstance.from_config(str(home))
    failed = instance.get_runs()
    failed = [r for r in failed if r.status == DagsterRunStatus.FAILURE]
    assert [r.job_name for r in failed] == ["staat_van_vth_jaar"]  # one run per year
    steps = [
        e.step_key
        for e in instance.all_logs(failed[0].run_id, of_type=DagsterEventType.STEP_FAILURE)
    ]
    assert steps == ["publicatie_figuren"]


def test_overview_without_any_built_year_says_so(tmp_path):
    """The only year failed before the staat tables: the overview lists none, not a crash."""
    out = tmp_path / "out"
    runner = Runner(
        VthSettings(
            raw_dir=str(tmp_path / "raw"),
            out_dir=str(out),
            archive_dir=str(tmp_path / "archief"),
            reference_dir=str(ROOT / "data" / "reference"),
            assets_dir=str(ROOT / "assets"),
        ),
        DuckDBResource(database=str(tmp_path / "w.duckdb")),
    )
    for job in ("referentiedata", "overzicht"):
        result = runner.run(job)
        assert result.success, result.error
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Nog geen verslagjaar gepubliceerd." in page


def test_everything_outside_the_years_read_is_listed(tmp_path):
    """aanlevering.md v1.3: a folder such as `2024-old`, a year before 2021, a partner folder
    outside a year and a stray file are listed with their reason, in the build's summary and
    in bouwlog.json; none is read."""
    raw = tmp_path / "raw"
    write(raw / "2023" / "ODH" / "controles.csv", CONTROLES_HEADER + "\n" + ROW + "\n")
    write(raw / "2023-old" / "ODH" / "controles.csv", CONTROLES_HEADER + "\n" + ROW + "\n")
    write(raw / "2020" / "ODH" / "controles.csv", CONTROLES_HEADER + "\n" + ROW + "\n")
    write(raw / "ODH" / "controles.csv", CONTROLES_HEADER + "\n" + ROW + "\n")
    write(raw / ".DS_Store", b"\x00\x01")
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "VTH_REFERENCE_DIR": str(ROOT / "data" / "reference"),
        "VTH_ASSETS_DIR": str(ROOT / "assets"),
        "VTH_ARCHIVE_DIR": str(tmp_path / "archief"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "vth_pipeline.cli", "build", "--raw-dir", str(raw), "--out",
         str(tmp_path / "out"), "--warehouse", str(tmp_path / "w.duckdb")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    expected = {".DS_Store", "2020", "2023-old", "ODH"}
    summary = done.stdout.split("Genegeerd in de map met leveringen")[1]
    listed = {line.strip().split(":")[0] for line in summary.splitlines()[1:5]}
    assert listed == expected, done.stdout
    bouwlog = json.loads((tmp_path / "out" / "2023" / "bouwlog.json").read_text("utf-8"))
    ignored = {e["pad"]: e["reden"] for e in bouwlog["genegeerd_buiten_verslagjaren"]}
    assert set(ignored) == expected
    assert all(ignored.values())
    assert "vóór 2021" in ignored["2020"]


def test_max_file_bytes_of_the_command_line_reaches_the_runs(tmp_path, monkeypatch):
    """`vth build --max-file-bytes N`: a delivery larger than N is refused in the raw step, the
    limit travelling from the command line through the settings into the Dagster resource."""
    import duckdb

    from vth_pipeline import cli

    raw = tmp_path / "raw"
    big = write(raw / "2023" / "ODH" / "controles.csv", CONTROLES_HEADER + "\n" + ROW + "\n")
    limit = big.stat().st_size - 1
    seen: dict = {}

    class Stop(Exception):
        pass

    def runner_spy(settings, warehouse, *args, **kwargs):
        seen["runner"] = Runner(settings, warehouse)
        raise Stop

    monkeypatch.setattr("vth_pipeline.runner.Runner", runner_spy)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    database = tmp_path / "w.duckdb"
    argv = ["build", "--raw-dir", str(raw), "--out", str(tmp_path / "out"), "--warehouse",
            str(database), "--year", "2023", "--max-file-bytes", str(limit)]  # fmt: skip
    with contextlib.suppress(Stop):  # stopped where the build would start its runs
        cli.main(argv)
    runner = seen["runner"]
    assert runner.run("referentiedata").success
    runner.run_year(2023, ("leveringen", "raw"), on_done=lambda r: None)
    with duckdb.connect(str(database), read_only=True) as conn:
        (reason,) = conn.execute(
            "SELECT reden FROM meta.inlezing WHERE jaar = 2023 AND soort = 'controles'"
        ).fetchone()
    assert "te groot" in reason and f"{limit:,}".replace(",", ".") in reason
