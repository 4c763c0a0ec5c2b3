"""`vth`: the command line of the pipeline, a thin face over the Dagster definitions.

`vth build` materialises the same assets as `dg dev` does, stage by stage and year by
year, and computes nothing itself.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
from pathlib import Path

from vth_pipeline import environment
from vth_pipeline.contract.columns import FILE_KINDS, FIRST_YEAR
from vth_pipeline.stopping import BuildStopped, cancel_unfinished


def _quiet_dagster() -> None:
    """Dagster's own lines off the terminal (the event log keeps its errors; a run's console
    logger is off by the run config). `dagster.builtin`, the logger of `get_dagster_logger`,
    stays at WARNING: a logger's level is checked before any handler, so at CRITICAL the
    package's warnings during a run (a table migrated, a browser that did not start) never
    reached the run's event log."""
    for name in ("dagster", "alembic"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    logging.getLogger("dagster.builtin").setLevel(logging.WARNING)
    # dagster-postgres logs each retry of a lost connection on the root logger: the CLI says
    # what happened in one Dutch line instead
    logging.getLogger().setLevel(logging.ERROR)


class _WithoutDagsterNoise:
    """stderr less Dagster's own English line for each event it could not store (the instance's
    database gone mid-run): the CLI says that once, in Dutch."""

    NOISE = "Exception while writing logger call to event log"

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return len(text) if text.startswith(self.NOISE) else self.stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def _alert(settings, say, *lines: str) -> None:
    """Print what the alerts did, when a webhook is configured (development has none)."""
    if settings.alert_webhook:
        for line in filter(None, lines):
            say(f"let op: {line}")


def cmd_build(args: argparse.Namespace) -> int:
    from dagster_duckdb import DuckDBResource

    from vth_pipeline.ingest.discovery import buildable_years
    from vth_pipeline.partitions import yearly
    from vth_pipeline.resources import (
        DEFAULT_WAREHOUSE,
        WAREHOUSE_ENV,
        settings_from_env,
        warehouse_from_env,
    )
    from vth_pipeline.stopping import SignalWatch, watching

    raw = Path(args.raw_dir)
    found, skipped = buildable_years(raw)
    for name, reason in skipped:
        print(f"overgeslagen: {raw / name}: {reason}")
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
    database = args.warehouse or os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE
    warehouse: DuckDBResource = warehouse_from_env(database)
    # given to the settings, not copied into them afterwards: Dagster builds a run's resource
    # from the settings' configuration, which a pydantic copy does not change
    settings = settings_from_env(
        raw_dir=str(raw), out_dir=args.out, max_file_bytes=args.max_file_bytes
    )
    _quiet_dagster()
    watch = SignalWatch()
    with watching(watch):
        return _build_alone(args, raw, years, found, skipped, database, warehouse, settings, watch)


def _build_alone(args, raw, years, found, skipped, database, warehouse, settings, watch) -> int:
    """The build, holding the warehouse's writer lock from start to end (writer_lock.py).

    A second build waits for the first (at most VTH_WAREHOUSE_LOCK_WAIT seconds) and then runs
    after it, or fails with one line naming the holder; SIGTERM and SIGINT cancel the run that
    is going and stop the build (stopping.py)."""
    from vth_pipeline import writer_lock
    from vth_pipeline.alerts import alert_run, alert_without_run
    from vth_pipeline.publish.images import stop_image_server
    from vth_pipeline.resources import resolved
    from vth_pipeline.runner import InstanceUnavailable, Runner, build_tags, instance_from_env
    from vth_pipeline.warehouse import WarehouseLocked, open_writer

    started = time.monotonic()
    tags = build_tags(settings)
    record = writer_lock.holder_record(build_id=tags["vth/build_id"])
    wait = resolved(settings).warehouse_lock_wait
    try:
        left = writer_lock.acquire(database, record, wait, lambda m: print(m, flush=True))
    except WarehouseLocked as e:
        print(f"fout: {e}", file=sys.stderr)
        return 1
    except BuildStopped as e:
        print(f"fout: vth build {e} (wachtend op het warehouse)", file=sys.stderr)
        return e.exit_code
    instance = None
    # alerts of failed runs: `vth build` sends those of its own runs (vth_pipeline/alerts.py)
    plain = resolved(settings)
    hook, ui = plain.alert_webhook, plain.ui_url
    try:
        open_writer(database).close()  # a process outside the pipeline (a notebook): at once
        try:
            instance = instance_from_env()
        except InstanceUnavailable as e:
            print(f"fout: {e}", file=sys.stderr)
            _alert(plain, print, alert_without_run(hook, ui, None, None, f"vth build: {e}"))
            return 1
        for run_id in writer_lock.end_runs_of_dead_holder(instance, left):
            print(f"let op: run {run_id} van een afgebroken build als mislukt gemarkeerd")
            run = instance.get_run_by_id(run_id)
            _alert(plain, print, alert_run(instance, run, hook, ui, "vth build afgebroken") or "")
        runner = Runner(settings, warehouse, instance, tags, watch)
        return _build_years(args, raw, years, found, skipped, warehouse, runner, started)
    except WarehouseLocked as e:
        print(f"fout: {e}", file=sys.stderr)
        return 1
    except BuildStopped as e:
        build = {"vth/build_id": tags["vth/build_id"]}
        canceled = cancel_unfinished(instance, build, str(e)) if instance else []
        stop_image_server()
        print(
            f"\nfout: vth build {e}: de lopende run is geannuleerd"
            f"{' (' + ', '.join(canceled) + ')' if canceled else ''}, het warehouse is "
            "vrijgegeven en de vorige publicatie is ongewijzigd",
            file=sys.stderr,
        )
        return e.exit_code
    finally:
        writer_lock.release(database)


def _build_years(args, raw, years, found, skipped, warehouse, runner, started) -> int:
    """Report what will be built, build it and summarise (the lock is held by the caller)."""
    from vth_pipeline.alerts import alert_failed_runs, alert_without_run
    from vth_pipeline.resources import resolved
    from vth_pipeline.runner import INSTANCE_LOST, instance_problem
    from vth_pipeline.summary import build_summary

    instance = runner.instance
    plain = resolved(runner.settings)
    hook, ui = plain.alert_webhook, plain.ui_url
    shown: list[int | None] = [None]
    pending = [False]  # a stage's line waits for its verdict

    def on_stage(job: str, year: int | None) -> None:
        if year is not None and year != shown[0]:
            print(f"{year}:")
            shown[0] = year
        label = job.removeprefix("stap_") if year else job
        print(f"  {label:<28}", end="", flush=True)
        pending[0] = True

    def on_done(r) -> None:
        pending[0] = False
        print(f"klaar ({r.seconds:.1f} s)" if r.success else "MISLUKT")
        if not r.success:
            print(f"fout: {r.error}", file=sys.stderr)

    # What the years read: every earlier year delivered (the three-year window, the comparison
    # and the series), built without its publication (rekenregels v1.3).
    earlier = [y for y in found if y < max(years) and y not in years]
    selection = None
    if args.alleen_gewijzigd:
        from vth_pipeline.rebuild import changed_kinds, stale_assets

        changes = changed_kinds(Path(warehouse.database), raw, sorted([*years, *earlier]))
        selection = stale_assets(runner.defs.resolve_asset_graph(), changes)
        earlier = [y for y in earlier if selection[y] is None or selection[y]]
        for year in years:
            kinds = changes[year]
            what = "nog niet gebouwd" if kinds is None else ", ".join(sorted(kinds)) or "niets"
            n = "alle" if selection[year] is None else len(selection[year])
            print(f"{year}: gewijzigd: {what}; opnieuw: {n} assets")
        years = [y for y in years if selection[y] is None or selection[y]]
    print(f"Staat van VTH: {len(years)} verslagja(a)r(en) uit {raw} -> {args.out}")
    if earlier:
        print(
            f"eerst gebouwd zonder publicatie, omdat {', '.join(map(str, years))} ze leest: "
            f"{', '.join(map(str, earlier))}"
        )
    print(f"warehouse: {warehouse.database}")
    build_id = runner.tags["vth/build_id"]
    print(f"Dagster-instance: {instance.root_directory} (runs met tag vth/build_id={build_id})")
    try:
        with contextlib.redirect_stderr(_WithoutDagsterNoise(sys.stderr)):
            results = runner.build(
                years, on_stage=on_stage, on_done=on_done, selection=selection, earlier=earlier
            )
        _alert(plain, print, *alert_failed_runs(instance, {"vth/build_id": build_id}, hook, ui))
    except INSTANCE_LOST as e:  # the instance's database went away during the build
        print("MISLUKT" if pending[0] else "")
        year, job = runner.running or (None, None)
        problem = f"{instance_problem(e)}; de build is afgebroken, er is niets half gepubliceerd"
        print(f"fout: {problem}", file=sys.stderr)
        _alert(plain, print, alert_without_run(hook, ui, year, job, problem))
        return 1
    failed = sorted({r.year for r in results if not r.success and r.year is not None})
    if any(not r.success and r.year is None for r in results):
        return 1
    built = [y for y in years if y not in failed]
    elapsed = time.monotonic() - started
    print(build_summary(warehouse.database, built, Path(args.out), elapsed, skipped))
    checks = sum(r.validation_seconds for r in results)
    print(f"Validatie (asset checks): {checks:.1f} s, {100 * checks / elapsed:.0f}% van de run.")
    if failed:
        print(f"fout: niet gebouwd: {', '.join(map(str, failed))}", file=sys.stderr)
        return 1
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from vth_pipeline.check import check_files, raw_dir_default, summary, write_report

    _quiet_dagster()
    raw = Path(args.raw_dir) if args.raw_dir else raw_dir_default()
    paths = [Path(name) for name in args.files]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"fout: {missing[0]} bestaat niet", file=sys.stderr)
        return 2
    try:
        verdicts = check_files(paths, args.partner, args.year, args.soort, raw, args.max_file_bytes)
    except ValueError as e:
        print(f"fout: {e}", file=sys.stderr)
        return 2
    for verdict in verdicts:
        print(summary(verdict))
    report = Path(args.report)
    write_report(verdicts, report)
    print(f"Rapport: {report}")
    return 0 if all(v.ok for v in verdicts) else 1


