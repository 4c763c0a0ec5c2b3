"""What a release leaves behind outside the publication folder, and how it is read back.

`vth release` records the sha256 of the released `manifest.json` in the register
(`assets/publicaties.csv`, committed with the code: git's history of the register is the
anchor) and keeps the released files in the archive by content, like the deliveries
(`index.jsonl`: soort `publicatie`, pad `publicatie/<jaar>/<pad>`). From those two:

- `vth verify` of a released year checks the folder's manifest against the register
  (`anchor`): a manifest edited, or the year rebuilt, after its release is not what was released;
- `vth diff --release JAAR` and the correction notice of the next release compare with the
  tables of the previous release as released (`lay_out_release`), whatever the folder now holds.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from vth_pipeline.ingest.archive import append_index, archive_path, store
from vth_pipeline.publish.manifest import MANIFEST, _git, sha256_bytes
from vth_pipeline.publish.register import REGISTER_FILE, releases

SOORT = "publicatie"


def _ext(pad: str) -> str | None:
    return Path(pad).suffix.lstrip(".").lower() or None


def archive_release(folder: Path, archive_dir: Path, year: int) -> str:
    """Keep the released manifest and every file it lists in the archive; its sha256."""
    manifest_sha = sha256_bytes(folder / MANIFEST)
    listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["uitvoer"]
    files = [(MANIFEST, manifest_sha), *((f["pad"], f["sha256"]) for f in listed)]
    for pad, sha in files:
        store(folder / pad, archive_dir, sha, _ext(pad))
    append_index(
        archive_dir,
        [
            {"sha256": sha, "pad": f"{SOORT}/{year}/{pad}", "soort": SOORT, "partner_code": None}
            for pad, sha in files
        ],
    )
    return manifest_sha


class ReleaseError(ValueError):
    """A released version that cannot be read back; the message is Dutch."""


def lay_out_release(archive_dir: Path, manifest_sha: str, into: Path) -> Path:
    """The released manifest and its tables (`tabellen/*.csv`) again under `into`, from the
    archive by their sha256; `into`."""
    manifest = archive_path(archive_dir, manifest_sha, "json")
    if not manifest.is_file():
        raise ReleaseError(f"manifest.json van de release ontbreekt in het archief ({manifest})")
    into.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(manifest, into / MANIFEST)
    for f in json.loads(manifest.read_text(encoding="utf-8"))["uitvoer"]:
        if f["pad"].startswith("tabellen/") and f["pad"].endswith(".csv"):
            source = archive_path(archive_dir, f["sha256"], "csv")
            if not source.is_file():
                raise ReleaseError(f"{f['pad']} van de release ontbreekt in het archief ({source})")
            (into / f["pad"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, into / f["pad"])
    return into


def released_row(assets_dir: Path, year: int, versie: int | None = None) -> dict[str, str]:
    """The register row of a release (the latest when no version is given) that names its
    manifest's sha256."""
    rows = [r for r in releases(assets_dir, year) if versie is None or r["versie"] == str(versie)]
    if not rows:
        what = f"versie {versie} van {year}" if versie else str(year)
        raise ReleaseError(f"{what} staat niet in het publicatieregister ({REGISTER_FILE})")
    row = rows[-1]
    if not row["manifest_sha256"]:
        raise ReleaseError(
            f"versie {row['versie']} van {year} is vrijgegeven zonder sha256 van manifest.json "
            "(vóór die werd vastgelegd): de vrijgegeven tabellen zijn niet terug te vinden"
        )
    return row


@dataclass
class Anchor:
    """The folder's manifest against the register: `ok` False only when the register names a
    released manifest and this one is none of them."""

    line: str
    ok: bool = True


def git_record(assets_dir: Path, sha: str) -> str:
    """Which commit put `sha` into the register, in Dutch, or that git does not hold it."""
    register = (assets_dir / REGISTER_FILE).resolve()
    out = _git(register.parent, "log", "--format=%h %cs", "-S", sha, "--", register.name)
    if out is None:
        return "git kan hier niet zeggen wanneer het is vastgelegd"
    commits = out.split()
    if not commits:
        return "nog niet vastgelegd in git: leg het register vast"
    # `git log` lists newest first: the commit that added the hash is the last
    return f"vastgelegd in git in commit {commits[-2]} van {commits[-1]}"


def anchor(folder: Path, year: int, assets_dir: Path) -> Anchor:
    """Whether the folder's manifest.json is a released one, by the register's sha256."""
    rows = releases(assets_dir, year)
    if not rows:
        return Anchor(f"register: {year} is niet vrijgegeven (concept); niets om tegen te toetsen")
    actual = sha256_bytes(folder / MANIFEST)
    match = next((r for r in reversed(rows) if r["manifest_sha256"] == actual), None)
    latest = rows[-1]
    if match:
        later = (
            f"; let op: het register kent al versie {latest['versie']}"
            if match is not latest
            else ""
        )
        return Anchor(
            f"register: manifest.json is versie {match['versie']} van {year}, vrijgegeven op "
            f"{match['datum']} (sha256 {actual} in {REGISTER_FILE}, "
            f"{git_record(assets_dir, actual)}){later}"
        )
    recorded = [r for r in rows if r["manifest_sha256"]]
    if not recorded:
        return Anchor(
            f"register: versie {latest['versie']} van {year} is vrijgegeven zonder sha256 van "
            "manifest.json (vóór die werd vastgelegd); niet te toetsen"
        )
    last = recorded[-1]
    return Anchor(
        f"manifest.json is niet wat is vrijgegeven: sha256 {actual}, het register "
        f"({REGISTER_FILE}, versie {last['versie']} van {last['datum']}) noemt "
        f"{last['manifest_sha256']}",
        ok=False,
    )
