"""`vth verify OUT/JAAR`: rebuild a published year from the archive, compare with its manifest.

The inputs come from the archive, never from `data/raw` (which may have moved on): a temporary
raw folder is laid out again from the archived bytes under their original paths, the reference
files likewise, and the year (with the earlier years its manifest says it used) is built by the
same asset graph into a temporary folder. Every output's sha256 is then compared with the
manifest. Checks that need no rebuild come first (the published files against the manifest,
the archived inputs against their sha256); when one fails the rebuild is not attempted. A CSV
table that differs is compared cell by cell, so the verdict tells figures from presentation;
the exit codes (KIND_CODES) are documented for auditors in docs/audit.md.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from dagster_duckdb import DuckDBResource

from vth_pipeline.diff import table_changes
from vth_pipeline.ingest.archive import append_index, archive_path, read_index
from vth_pipeline.ingest.discovery import raw_folder_key
from vth_pipeline.publish.manifest import (
    MANIFEST,
    UNKNOWN,
    _git,
    code_info,
    output_files,
    read_manifest,
    sha256_bytes,
)
from vth_pipeline.release import anchor
from vth_pipeline.resources import VthSettings, assets_dir, project_root
from vth_pipeline.runner import Runner
from vth_pipeline.validation.suites import expectations_dir

MAX_SHOWN = 20


# Exit codes of `vth verify` (docs/audit.md); 2 is a usage error (no manifest.json).
IDENTICAL = 0
OTHER = 1  # the published year differs from its own manifest, or the rebuild failed
PRESENTATION = 3  # the same figures, other bytes (report, images, workbook, byte layout)
FIGURES = 4  # a figure (a cell of a CSV table) or a delivery's status or counts differs
INPUTS = 5  # an input the manifest names is missing from the archive or its bytes changed

# Problem kinds: which exit code they lead to, the first kind present deciding.
KIND_CODES = {
    "invoer": INPUTS,
    "publicatie": OTHER,
    "cijfers": FIGURES,
    "presentatie": PRESENTATION,
}


@dataclass
class Problem:
    pad: str
    reden: str
    soort: str = "publicatie"  # invoer, publicatie, cijfers, presentatie
    sep: str = ": "  # a cell of a table: "tabellen/landelijk.csv controles: 1 → 2"

    def __str__(self) -> str:
        return f"{self.pad}{self.sep}{self.reden}"


@dataclass
class Verdict:
    jaar: int
    problems: list[Problem] = field(default_factory=list)
    inputs: int = 0
    outputs: int = 0
    rebuilt: bool = False
    seconds: float = 0.0
    code_note: str | None = None

    code_lines: list[str] = field(default_factory=list)
    register_line: str | None = None  # the manifest against the publication register
    notes: list[str] = field(default_factory=list)  # reported, not a difference (two_contents)

    @property
    def ok(self) -> bool:
        return self.rebuilt and not self.problems

    @property
    def exit_code(self) -> int:
        if self.ok:
            return IDENTICAL
        kinds = {p.soort for p in self.problems}
        return next((code for kind, code in KIND_CODES.items() if kind in kinds), OTHER)

    def line(self) -> str:
        """The verdict in one Dutch line."""
        if self.ok:
            note = f"; let op: {self.code_note}" if self.code_note else ""
            return (
                f"verificatie geslaagd: {self.jaar} herbouwd uit {self.inputs} gearchiveerde "
                f"bestanden; alle {self.outputs} uitvoerbestanden gelijk aan manifest.json "
                f"({self.seconds:.0f} s){note}"
            )
        what = {
            INPUTS: "invoer ontbreekt of is gewijzigd",
            FIGURES: "cijfers wijken af",
            PRESENTATION: "zelfde cijfers, andere bytes (alleen presentatie)",
        }.get(self.exit_code, "afwijking")
        return (
            f"verificatie MISLUKT voor {self.jaar}: {what}; {len(self.problems)} afwijking(en)"
            + ("" if self.rebuilt else " (niet herbouwd)")
        )


def _archived(archive_dir: Path, sha: str, pad: str) -> Path:
    return archive_path(archive_dir, sha, Path(pad).suffix.lstrip(".").lower() or None)


def check_published(folder: Path, manifest: dict[str, Any]) -> list[Problem]:
    """The published files against the manifest's sha256 (a changed or added file is named)."""
    listed = {f["pad"]: f["sha256"] for f in manifest["uitvoer"]}
    present = {f["pad"]: f["sha256"] for f in output_files(folder)}
    problems = [
        Problem(pad, "gepubliceerd bestand ontbreekt") for pad in sorted(listed.keys() - present)
    ]
    problems += [
        Problem(pad, "gepubliceerd bestand staat niet in manifest.json")
        for pad in sorted(present.keys() - listed)
    ]
    problems += [
        Problem(pad, "gepubliceerd bestand gewijzigd: sha256 wijkt af van manifest.json")
        for pad in sorted(listed.keys() & present)
        if listed[pad] != present[pad]
    ]
    return problems