def cmd_docs(args: argparse.Namespace) -> int:
    from vth_pipeline.docs import write_docs

    path = write_docs(Path(args.out))
    print(f"geschreven: {path}")
    configuration = path.parent / "configuration.md"  # the environment variables
    configuration.write_text(environment.render_markdown(), encoding="utf-8")
    print(f"geschreven: {configuration}")
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


def cmd_verify(args: argparse.Namespace) -> int:
    from vth_pipeline.resources import resolved, settings_from_env
    from vth_pipeline.verify import report_lines, verify

    folder = Path(args.folder)
    if not (folder / "manifest.json").is_file():
        print(f"fout: {folder / 'manifest.json'} bestaat niet", file=sys.stderr)
        return 2
    _quiet_dagster()
    settings = resolved(settings_from_env())
    archive = Path(args.archief or settings.archive_dir)
    verdict = verify(folder, archive, assets=_register_dir())
    print("\n".join(report_lines(verdict)))
    return verdict.exit_code


def cmd_lineage(args: argparse.Namespace) -> int:
    from vth_pipeline.lineage import LineageError, lineage, render, write_csv
    from vth_pipeline.resources import DEFAULT_WAREHOUSE, project_root
    from vth_pipeline.warehouse import connect

    database = Path(args.warehouse or environment.WAREHOUSE.get() or DEFAULT_WAREHOUSE)
    if not database.is_file():
        print(f"fout: warehouse {database} bestaat niet", file=sys.stderr)
        return 2
    with connect(str(database), read_only=True) as conn:
        try:
            lin = lineage(conn, args.year, args.figuur, args.partner)
        except LineageError as e:
            print(f"fout: {e}", file=sys.stderr)
            return 2
        print(render(lin, project_root()))
        if args.csv:
            write_csv(conn, lin, args.partner, Path(args.csv))
            print(f"\nTabel: {args.csv}")
    return 0


