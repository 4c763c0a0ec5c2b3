"""Benchmark: ingest of a generated sample against a bare DuckDB `read_csv` of the same files.

Both run in the same process on the same files, so the ratio is comparable across machines:

    python benchmarks/bench_ingest.py --scale 1.0 --years 2023

It times (1) the pipeline's leveringen + raw stages and (2) its stg stage, through the real
assets, and (3) as baseline a bare `read_csv(all_varchar)` into a DuckDB table of every CSV
file in effect. XLSX files have no DuckDB baseline: their share is reported apart.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb
from dagster_duckdb import DuckDBResource

from vth_pipeline.paths import assets_dir, reference_dir
from vth_pipeline.resources import VthSettings
from vth_pipeline.runner import Runner
from vth_pipeline.sample import generate_sample


def baseline(raw: Path, files: list[tuple[str, str | None]], work: Path) -> float:
    """Seconds for a bare read_csv of every CSV file into a table (no checks, no provenance).

    DuckDB reads no Windows-1252 without an extension from the network, so those files are
    converted to UTF-8 beforehand, outside the timing: the baseline only gets faster by it.
    """
    paths = []
    for i, (pad, encoding) in enumerate(files):
        if encoding == "cp1252":
            utf8 = work / "baseline_utf8" / f"{i}.csv"
            utf8.parent.mkdir(parents=True, exist_ok=True)
            utf8.write_text((raw / pad).read_bytes().decode("cp1252"), encoding="utf-8")
            paths.append(utf8)
        else:
            paths.append(raw / pad)
    conn = duckdb.connect(str(work / "baseline.duckdb"))
    failed = 0
    t0 = time.perf_counter()
    for i, path in enumerate(paths):
        try:
            conn.execute(
                f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?, all_varchar = true)", [str(path)]
            )
        except duckdb.Error:
            failed += 1  # e.g. a row with more fields than the header: the pipeline keeps it
    seconds = time.perf_counter() - t0
    conn.close()
    if failed:
        print(f"baseline: {failed} of {len(paths)} files not readable by a bare read_csv")
    return seconds


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--years", type=int, nargs="+", default=[2023])
    p.add_argument("--work", default=None, help="folder for the sample and warehouses")
    args = p.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="vth-bench-"))
    raw = work / "raw"
    t0 = time.perf_counter()
    manifest = generate_sample(raw, years=args.years, scale=args.scale)
    print(f"sample: scale {args.scale}, years {args.years}: {time.perf_counter() - t0:.1f} s")
    used = [f for f in manifest.files if f.in_effect]
    csv_files = [(f.path, f.encoding) for f in used if f.format == "csv"]
    rows = sum(f.rows for f in used)
    csv_rows = sum(f.rows for f in used if f.format == "csv")
    print(f"files in effect: {len(used)} ({len(csv_files)} CSV), rows: {rows} ({csv_rows} CSV)")

    base = baseline(raw, csv_files, work)
    runner = Runner(
        VthSettings(
            raw_dir=str(raw),
            out_dir=str(work / "out"),
            reference_dir=str(reference_dir()),
            assets_dir=str(assets_dir()),
            archive_dir=str(work / "archief"),
        ),
        DuckDBResource(database=str(work / "vth.duckdb")),
    )
    runner.run("referentiedata")
    timings = {"leveringen": 0.0, "raw": 0.0, "stg": 0.0}
    for year in args.years:
        for stage in timings:
            result = runner.run(f"stap_{stage}", year)
            assert result.success, result.error
            timings[stage] += result.seconds
    ingest = timings["leveringen"] + timings["raw"]
    print(f"baseline read_csv (CSV only):      {base:7.2f} s")
    print(f"pipeline leveringen + raw (all):   {ingest:7.2f} s  ratio {ingest / base:5.1f}x")
    print(
        f"pipeline stg (every rule):         {timings['stg']:7.2f} s  "
        f"ratio {timings['stg'] / base:5.1f}x"
    )
    print(
        f"pipeline ingest + stg:             {ingest + timings['stg']:7.2f} s  "
        f"ratio {(ingest + timings['stg']) / base:5.1f}x"
    )


if __name__ == "__main__":
    main()
