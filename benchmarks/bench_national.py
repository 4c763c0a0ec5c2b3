"""Benchmark at national scale: `vth build` beside the floor, in one run, on the same files.

    python benchmarks/bench_national.py            # or: make bench

Five complete years (2021-2025, ~250,000 controles a year) are generated once by the floor's
own generator (`../shared/bench/floor/gen.py`) into a cache folder (default `build/bench`,
outside version control); the floor gets its own virtualenv there (duckdb, polars, pyarrow,
numpy at this project's pins). Then, in one run: the floor (one hand-written DuckDB script),
`vth build` of the same files, `vth check` of one 50,000-row controles file, and two
superseding deliveries (a controles file of one year; a Seveso register, read by the three-year
window of the two later years) rebuilt by `vth build`. Every row of issue 14's table is
printed as a ratio to the floor of the same run, so the numbers compare across machines and
across runs on a busy machine. Peak RSS is the child's own (`wait4`), Chromium included.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR_SRC = ROOT.parent / "shared" / "bench" / "floor"
FLOOR_PACKAGES = ("duckdb", "polars", "pyarrow", "numpy")
YEARS = (2021, 2022, 2023, 2024, 2025)
CHECK_ROWS = 50_000
# The floor's generator: national scale; the check file comes from a denser single year.
GEN_ARGS = ["--first-year", str(YEARS[0]), "--n-years", str(len(YEARS))]
CHECK_GEN_ARGS = ["--first-year", "2024", "--n-years", "1", "--per-year", "700000"]
STAGE_LINE = re.compile(r"^\s+(?P<stage>\w+)\s+klaar \((?P<s>[\d.]+) s\)")
CHECKS_LINE = re.compile(r"^Validatie \(asset checks\): (?P<s>[\d.]+) s")


@dataclass
class Child:
    """One measured child process: wall seconds, peak RSS (MiB) and its output."""

    seconds: float
    rss_mib: float
    stdout: str
    returncode: int
    cpu: float = 0.0  # user + system seconds of the process and its children
    stages: dict[str, float] = field(default_factory=dict)
    check_seconds: float = 0.0


def run_child(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Child:
    """Run a command, timing it and taking its own peak RSS from `wait4` (children included)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Child(seconds, usage.ru_maxrss / 1024, out, proc.returncode, cpu)


def ensure_floor(cache: Path) -> Path:
    """The floor's virtualenv and a copy of its scripts laid out as its generator expects."""
    venv = cache / "floor-venv"
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    if not stamp.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt")]
            + list(FLOOR_PACKAGES),
            check=True,
        )
        stamp.touch()
    # gen.py finds the reference data at <its folder>/../../shared/reference
    src = cache / "floor" / "bench" / "floor"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(FLOOR_SRC, src)
    for p in src.iterdir():
        p.chmod(0o644)
    ref = cache / "floor" / "shared" / "reference"
    ref.parent.mkdir(parents=True, exist_ok=True)
    if not ref.exists():
        ref.symlink_to(ROOT / "data" / "reference")
    return python


def ensure_data(cache: Path, python: Path) -> tuple[Path, Path]:
    """Five national years (generated once), and one 50,000-row controles file to check."""
    gen = cache / "floor" / "bench" / "floor" / "gen.py"
    raw = cache / "raw"
    if not (raw / ".complete").exists():
        shutil.rmtree(raw, ignore_errors=True)
        subprocess.run([str(python), str(gen), str(raw), *GEN_ARGS], check=True)
        (raw / ".complete").touch()
    check = cache / "check" / "2024" / "ODZOB" / "controles.csv"
    if not check.exists():
        dense = cache / "check_raw"
        subprocess.run([str(python), str(gen), str(dense), *CHECK_GEN_ARGS], check=True)
        lines = (dense / "2024" / "ODZOB" / "controles.csv").read_text().splitlines(True)
        if len(lines) <= CHECK_ROWS:
            raise SystemExit(f"check file: only {len(lines) - 1} rows generated")
        check.parent.mkdir(parents=True, exist_ok=True)
        check.write_text("".join(lines[: CHECK_ROWS + 1]))
        shutil.rmtree(dense)
    return raw, check


