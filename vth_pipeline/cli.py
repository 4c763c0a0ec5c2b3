"""`vth`: the command line of the pipeline, a thin face over the Dagster definitions.

`vth build` materialises the same assets as `dagster dev` does, stage by stage and year by
year, and computes nothing itself.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from vth_pipeline.contract.columns import FIRST_YEAR

# Progress is printed per stage; Dagster's own event log stays in the instance (dagster dev).
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def _instance():
    from dagster import DagsterInstance

    if os.environ.get("DAGSTER_HOME"):
        Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
        return DagsterInstance.get()
    return DagsterInstance.ephemeral()


def _failure(result) -> str:
    for event in result.all_events:
        if event.is_step_failure:
            data = event.step_failure_data
            err = data.error.cause or data.error if data and data.error else None
            return f"{event.step_key}: {err.message.strip() if err else 'mislukt'}"
    return "onbekende fout"


def _quiet_dagster() -> None:
    for name in ("dagster", "dagster.builtin", "alembic"):
        logging.getLogger(name).setLevel(logging.ERROR)


def cmd_build(args: argparse.Namespace) -> int:
    from dagster_duckdb import DuckDBResource

    from vth_pipeline.definitions import STAGES, make_definitions
    from vth_pipeline.ingest.discovery import year_folders
    from vth_pipeline.partitions import yearly
    from vth_pipeline.resources import settings_from_env, warehouse_from_env
    from vth_pipeline.summary import build_summary

    raw = Path(args.raw_dir)
    found, ignored = year_folders(raw)
    for name, reason in ignored:
        print(f"let op: {raw / name}: {reason}")
    years = sorted(set(args.year or found))
    if not years:
        print(f"fout: geen verslagjaren gevonden onder {raw}", file=sys.stderr)
        return 2
    allowed = set(yearly.get_partition_keys())
    wrong = [y for y in years if str(y) not in allowed]
    if wrong:
        print(
            f"fout: verslagjaar {', '.join(map(str, wrong))} kan niet worden gebouwd: toegestaan "
            f"zijn afgesloten jaren vanaf {FIRST_YEAR} ({min(allowed)}-{max(allowed)})",
            file=sys.stderr,
        )
        return 2
    warehouse: DuckDBResource = warehouse_from_env(args.warehouse)
    settings = settings_from_env(raw_dir=str(raw), out_dir=args.out)
    if args.max_file_bytes:
        settings = settings.model_copy(update={"max_file_bytes": args.max_file_bytes})
    defs = make_definitions(settings, warehouse)
    instance = _instance()
    _quiet_dagster()
    started = time.monotonic()

    def run(job_name: str, label: str, partition: str | None = None) -> bool:
        t0 = time.monotonic()
        print(f"  {label:<28}", end="", flush=True)
        result = defs.resolve_job_def(job_name).execute_in_process(
            instance=instance, partition_key=partition, raise_on_error=False, run_config=QUIET
        )
        if result.success:
            print(f"klaar ({time.monotonic() - t0:.1f} s)")
            return True
        print("MISLUKT")
        print(f"fout: {_failure(result)}", file=sys.stderr)
        return False

    print(f"Staat van VTH: {len(years)} verslagja(a)r(en) uit {raw} -> {args.out}")
    print(f"warehouse: {warehouse.database}")
    if not run("referentiedata", "referentiedata"):
        return 1
    failed: list[int] = []
    for year in years:
        print(f"{year}:")
        for stage in STAGES:
            if not run(f"stap_{stage}", stage, str(year)):
                failed.append(year)
                break
    if not run("overzicht", "overzicht alle jaren"):
        return 1
    built = [y for y in years if y not in failed]
    print(build_summary(warehouse.database, built, Path(args.out), time.monotonic() - started))
    if failed:
        print(f"fout: niet gebouwd: {', '.join(map(str, failed))}", file=sys.stderr)
        return 1
    return 0


def cmd_sample_data(args: argparse.Namespace) -> int:
    from vth_pipeline.sample.generate import generate_sample

    t0 = time.monotonic()
    manifest = generate_sample(Path(args.out), years=args.years, scale=args.scale, seed=args.seed)
    rows = sum(f.rows for f in manifest.files)
    print(
        f"{len(manifest.files)} bestanden, {rows} rijen, {len(manifest.defects)} opzettelijke "
        f"fouten geschreven naar {args.out} ({time.monotonic() - t0:.1f} s)"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vth", description="De pipeline van de Staat van VTH.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="bouw de publicatie uit de leveringen")
    b.add_argument("--raw-dir", default="data/raw", help="map met leveringen (data/raw)")
    b.add_argument("--out", default="publicatie", help="map voor de publicatie")
    b.add_argument("--warehouse", default=None, help="DuckDB-bestand (data/warehouse/vth.duckdb)")
    b.add_argument("--year", type=int, action="append", help="verslagjaar (herhaalbaar)")
    b.add_argument("--max-file-bytes", type=int, default=None, help="grootte-grens per bestand")
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("sample-data", help="schrijf deterministische voorbeeldleveringen")
    s.add_argument("--out", default="data/raw")
    s.add_argument("--years", type=int, nargs="+", default=[2021, 2022, 2023, 2024])
    s.add_argument("--scale", type=float, default=0.05, help="1.0 = circa 250.000 controles/jaar")
    s.add_argument("--seed", type=int, default=2024)
    s.set_defaults(func=cmd_sample_data)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