def cmd_tekst(args: argparse.Namespace) -> int:
    """Render a year's report with its texts from the existing warehouse (no rebuild), and list
    the numbers typed by hand in the text."""
    from vth_pipeline.defs.publicatie import load_charts, neighbours
    from vth_pipeline.paths import assets_dir
    from vth_pipeline.publish.data import load_publication_data
    from vth_pipeline.publish.report import render_report
    from vth_pipeline.publish.texts import (
        TekstFout,
        hand_numbers,
        load_texts,
        shown_path,
        text_path,
    )
    from vth_pipeline.resources import DEFAULT_WAREHOUSE, SETTINGS_ENV, VthSettings
    from vth_pipeline.warehouse import connect

    started = time.monotonic()
    assets = Path(os.environ.get(SETTINGS_ENV["assets_dir"]) or assets_dir())
    settings = VthSettings(
        raw_dir=os.environ.get(SETTINGS_ENV["raw_dir"]) or args.raw_dir, out_dir=args.out
    )
    path = text_path(assets, args.year)
    if not path.is_file():
        print(
            f"fout: {shown_path(path)} bestaat niet: er is geen tekst voor {args.year}",
            file=sys.stderr,
        )
        return 2
    database = Path(args.warehouse or environment.WAREHOUSE.get() or DEFAULT_WAREHOUSE)
    if not database.is_file():
        print(f"fout: warehouse {database} bestaat niet: bouw eerst (vth build)", file=sys.stderr)
        return 2
    year_folder = Path(args.out) / str(args.year)
    with connect(str(database), read_only=True) as conn:
        data = load_publication_data(conn, args.year)
    if data.table("landelijk.csv").height == 0:
        print(f"fout: {args.year} staat niet in {database}: bouw het jaar eerst", file=sys.stderr)
        return 2
    try:
        texts = load_texts(data, assets)
    except TekstFout as e:
        print(f"fout: {e}", file=sys.stderr)
        return 1
    charts = load_charts(year_folder / "figuren")
    html = render_report(
        data,
        charts,
        assets,
        year_folder,
        neighbours(settings, args.year),
        texts,
        base=f"{args.year}/",
    )
    preview = Path(args.out) / f"tekst-{args.year}.html"
    preview.parent.mkdir(parents=True, exist_ok=True)
    preview.write_text(html, encoding="utf-8")
    print(f"Voorbeeld: {preview} ({time.monotonic() - started:.1f} s)")
    if not charts:
        print(f"let op: {year_folder / 'figuren'} heeft geen figuren; het voorbeeld toont ze niet")
    typed = hand_numbers(path.read_text(encoding="utf-8"))
    if typed:
        print(
            f"Met de hand getypte getallen in {shown_path(path)} "
            "(vervang ze door een plaatsaanduiding):"
        )
        for line, number in typed:
            print(f"  regel {line}: {number}")
    else:
        print(f"Geen met de hand getypte getallen in {shown_path(path)}.")
    return 0