def vth_env(cache: Path, tag: str) -> dict[str, str]:
    """A fresh Dagster instance and archive per measured build (as `make run` has one)."""
    home = cache / f"dagster_home_{tag}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    shutil.copyfile(ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return os.environ | {
        "PYTHONPATH": str(ROOT),
        "DAGSTER_HOME": str(home),
        "VTH_ARCHIVE_DIR": str(cache / f"archief_{tag}"),
        "BROWSER_PATH": os.environ.get("BROWSER_PATH", "/usr/bin/chromium"),
    }


def vth(args: list[str], env: dict[str, str]) -> Child:
    """`vth ...` of this checkout, parsed: seconds per stage (summed over years), checks."""
    child = run_child([sys.executable, "-m", "vth_pipeline.cli", *args], env)
    for line in child.stdout.splitlines():
        if m := STAGE_LINE.match(line):
            child.stages[m["stage"]] = child.stages.get(m["stage"], 0.0) + float(m["s"])
        elif m := CHECKS_LINE.match(line):
            child.check_seconds = float(m["s"])
    if child.returncode not in (0, 1) or "klaar" not in child.stdout and args[0] == "build":
        print(child.stdout)
        raise SystemExit(f"vth {args[0]} failed ({child.returncode})")
    return child


def build(cache: Path, raw: Path, tag: str, changed_only: bool = False) -> Child:
    """A full build from nothing, or `--alleen-gewijzigd` on the warehouse of the full build."""
    out, warehouse = cache / f"out_{tag}", cache / f"vth_{tag}.duckdb"
    if not changed_only:
        shutil.rmtree(out, ignore_errors=True)
        for p in (warehouse, Path(f"{warehouse}.wal")):
            p.unlink(missing_ok=True)
        env = vth_env(cache, tag)
    else:
        env = os.environ | {
            "PYTHONPATH": str(ROOT),
            "DAGSTER_HOME": str(cache / f"dagster_home_{tag}"),
            "VTH_ARCHIVE_DIR": str(cache / f"archief_{tag}"),
        }
    args = ["build", "--raw-dir", str(raw), "--out", str(out), "--warehouse", str(warehouse)]
    return vth(args + (["--alleen-gewijzigd"] if changed_only else []), env)


def supersede(raw: Path, year: int, partner: str, kind: str) -> Path:
    """A later delivery of the same file, one data row fewer (the last)."""
    source = raw / str(year) / partner / f"{kind}.csv"
    target = source.with_name(f"{kind}_{year + 1}-02-01.csv")
    lines = source.read_text(encoding="utf-8").splitlines(True)
    target.write_text("".join(lines[:-1]), encoding="utf-8")
    return target


def floor(cache: Path, python: Path, raw: Path) -> tuple[Child, dict]:
    src = cache / "floor" / "bench" / "floor"
    child = run_child(
        [
            str(python),
            str(src / "run_floor.py"),
            "--raw",
            str(raw),
            "--out",
            str(cache / "floor_out"),
            "--ref",
            str(ROOT / "data" / "reference"),
        ]
    )
    if child.returncode != 0:
        print(child.stdout)
        raise SystemExit("floor failed")
    return child, json.loads(child.stdout.strip().splitlines()[-1])


