"""`vth verify OUT/JAAR`: rebuild a published year from the archive, compare with its manifest.

The inputs come from the archive, never from `data/raw` (which may have moved on): a temporary
raw folder is laid out again from the archived bytes under their original paths, the reference
files likewise, and the year (with the earlier years its manifest says it used) is built by the
same asset graph into a temporary folder. Every output's sha256 is then compared with the
manifest. Checks that need no rebuild come first (the published files against the manifest,
the archived inputs against their sha256); when one fails the rebuild is not attempted.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagster_duckdb import DuckDBResource

from vth_pipeline.ingest.archive import archive_path
from vth_pipeline.publish.manifest import (
    MANIFEST,
    code_info,
    output_files,
    read_manifest,
    sha256_bytes,
)
from vth_pipeline.resources import VthSettings, assets_dir, project_root
from vth_pipeline.runner import Runner
from vth_pipeline.validation.suites import expectations_dir

MAX_SHOWN = 10


@dataclass
class Problem:
    pad: str
    reden: str

    def __str__(self) -> str:
        return f"{self.pad}: {self.reden}"


@dataclass
class Verdict:
    jaar: int
    problems: list[Problem] = field(default_factory=list)
    inputs: int = 0
    outputs: int = 0
    rebuilt: bool = False
    seconds: float = 0.0
    code_note: str | None = None

    @property
    def ok(self) -> bool:
        return self.rebuilt and not self.problems

    def line(self) -> str:
        """The verdict in one Dutch line."""
        if self.ok:
            note = f"; let op: {self.code_note}" if self.code_note else ""
            return (
                f"verificatie geslaagd: {self.jaar} herbouwd uit {self.inputs} gearchiveerde "
                f"bestanden; alle {self.outputs} uitvoerbestanden gelijk aan manifest.json "
                f"({self.seconds:.0f} s){note}"
            )
        return f"verificatie MISLUKT voor {self.jaar}: {len(self.problems)} afwijking(en)" + (
            "" if self.rebuilt else " (niet herbouwd)"
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
    """Every input the manifests name must be in the archive with exactly its bytes."""
    problems = []
    for _, pad, sha in inputs:
        path = _archived(archive_dir, sha, pad)
        if not path.is_file():
            problems.append(Problem(pad, f"invoer ontbreekt in het archief ({path})"))
        elif sha256_bytes(path) != sha:
            problems.append(
                Problem(pad, f"invoer in het archief gewijzigd: sha256 wijkt af ({path})")
            )
    return problems


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


def compare_outputs(rebuilt: Path, manifest: dict[str, Any], why: str | None) -> list[Problem]:
    """Rebuilt files against the manifest; the likely cause is named with each difference."""
    listed = {f["pad"]: f["sha256"] for f in manifest["uitvoer"]}
    made = {f["pad"]: f["sha256"] for f in output_files(rebuilt)}
    cause = f" ({why})" if why else ""
    problems = [
        Problem(pad, f"niet opnieuw gemaakt bij herbouw{cause}")
        for pad in sorted(listed.keys() - made)
    ]
    problems += [
        Problem(pad, f"bij herbouw gemaakt maar niet in manifest.json{cause}")
        for pad in sorted(made.keys() - listed)
    ]
    problems += [
        Problem(pad, f"uitvoer wijkt af bij herbouw: sha256 is anders{cause}")
        for pad in sorted(listed.keys() & made)
        if listed[pad] != made[pad]
    ]
    return problems


def compare_deliveries(rebuilt: dict[str, Any], manifest: dict[str, Any]) -> list[Problem]:
    """The status and row counts per delivery file (the earlier years' too) must come out the
    same."""
    keys = ["leveringen"] + ["leveringen_vorige_jaren"] * ("leveringen_vorige_jaren" in manifest)
    before = {d["pad"]: d for key in keys for d in manifest[key]}
    return [
        Problem(d["pad"], "levering krijgt bij herbouw een andere status of andere aantallen")
        for key in keys
        for d in rebuilt.get(key, [])
        if before.get(d["pad"]) != d
    ]


def verify(folder: Path, archive_dir: Path, work: Path | None = None) -> Verdict:
    """Check a published year against its manifest by rebuilding it from the archive."""
    t0 = time.monotonic()
    folder, archive_dir = Path(folder), Path(archive_dir)
    manifest = read_manifest(folder)
    year = int(manifest["jaar"])
    verdict = Verdict(year)
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
                    Problem(str(path), f"invoer ontbreekt: {year} is gebouwd met {earlier} erbij")
                )
    manifests.append(manifest)
    inputs = inputs_of(manifests)
    verdict.inputs = len(inputs)
    verdict.problems += check_inputs(archive_dir, inputs)
    verdict.code_note = code_difference(manifest)
    if verdict.problems:
        verdict.seconds = time.monotonic() - t0
        return verdict
    with tempfile.TemporaryDirectory(prefix="vth-verify-", dir=work) as tmp:
        rebuilt = _rebuild(
            Path(tmp),
            archive_dir,
            inputs,
            [*manifest["vorige_jaren"], year],
            sorted(manifest.get("buren", {}).values()),  # absent from older manifests
        )
        if isinstance(rebuilt, Problem):
            verdict.problems.append(rebuilt)
        else:
            verdict.rebuilt = True
            year_out = rebuilt / str(year)
            verdict.outputs = len(manifest["uitvoer"])
            verdict.problems += compare_outputs(year_out, manifest, verdict.code_note)
            verdict.problems += compare_deliveries(read_manifest(year_out), manifest)
    verdict.seconds = time.monotonic() - t0
    return verdict


def _rebuild(
    tmp: Path,
    archive_dir: Path,
    inputs: list[tuple[str, str, str]],
    years: list[int],
    neighbours: Iterable[int] = (),
) -> Path | Problem:
    """Build the years into `tmp` from the re-laid inputs; the output folder, or why not."""
    raw, ref = tmp / "raw", tmp / "referentie"
    raw.mkdir()
    ref.mkdir()
    lay_out(archive_dir, inputs, raw, ref, neighbours)
    settings = VthSettings(
        raw_dir=str(raw),
        reference_dir=str(ref),
        out_dir=str(tmp / "out"),
        archive_dir=str(tmp / "archief"),
        assets_dir=str(assets_dir()),
    )
    runner = Runner(settings, DuckDBResource(database=str(tmp / "vth.duckdb")))
    for r in runner.build(years, overview=False):
        if not r.success:
            return Problem(f"{r.job} {r.year or ''}".strip(), f"herbouw mislukt: {r.error}")
    return tmp / "out"


def report_lines(verdict: Verdict) -> list[str]:
    """The verdict line, then the first differences (Dutch, for the auditor)."""
    lines = [verdict.line()]
    lines += [f"  {p}" for p in verdict.problems[:MAX_SHOWN]]
    if len(verdict.problems) > MAX_SHOWN:
        lines.append(f"  ... en {len(verdict.problems) - MAX_SHOWN} meer")
    if verdict.problems and verdict.code_note:
        lines.append(f"  {verdict.code_note}")
    return lines
