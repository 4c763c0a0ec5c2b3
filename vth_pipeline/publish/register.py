"""The publication register (`assets/publicaties.csv`): which version of a year was released
when, and why a later version replaced it.

A release is a decision of people, recorded with `vth release` and committed with the code, so
the report's version line and correction notice come from the register and never from the
build time: rebuilding a year gives the same bytes. A year without a row is a concept.

`manifest_sha256` is the sha256 of the released `manifest.json` (empty in rows released before
it was recorded): committed with the register, git's history of this file is the anchor that
`vth verify` checks a released year against. The file is always written whole, sorted by year
and version, so it is the same bytes whichever order releases were made in. The figures a
correction changed against the previous release are in `correcties/<jaar>-v<versie>.csv` beside
it (written by `vth release`, the format of `vth diff --csv`); the report names them.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from vth_pipeline.diff import Change, read_changes

REGISTER_FILE = "publicaties.csv"
COLUMNS = ("jaar", "versie", "datum", "toelichting", "manifest_sha256")
CORRECTIONS_DIR = "correcties"
SHOWN_CHANGES = 10  # figures named in the report's correction notice; the rest counted
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


class RegisterError(ValueError):
    """A release the register cannot take; the message is Dutch, for the person releasing."""


def dutch_date(iso: str) -> str:
    """`2026-12-03` as `3 december 2026`, as a Dutch reader writes a date."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _all_rows(assets_dir: Path) -> list[dict[str, str]]:
    """Every row of the register, each with every column (a column the file lacks is empty:
    rows written before it existed)."""
    path = assets_dir / REGISTER_FILE
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return [{c: (r.get(c) or "") for c in COLUMNS} for r in csv.DictReader(f)]


def _write(assets_dir: Path, rows: list[dict[str, str]]) -> None:
    """The whole register, header first, sorted by year and version (deterministic)."""
    ordered = sorted(rows, key=lambda r: (int(r["jaar"]), int(r["versie"])))
    path = assets_dir / REGISTER_FILE
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(ordered)
    tmp.replace(path)


def releases(assets_dir: Path, year: int) -> list[dict]:
    """The register's rows of one year, oldest version first."""
    rows = [r for r in _all_rows(assets_dir) if r["jaar"] == str(year)]
    return sorted(rows, key=lambda r: int(r["versie"]))


def corrections_path(assets_dir: Path, year: int, versie: int | str) -> Path:
    return assets_dir / CORRECTIONS_DIR / f"{year}-v{versie}.csv"


def changed_figures(assets_dir: Path, year: int, versie: int | str) -> dict | None:
    """The figures a correction changed against the previous release, as the report names
    them (the first SHOWN_CHANGES lines and how many more); None when not recorded."""
    path = corrections_path(assets_dir, year, versie)
    if not path.is_file():
        return None
    changes: list[Change] = read_changes(path)
    return {
        "regels": [c.line() for c in changes[:SHOWN_CHANGES]],
        "meer": max(0, len(changes) - SHOWN_CHANGES),
        "aantal": len(changes),
        "bestand": f"{CORRECTIONS_DIR}/{path.name}",
    }


def publication_info(assets_dir: Path, year: int) -> dict:
    """Version, Dutch date and correction notices of the year's latest release (None: concept);
    each correction with the figures it changed, when `vth release` recorded them."""
    rows = [
        r
        | {
            "datum": dutch_date(r["datum"]),
            "cijfers": changed_figures(assets_dir, year, r["versie"]),
        }
        for r in releases(assets_dir, year)
    ]
    latest = rows[-1] if rows else None
    return {
        "versie": latest["versie"] if latest else None,
        "datum": latest["datum"] if latest else None,
        "correcties": [r for r in rows if int(r["versie"]) > 1],
    }


def register_release(
    assets_dir: Path, year: int, datum: dt.date, toelichting: str = "", manifest_sha256: str = ""
) -> dict[str, str]:
    """Add the next version of `year` to the register and return its row.

    A second or later version is a correction: it must say what changed (the report prints it),
    and it cannot predate the version it replaces.
    """
    earlier = releases(assets_dir, year)
    versie = int(earlier[-1]["versie"]) + 1 if earlier else 1
    toelichting = " ".join(toelichting.split())
    if versie > 1 and not toelichting:
        raise RegisterError(
            f"versie {versie} van {year} is een correctie: geef met --toelichting aan wat er "
            "is veranderd (dat staat in het rapport)"
        )
    if earlier and datum < dt.date.fromisoformat(earlier[-1]["datum"]):
        raise RegisterError(
            f"datum {datum.isoformat()} ligt voor versie {earlier[-1]['versie']} van {year} "
            f"({earlier[-1]['datum']})"
        )
    row = {
        "jaar": str(year),
        "versie": str(versie),
        "datum": datum.isoformat(),
        "toelichting": toelichting,
        "manifest_sha256": manifest_sha256,
    }
    _write(assets_dir, [*_all_rows(assets_dir), row])
    return row


def record_manifest(assets_dir: Path, year: int, versie: str, sha256: str) -> None:
    """Write the sha256 of the released manifest.json into the row of (year, version)."""
    rows = _all_rows(assets_dir)
    for r in rows:
        if (r["jaar"], r["versie"]) == (str(year), str(versie)):
            r["manifest_sha256"] = sha256
    _write(assets_dir, rows)