def _register_dir() -> Path:
    """The folder of the publication register the build reads: VTH_ASSETS_DIR, else the
    project's assets."""
    from vth_pipeline.paths import assets_dir
    from vth_pipeline.resources import SETTINGS_ENV

    return Path(os.environ.get(SETTINGS_ENV["assets_dir"]) or assets_dir())


def cmd_release(args: argparse.Namespace) -> int:
    """Record the next version of a built year, rebuild its publication so the report names it
    (and a correction the figures it changed against the previous release), then record the
    sha256 of the released manifest.json and keep the released files in the archive."""
    import datetime as dt
    import tempfile

    from vth_pipeline.diff import changes_csv, folder_changes
    from vth_pipeline.publish.register import (
        REGISTER_FILE,
        RegisterError,
        corrections_path,
        record_manifest,
        register_release,
        releases,
    )
    from vth_pipeline.release import ReleaseError, archive_release, lay_out_release, released_row
    from vth_pipeline.resources import resolved, settings_from_env, warehouse_from_env
    from vth_pipeline.runner import Runner

    folder = _register_dir()
    year_dir = Path(args.out) / str(args.year)
    if not (year_dir / "manifest.json").is_file():
        print(
            f"fout: {year_dir / 'manifest.json'} bestaat niet: bouw {args.year} eerst (vth build)",
            file=sys.stderr,
        )
        return 2
    settings = resolved(settings_from_env(raw_dir=args.raw_dir, out_dir=args.out))
    settings = settings.model_copy(update={"assets_dir": str(folder)})
    archive = Path(settings.archive_dir)
    register = folder / REGISTER_FILE
    before = register.read_text(encoding="utf-8") if register.exists() else None
    earlier = releases(folder, args.year)
    with tempfile.TemporaryDirectory(prefix="vth-release-") as tmp:
        try:
            datum = dt.date.fromisoformat(args.datum) if args.datum else dt.date.today()
            changes = None
            row = register_release(folder, args.year, datum, args.toelichting or "")
        except (RegisterError, ValueError) as e:
            print(f"fout: {e}", file=sys.stderr)
            return 2
        try:  # a correction: the figures it changes against the release it replaces
            if earlier:
                previous = released_row(folder, args.year, int(earlier[-1]["versie"]))
                old = lay_out_release(archive, previous["manifest_sha256"], Path(tmp) / "vorige")
                changes = folder_changes(old, year_dir)
        except ReleaseError as e:  # released before manifests were recorded: say so, go on
            print(f"let op: de gewijzigde cijfers zijn niet te bepalen: {e}")
        corrections = corrections_path(folder, args.year, row["versie"])
        if changes is not None:
            corrections.parent.mkdir(parents=True, exist_ok=True)
            corrections.write_text(changes_csv(changes), encoding="utf-8")
        _quiet_dagster()
        print(
            f"Versie {row['versie']} van {args.year}: de publicatie opnieuw maken ...", flush=True
        )
        runner = Runner(settings, warehouse_from_env(args.warehouse))
        failed = [r for r in runner.build([args.year], stages=["publicatie"]) if not r.success]
        if not failed and changes is not None and folder_changes(old, year_dir) != changes:
            failed = ["de tabellen veranderden bij het opnieuw maken"]
        if failed:
            if before is None:
                register.unlink()
            else:
                register.write_text(before, encoding="utf-8")
            corrections.unlink(missing_ok=True)
            why = getattr(failed[0], "error", failed[0])
            print(f"fout: niet vrijgegeven, het register is niet gewijzigd: {why}", file=sys.stderr)
            return 1
    sha = archive_release(year_dir, archive, args.year)
    record_manifest(folder, args.year, row["versie"], sha)
    print(
        f"Vastgelegd in {register}: Staat van VTH {row['jaar']}, versie {row['versie']}, "
        f"{row['datum']}, manifest.json sha256 {sha}."
    )
    if changes is not None:
        print(
            f"Gewijzigde cijfers ten opzichte van versie {earlier[-1]['versie']}: "
            f"{len(changes)} ({corrections})."
        )
    print(
        f"De vrijgegeven bestanden staan in het archief ({archive}). Leg het register vast in "
        "git: de geschiedenis ervan is het anker waartegen vth verify het jaar toetst."
    )
    return 0