def inputs_of(manifests: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(kind of input, pad, sha256): every delivery of the years and the year's reference files."""
    files = [
        ("levering", d["pad"], d["sha256"])
        for m in manifests
        for d in m["leveringen"]
        if d["sha256"]  # a link out of the raw folder was never read nor archived
    ]
    return files + [("referentie", r["pad"], r["sha256"]) for r in manifests[-1]["referentie"]]


def check_inputs(archive_dir: Path, inputs: list[tuple[str, str, str]]) -> list[Problem]:
    """Every input the manifests name must be in the archive with exactly its bytes. An
    archive folder that is not there is one problem, not one per input (a wrong folder)."""
    if not archive_dir.is_dir():
        return [
            Problem(
                str(archive_dir),
                f"het archief bestaat niet, dus ontbreken alle {len(inputs)} invoerbestanden; "
                "geef de map van het archief met --archief of VTH_ARCHIVE_DIR",
                "invoer",
            )
        ]
    problems = []
    for _, pad, sha in inputs:
        path = _archived(archive_dir, sha, pad)
        if not path.is_file():
            problems.append(Problem(pad, f"invoer ontbreekt in het archief ({path})", "invoer"))
        elif sha256_bytes(path) != sha:
            problems.append(
                Problem(pad, f"invoer in het archief gewijzigd: sha256 wijkt af ({path})", "invoer")
            )
    return problems


def two_contents(
    archive_dir: Path, manifests: list[dict[str, Any]], index: list[dict[str, Any]] | None = None
) -> tuple[list[Problem], list[str]]:
    """Every delivery the manifests name whose path the archive index also holds with other
    bytes, in the same raw folder (`map`): the delivery was changed under its name (v1.3). The
    archive keeps both contents, so nothing is missing, but the auditor must hear of it.

    (problems, notes): a change the manifest records (status `gewijzigd` with the other
    content as `vorige_sha256`) is what the year was built from and reported by the build: a
    note, the verdict stands. Another content the manifest does not account for (the file
    changed again after the build, or the record is missing) is a problem: inputs changed."""
    index = read_index(archive_dir) if index is None else index
    delivered = [(d, d["pad"], d["sha256"]) for m in manifests for d in m["leveringen"]]
    if not index or not delivered:
        return [], []
    text = {"pad": pl.String, "sha256": pl.String, "map": pl.String, "eerst_gezien": pl.String}
    frame = pl.DataFrame(
        [(e.get("pad"), e.get("sha256"), e.get("map") or "", e.get("eerst_gezien")) for e in index],
        schema=text,
        orient="row",
    )
    named = pl.DataFrame(
        [(pad, sha) for _, pad, sha in delivered if sha],
        schema={"pad": pl.String, "sha256": pl.String},
        orient="row",
    )
    # the raw folders where the named bytes were seen under their path, then every other
    # content the index holds for that path in those folders (first seen first)
    seen = frame.join(named, on=["pad", "sha256"]).select(
        "pad", "map", named_sha="sha256", named_seen="eerst_gezien"
    )
    others = (
        frame.join(seen, on=["pad", "map"])
        .filter(pl.col("sha256") != pl.col("named_sha"))
        .group_by("pad", "named_sha", "sha256")
        .agg(pl.col("named_seen").min(), pl.col("eerst_gezien").min())
        .sort("pad", "eerst_gezien", "sha256")
    )
    status = {pad: d for d, pad, _ in delivered}
    problems, notes = [], []
    for pad, named, other, named_seen, seen_at in others.iter_rows():
        said = (
            f"twee inhouden onder één pad in het archief (index.jsonl): manifest.json noemt "
            f"sha256 {named} (eerst gezien {named_seen or '?'}), het archief "
            f"kent ook sha256 {other} (eerst gezien {seen_at or '?'}); de levering is onder "
            "dezelfde naam veranderd"
        )
        if status[pad].get("vorige_sha256") == other:
            notes.append(f"{pad}: {said} (de build meldde dit: status gewijzigd)")
        else:
            problems.append(Problem(pad, f"{said}, niet vermeld in manifest.json", "invoer"))
    return problems, notes


def code_difference(manifest: dict[str, Any]) -> str | None:
    """How the running code differs from the code the year was built with, if it does."""
    then, now = manifest["code"], code_info(project_root())
    diffs = [
        f"{key} {then.get(key)} -> {now.get(key)}"
        for key in ("versie", "git_commit", "git_dirty")
        if then.get(key) != now.get(key)
    ]
    packages = sorted(
        name
        for name in then.get("pakketten", {}).keys() | now["pakketten"].keys()
        if then.get("pakketten", {}).get(name) != now["pakketten"].get(name)
    )
    if packages:
        diffs.append("pakketten " + ", ".join(packages[:5]))
    suites = [
        s["pad"]
        for s in manifest["verwachtingen"]
        if s["sha256"] != _sha_or_none(expectations_dir() / Path(s["pad"]).name)
    ]
    if suites:
        diffs.append("verwachtingen " + ", ".join(suites[:5]))
    return "andere codeversie: " + "; ".join(diffs) if diffs else None


PACKAGE_PATHS = ("vth_pipeline", "assets", "expectations", "pyproject.toml", "constraints.txt")


def changed_since(commit: str | None, root: Path) -> list[str] | None:
    """The package's files that differ from `commit` in the checkout at `root` (committed or
    not), or None when git cannot tell (no checkout, commit unknown or not in this clone)."""
    if (
        not commit
        or commit == UNKNOWN
        or _git(root, "cat-file", "-e", f"{commit}^{{commit}}") is None
    ):
        return None
    out = _git(root, "diff", "--name-only", commit, "--", *PACKAGE_PATHS)
    return None if out is None else sorted(line for line in out.splitlines() if line)


def code_report(manifest: dict[str, Any], root: Path | None = None) -> list[str]:
    """Whether the running code is the code the manifest names (version, commit, dirty flag,
    packages), and if not, what differs and which of the package's files changed since that
    commit when git can tell. Dutch lines, the first of the verdict."""
    root = root or project_root()
    then, now = manifest["code"], code_info(root)
    short = str(then.get("git_commit"))[:12]
    diffs = [
        f"{key} {then.get(key)} → {now.get(key)}"
        for key in ("versie", "git_commit", "git_dirty")
        if then.get(key) != now.get(key)
    ]
    old_pk, new_pk = then.get("pakketten", {}), now["pakketten"]
    packages = [
        f"{name} {old_pk.get(name, '–')} → {new_pk.get(name, '–')}"
        for name in sorted(old_pk.keys() | new_pk.keys())
        if old_pk.get(name) != new_pk.get(name)
    ]
    if not diffs and not packages:
        dirty = then.get("git_dirty")
        state = {True: "met lokale wijzigingen", False: "zonder lokale wijzigingen"}.get(
            dirty, "git-status onbekend"
        )
        lines = [
            f"code: dezelfde als in manifest.json (vth-pipeline {then.get('versie')}, commit "
            f"{short}, {state}, {len(old_pk)} pakketten gelijk)"
        ]
        if not dirty:
            return lines
    else:
        lines = ["code: NIET dezelfde als in manifest.json: " + "; ".join(diffs or ["—"])]
        if packages:
            shown = ", ".join(packages[:8]) + (
                f" en {len(packages) - 8} meer" * (len(packages) > 8)
            )
            lines.append(f"  pakketten: {shown}")
    changed = changed_since(then.get("git_commit"), root)
    if changed is None:
        lines.append(
            f"  welke bestanden sinds commit {short} veranderden, kan git hier niet zeggen"
        )
    elif changed:
        more = f" en {len(changed) - 10} meer" if len(changed) > 10 else ""
        lines.append(f"  gewijzigd sinds commit {short}: {', '.join(changed[:10])}{more}")
    else:
        lines.append(f"  geen bestand van het pakket gewijzigd sinds commit {short}")
    return lines


def _sha_or_none(path: Path) -> str | None:
    return sha256_bytes(path) if path.is_file() else None


def lay_out(
    archive_dir: Path,
    inputs: list[tuple[str, str, str]],
    raw: Path,
    ref: Path,
    neighbours: Iterable[int] = (),
) -> None:
    """The raw folder and reference folder again, from the archive, under the original paths.

    The neighbouring years the manifest records (`buren`, the report's links) get a folder of
    their own, empty when the year read none of their files: the report links to a year when
    the raw folder has one, so the rebuilt report links the same years as the published one."""
    for kind, pad, sha in inputs:
        target = (raw if kind == "levering" else ref) / pad
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_archived(archive_dir, sha, pad), target)
    for year in neighbours:
        (raw / str(year)).mkdir(exist_ok=True)