def rows(f: Child, b: Child, check: Child, rebuilds: dict[str, tuple[Child, list[int]]]) -> list:
    """The table of issue 14: (what, measured, ratio or share, target)."""
    data_stages = ("referentiedata", "leveringen", "raw", "stg", "int", "staat")
    pub = b.stages.get("publicatie", 0.0) + b.stages.get("overzicht", 0.0)
    # Everything but the publication: start-up, reference data, runs, data stages and checks.
    data = b.seconds - pub
    table = [
        ("floor (DuckDB script, whole process)", f"{f.seconds:.1f} s", f"cpu {f.cpu:.1f} s", ""),
        (
            "vth build, 5 national years, whole",
            f"{b.seconds:.1f} s",
            f"{b.seconds / f.seconds:.1f}x floor; cpu {b.cpu / f.cpu:.1f}x",
            "<= 4x",
        ),
        (
            "  data path (leveringen -> staat, checks incl.)",
            f"{data:.1f} s",
            f"{data / f.seconds:.1f}x floor",
            "<= 2x",
        ),
        *[(f"    {s}", f"{b.stages.get(s, 0.0):.1f} s", "", "") for s in data_stages],
        (
            "  asset checks (GX) share of the run",
            f"{b.check_seconds:.1f} s",
            f"{100 * b.check_seconds / b.seconds:.0f} %",
            "<= 15 %",
        ),
        ("  publication of one year", f"{pub / len(YEARS):.1f} s", f"{pub:.1f} s for 5", "<= 3 s"),
        ("  peak RSS", f"{b.rss_mib / 1024:.2f} GiB", "", "<= 1.5 GiB"),
        (
            f"vth check, one {CHECK_ROWS:,}-row controles file",
            f"{check.seconds:.1f} s",
            f"{check.seconds / f.seconds:.1f}x floor; cpu {check.cpu:.1f} s",
            "<= 2 s",
        ),
    ]
    for what, (child, years) in rebuilds.items():
        table.append(
            (
                f"superseding {what}: rebuild",
                f"{child.seconds:.1f} s",
                f"{100 * child.seconds / b.seconds:.0f} % of full "
                f"(cpu {100 * child.cpu / b.cpu:.0f} %), years "
                f"{','.join(map(str, years))}",
                "<= 15 %",
            )
        )
    return table


def rebuilt_years(child: Child) -> list[int]:
    return [int(m[1]) for m in re.finditer(r"^(\d{4}):$", child.stdout, flags=re.M)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cache", default=str(ROOT / "build" / "bench"))
    p.add_argument("--skip-rebuild", action="store_true", help="no superseding deliveries")
    p.add_argument("--json", help="also write the measurements to this file")
    args = p.parse_args()
    cache = Path(args.cache).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    python = ensure_floor(cache)
    raw, check_file = ensure_data(cache, python)

    f, floor_json = floor(cache, python, raw)
    b = build(cache, raw, "full")
    print(b.stdout)
    c = vth(
        ["check", str(check_file), "--report", str(cache / "check.xlsx")], vth_env(cache, "chk")
    )
    f2, _ = floor(cache, python, raw)  # the floor again, to see how noisy the machine was
    rebuilds: dict[str, tuple[Child, list[int]]] = {}
    if not args.skip_rebuild:
        for what, (year, partner, kind) in {
            "controles ODZOB 2023": (2023, "ODZOB", "controles"),
            "Seveso register PV27 2022": (2022, "PV27", "seveso_inrichtingen"),
        }.items():
            added = supersede(raw, year, partner, kind)
            try:
                r = build(cache, raw, "full", changed_only=True)
            finally:
                added.unlink()
            back = build(cache, raw, "full", changed_only=True)  # the warehouse as before
            print(f"(withdrawing it again: {back.seconds:.1f} s)")
            rebuilds[what] = (r, rebuilt_years(r))
            print(r.stdout)
    print(
        f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; "
        f"floor {f.seconds:.1f} s and {f2.seconds:.1f} s (before/after), "
        f"script {floor_json['total_script_s']:.1f} s, peak RSS {f.rss_mib:.0f} MiB"
    )
    table = rows(f, b, c, rebuilds)
    width = max(len(r[0]) for r in table)
    print(f"{'what':<{width}}  {'measured':>10}  {'ratio':<28} target")
    for what, measured, ratio, target in table:
        print(f"{what:<{width}}  {measured:>10}  {ratio:<28} {target}")
    if args.json:
        Path(args.json).write_text(json.dumps({"table": table, "floor": floor_json}, indent=1))


if __name__ == "__main__":
    main()