def cmd_portaal(args: argparse.Namespace) -> int:
    from vth_pipeline.portaal.cli import main as portaal

    return portaal(args.args)


def cmd_diff(args: argparse.Namespace) -> int:
    """The figures that differ between two versions of a year (exit 1 when some do)."""
    import tempfile

    from vth_pipeline.diff import changes_csv, folder_changes
    from vth_pipeline.release import ReleaseError, lay_out_release, released_row
    from vth_pipeline.resources import resolved, settings_from_env

    wanted = 1 if args.release else 2
    if len(args.folders) != wanted:
        print(
            "fout: geef twee mappen (OUT_A/JAAR OUT_B/JAAR), of --release JAAR en één map",
            file=sys.stderr,
        )
        return 2
    missing = [f for f in args.folders if not (Path(f) / "tabellen").is_dir()]
    if missing:
        print(f"fout: {Path(missing[0]) / 'tabellen'} bestaat niet", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="vth-diff-") as tmp:
        if args.release:
            archive = Path(args.archief or resolved(settings_from_env()).archive_dir)
            try:
                row = released_row(_register_dir(), args.release, args.versie)
                old = lay_out_release(archive, row["manifest_sha256"], Path(tmp))
            except ReleaseError as e:
                print(f"fout: {e}", file=sys.stderr)
                return 2
            names = f"versie {row['versie']} van {args.release} (vrijgegeven {row['datum']})"
            new = Path(args.folders[0])
        else:
            old, new = (Path(f) for f in args.folders)
            names = str(old)
        changes = folder_changes(old, new)
        if args.csv:
            Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
            Path(args.csv).write_text(changes_csv(changes), encoding="utf-8")
    if not changes:
        print(f"geen cijfers gewijzigd: {names} → {new}")
    else:
        print(f"{len(changes)} cijfer(s) gewijzigd: {names} → {new} (oud → nieuw)")
        print("\n".join(f"  {c.line()}" for c in changes))
    if args.csv:
        print(f"Tabel: {args.csv}")
    return 1 if changes else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vth", description="De pipeline van de Staat van VTH.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="bouw de publicatie uit de leveringen")
    b.add_argument("--raw-dir", default="data/raw", help="map met leveringen (data/raw)")
    b.add_argument("--out", default="publicatie", help="map voor de publicatie")
    b.add_argument("--warehouse", default=None, help="DuckDB-bestand (data/warehouse/vth.duckdb)")
    b.add_argument("--year", type=int, action="append", help="verslagjaar (herhaalbaar)")
    b.add_argument("--max-file-bytes", type=int, default=None, help="grootte-grens per bestand")
    b.add_argument(
        "--alleen-gewijzigd",
        action="store_true",
        help="bouw alleen wat leest uit leveringen die sinds de vorige bouw veranderd zijn "
        "(niet na een wijziging van code of referentiedata)",
    )
    b.set_defaults(func=cmd_build)

    c = sub.add_parser("check", help="controleer leveringsbestanden zoals de pipeline dat doet")
    c.add_argument("files", nargs="+", help="CSV- of XLSX-bestand(en)")
    c.add_argument("--partner", help="partnercode (anders uit de map: <jaar>/<partner>/)")
    c.add_argument("--year", type=int, help="verslagjaar (anders uit de map)")
    c.add_argument(
        "--soort", choices=sorted(FILE_KINDS), help="soort levering (anders uit de bestandsnaam)"
    )
    c.add_argument("--raw-dir", help="map met de overige leveringen (voor het Seveso-register)")
    c.add_argument("--report", default="vth-check-rapport.xlsx", help="rapport (XLSX)")
    c.add_argument("--max-file-bytes", type=int, default=None)
    c.set_defaults(func=cmd_check)

    v = sub.add_parser(
        "verify", help="herbouw een gepubliceerd jaar uit het archief en vergelijk met manifest"
    )
    v.add_argument("folder", help="map van het gepubliceerde jaar (OUT/JAAR)")
    v.add_argument("--archief", help="archief (data/warehouse/archief)")
    v.set_defaults(func=cmd_verify)

    li = sub.add_parser("lineage", help="herkomst van een gepubliceerd cijfer")
    li.add_argument("--year", type=int, required=True, help="verslagjaar")
    li.add_argument("--figuur", required=True, help="cijfer, zoals in landelijk.csv")
    li.add_argument("--partner", help="alleen deze partner")
    li.add_argument("--warehouse", help="DuckDB-bestand (data/warehouse/vth.duckdb)")
    li.add_argument("--csv", help="schrijf de herkomst ook als tabel (CSV)")
    li.set_defaults(func=cmd_lineage)

    r = sub.add_parser("release", help="leg een versie van een jaar vast in het publicatieregister")
    r.add_argument("--year", type=int, required=True, help="verslagjaar")
    r.add_argument("--datum", help="publicatiedatum JJJJ-MM-DD (anders vandaag)")
    r.add_argument("--toelichting", help="wat een correctie verandert (verplicht vanaf versie 2)")
    r.add_argument("--out", default="publicatie", help="map van de publicatie")
    r.add_argument("--raw-dir", default="data/raw", help="map met leveringen (voor de links)")
    r.add_argument("--warehouse", help="DuckDB-bestand (data/warehouse/vth.duckdb)")
    r.set_defaults(func=cmd_release)

    df = sub.add_parser(
        "diff", help="welke cijfers verschillen tussen twee versies van een jaar (tabel, cel)"
    )
    df.add_argument("folders", nargs="+", help="OUT_A/JAAR OUT_B/JAAR, of met --release één map")
    df.add_argument(
        "--release", type=int, metavar="JAAR", help="vergelijk met de vrijgegeven versie"
    )
    df.add_argument("--versie", type=int, help="met --release: deze versie (anders de laatste)")
    df.add_argument("--archief", help="archief (data/warehouse/archief)")
    df.add_argument("--csv", help="schrijf de verschillen ook als tabel (CSV)")
    df.set_defaults(func=cmd_diff)

    t = sub.add_parser(
        "tekst", help="toon het rapport van een jaar met de teksten, zonder opnieuw te bouwen"
    )
    t.add_argument("--year", type=int, required=True, help="verslagjaar")
    t.add_argument("--out", default="publicatie", help="map van de publicatie")
    t.add_argument("--warehouse", help="DuckDB-bestand (data/warehouse/vth.duckdb)")
    t.add_argument("--raw-dir", default="data/raw", help="map met leveringen (voor de links)")
    t.set_defaults(func=cmd_tekst)

    # the portal parses its own options (vth portaal --help); '+' keeps argparse off them here
    pt = sub.add_parser("portaal", help="het leverportaal (vth portaal --help)", add_help=False,
                        prefix_chars="+")  # fmt: skip
    pt.add_argument("args", nargs=argparse.REMAINDER)
    pt.set_defaults(func=cmd_portaal)

    d = sub.add_parser(
        "docs", help="schrijf de documentatie van de aanleverspecificatie en de omgevingsvariabelen"
    )
    d.add_argument("--out", default="docs/aanlevering.md")
    d.set_defaults(func=cmd_docs)

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