def table_differences(pad: str, before: Path, after: Path) -> list[str]:
    """The cells of a CSV table that differ, in Dutch: `controles: 11722 → 11723` (the row named
    by its leading columns, the column added when it is not `waarde`); `vth diff` compares
    with the same function (diff.table_changes)."""
    return [
        c.text("ontbreekt bij herbouw", "alleen bij herbouw")
        for c in table_changes(pad, before, after)
    ]


def _same_frame(before: Path, after: Path) -> bool:
    """Two Parquet files hold the same table (schema and values), whatever their bytes."""
    try:
        return pl.read_parquet(before).equals(pl.read_parquet(after))
    except (OSError, pl.exceptions.PolarsError):
        return False


def _order(pad: str) -> tuple[int, str]:
    """CSV tables first, then other files, the images of the figures last."""
    if pad.endswith(".csv"):
        return 0, pad
    return (2 if pad.startswith("figuren/") and pad.endswith(".png") else 1), pad


def compare_outputs(
    rebuilt: Path, manifest: dict[str, Any], why: str | None, published: Path | None = None
) -> list[Problem]:
    """Rebuilt files against the manifest. A CSV table that differs is compared cell by cell
    with the published one (`published`, checked against the manifest before): each cell that
    differs is a problem of kind `cijfers`; a table whose cells are all equal, and every other
    file, differ in presentation only. The likely cause is named with a file."""
    listed = {f["pad"]: f["sha256"] for f in manifest["uitvoer"]}
    made = {f["pad"]: f["sha256"] for f in output_files(rebuilt)}
    cause = f" ({why})" if why else ""

    def kind(pad: str) -> str:
        return "cijfers" if pad.endswith((".csv", ".parquet")) else "presentatie"

    problems = []
    for pad in sorted(listed.keys() | made.keys(), key=_order):
        if pad not in made:
            problems.append(Problem(pad, f"niet opnieuw gemaakt bij herbouw{cause}", kind(pad)))
        elif pad not in listed:
            problems.append(
                Problem(pad, f"bij herbouw gemaakt maar niet in manifest.json{cause}", kind(pad))
            )
        elif listed[pad] != made[pad]:
            before = published / pad if published else None
            if before and pad.endswith(".csv"):
                cells = table_differences(pad, before, rebuilt / pad)
                problems += [Problem(pad, c, "cijfers", " ") for c in cells] or [
                    Problem(pad, f"zelfde cijfers, andere bytes{cause}", "presentatie")
                ]
            elif before and pad.endswith(".parquet") and _same_frame(before, rebuilt / pad):
                problems.append(Problem(pad, f"zelfde cijfers, andere bytes{cause}", "presentatie"))
            else:
                problems.append(
                    Problem(
                        pad, f"uitvoer wijkt af bij herbouw: sha256 is anders{cause}", kind(pad)
                    )
                )
    return problems


