"""The publication register (`assets/publicaties.csv`): which version of a year was released
when, and why a later version replaced it.

A release is a decision of people, recorded with `vth release` and committed with the code, so
the report's version line and correction notice come from the register and never from the
build time: rebuilding a year gives the same bytes. A year without a row is a concept.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

REGISTER_FILE = "publicaties.csv"
COLUMNS = ("jaar", "versie", "datum", "toelichting")
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


def releases(assets_dir: Path, year: int) -> list[dict]:
    """The register's rows of one year, oldest version first."""
    path = assets_dir / REGISTER_FILE
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["jaar"] == str(year)]
    return sorted(rows, key=lambda r: int(r["versie"]))


def publication_info(assets_dir: Path, year: int) -> dict:
    """Version, Dutch date and correction notices of the year's latest release (None: concept)."""
    rows = [r | {"datum": dutch_date(r["datum"])} for r in releases(assets_dir, year)]
    latest = rows[-1] if rows else None
    return {
        "versie": latest["versie"] if latest else None,
        "datum": latest["datum"] if latest else None,
        "correcties": [r for r in rows if int(r["versie"]) > 1],
    }


def register_release(
    assets_dir: Path, year: int, datum: dt.date, toelichting: str = ""
) -> dict[str, str]:
    """Append the next version of `year` to the register and return its row.

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
    row = {"jaar": str(year), "versie": str(versie), "datum": datum.isoformat()}
    row["toelichting"] = toelichting
    path = assets_dir / REGISTER_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    with open(path, "a", encoding="utf-8", newline="") as f:
        if text and not text.endswith("\n"):
            f.write("\n")  # a row added by hand without its line end
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        if not text.strip():
            writer.writeheader()
        writer.writerow(row)
    return row