def compare_deliveries(rebuilt: dict[str, Any], manifest: dict[str, Any]) -> list[Problem]:
    """The status and row counts per delivery file (the earlier years' too) must come out the
    same."""
    keys = ["leveringen"] + ["leveringen_vorige_jaren"] * ("leveringen_vorige_jaren" in manifest)
    before = {d["pad"]: d for key in keys for d in manifest[key]}
    return [
        Problem(
            d["pad"], "levering krijgt bij herbouw een andere status of andere aantallen", "cijfers"
        )
        for key in keys
        for d in rebuilt.get(key, [])
        if before.get(d["pad"]) != d
    ]


def changed_bytes(manifests: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """(pad, previous sha256) of every delivery the manifests record as changed in place."""
    return sorted(
        (d["pad"], d["vorige_sha256"])
        for m in manifests
        for d in m["leveringen"]
        if d.get("vorige_sha256")
    )


def verify(
    folder: Path, archive_dir: Path, work: Path | None = None, assets: Path | None = None
) -> Verdict:
    """Check a published year against its manifest by rebuilding it from the archive; with
    `assets` (the register's folder), a released year's manifest against the register first."""
    t0 = time.monotonic()
    folder, archive_dir = Path(folder), Path(archive_dir)
    manifest = read_manifest(folder)
    year = int(manifest["jaar"])
    verdict = Verdict(year)
    if assets is not None:
        found = anchor(folder, year, Path(assets))
        if found.ok:
            verdict.register_line = found.line
        else:
            verdict.problems.append(Problem(MANIFEST, found.line))
    verdict.problems += check_published(folder, manifest)
    manifests = []
    if "leveringen_vorige_jaren" in manifest:  # the manifest names the earlier years' inputs
        manifests.append({"leveringen": manifest["leveringen_vorige_jaren"]})
    else:  # older manifests: the earlier years' inputs are in their manifests beside this one
        for earlier in manifest.get("vorige_jaren", []):
            path = folder.parent / str(earlier) / MANIFEST
            if path.is_file():
                manifests.append(read_manifest(path.parent))
            else:
                verdict.problems.append(
                    Problem(
                        str(path),
                        f"invoer ontbreekt: {year} is gebouwd met {earlier} erbij",
                        "invoer",
                    )
                )
    manifests.append(manifest)
    inputs = inputs_of(manifests)
    verdict.inputs = len(inputs)
    verdict.problems += check_inputs(archive_dir, inputs)
    changed, verdict.notes = two_contents(archive_dir, manifests)
    verdict.problems += changed
    verdict.code_note = code_difference(manifest)
    verdict.code_lines = code_report(manifest)
    if verdict.problems:
        verdict.seconds = time.monotonic() - t0
        return verdict
    with tempfile.TemporaryDirectory(prefix="vth-verify-", dir=work) as tmp:
        rebuilt = _rebuild(
            Path(tmp),
            archive_dir,
            inputs,
            year,
            manifest["vorige_jaren"],
            sorted(manifest.get("buren", {}).values()),  # absent from older manifests
            changed_bytes(manifests),
            assets,
        )
        if isinstance(rebuilt, Problem):
            verdict.problems.append(rebuilt)
        else:
            verdict.rebuilt = True
            year_out = rebuilt / str(year)
            verdict.outputs = len(manifest["uitvoer"])
            found = compare_outputs(year_out, manifest, verdict.code_note, folder)
            found += compare_deliveries(read_manifest(year_out), manifest)
            # figures first (the cells of the tables, the deliveries), then the other files
            verdict.problems += sorted(found, key=lambda p: p.soort != "cijfers")
    verdict.seconds = time.monotonic() - t0
    return verdict


def _rebuild(
    tmp: Path,
    archive_dir: Path,
    inputs: list[tuple[str, str, str]],
    year: int,
    earlier: Iterable[int],
    neighbours: Iterable[int] = (),
    history: Iterable[tuple[str, str]] = (),
    assets: Path | None = None,
) -> Path | Problem:
    """Build the year into `tmp` from the re-laid inputs; the output folder, or why not. The
    earlier years it read are built as `vth build` builds a year's earlier years: their data
    only, not their publication (not compared, and a publication a year takes seconds).

    `history`: (pad, previous sha256) of deliveries whose bytes had changed under their path;
    the rebuild's archive is told of the previous bytes first, so it finds the same change
    (status `gewijzigd`) as the build did."""
    raw, ref = tmp / "raw", tmp / "referentie"
    raw.mkdir()
    ref.mkdir()
    lay_out(archive_dir, inputs, raw, ref, neighbours)
    folder = raw_folder_key(raw)
    append_index(
        tmp / "archief", [{"sha256": sha, "pad": pad, "map": folder} for pad, sha in history]
    )
    settings = VthSettings(
        raw_dir=str(raw),
        reference_dir=str(ref),
        out_dir=str(tmp / "out"),
        archive_dir=str(tmp / "archief"),
        assets_dir=str(assets or assets_dir()),  # the register and texts the build read
    )
    runner = Runner(settings, DuckDBResource(database=str(tmp / "vth.duckdb")))
    for r in runner.build([year], overview=False, earlier=earlier):
        if not r.success:
            return Problem(f"{r.job} {r.year or ''}".strip(), f"herbouw mislukt: {r.error}")
    return tmp / "out"


def report_lines(verdict: Verdict) -> list[str]:
    """Whether the code is the manifest's, the verdict line, then the first differences
    (figures first; Dutch, for the auditor)."""
    lines = [*verdict.code_lines, *filter(None, [verdict.register_line]), verdict.line()]
    lines += [f"  let op: {note}" for note in verdict.notes]
    lines += [f"  {p}" for p in verdict.problems[:MAX_SHOWN]]
    if len(verdict.problems) > MAX_SHOWN:
        lines.append(f"  ... en {len(verdict.problems) - MAX_SHOWN} meer")
    return lines
