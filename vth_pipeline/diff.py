"""The figures that differ between two versions of a year's tables: one comparison for
`vth verify` (published against rebuilt), `vth diff` (two builds, or a release against a
build) and the correction notice of a release (`vth release`).

A published table is a CSV file under `tabellen/`; a row is named by its leading columns (the
fewest that are unique in both versions), a figure by its row and column. A change is a record
(tabel, sleutel, kolom, oud, nieuw), written as CSV as it is and shown to people as one Dutch
line: `landelijk.csv controles: 11722 → 11723` (the column left out when it is `waarde`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from pathlib import Path

TABLES = "tabellen"

# What a change is (`soort`): a cell, a row or table present in one version only, other columns,
# the same cells in another row order.
CELL, ROW_OLD, ROW_NEW, COLUMNS, ORDER, TABLE_OLD, TABLE_NEW = (
    "cel",
    "rij_vervallen",
    "rij_nieuw",
    "kolommen",
    "volgorde",
    "tabel_vervallen",
    "tabel_nieuw",
)


@dataclass(frozen=True)
class Change:
    tabel: str
    sleutel: str
    kolom: str
    oud: str
    nieuw: str
    soort: str = CELL

    def text(self, only_old: str = "vervallen", only_new: str = "nieuw") -> str:
        """Dutch, without the table: `controles: 11722 → 11723`. `only_old`/`only_new` say
        where a row of one version only is (verify: `ontbreekt bij herbouw`)."""
        if self.soort == COLUMNS:
            return f"andere kolommen: {self.oud} → {self.nieuw}"
        if self.soort == ORDER:
            return "zelfde cellen, andere volgorde van de rijen"
        if self.soort in (TABLE_OLD, TABLE_NEW):
            return f"tabel {only_old if self.soort == TABLE_OLD else only_new}"
        if self.soort in (ROW_OLD, ROW_NEW):
            return f"{self.sleutel}: rij {only_old if self.soort == ROW_OLD else only_new}"
        where = self.sleutel if self.kolom == "waarde" else f"{self.sleutel} {self.kolom}"
        return f"{where}: {self.oud or '(leeg)'} → {self.nieuw or '(leeg)'}"

    def line(self) -> str:
        return f"{self.tabel} {self.text()}"


COLUMNS_CSV = tuple(f.name for f in fields(Change))


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    return (records[0], records[1:]) if records else ([], [])


def _key_width(columns: list[str], *tables: list[list[str]]) -> int:
    """How many leading columns name a row: the fewest that are unique in every table."""
    for width in range(1, len(columns) + 1):
        if all(len({tuple(r[:width]) for r in t}) == len(t) for t in tables):
            return width
    return len(columns)


def table_changes(tabel: str, before: Path, after: Path) -> list[Change]:
    """The cells of one CSV table that differ between two versions, in the order of the rows
    (rows of the newer version only last)."""
    (cols_a, rows_a), (cols_b, rows_b) = _read_table(before), _read_table(after)
    if cols_a != cols_b:
        return [Change(tabel, "", "", ", ".join(cols_a), ", ".join(cols_b), COLUMNS)]
    width = _key_width(cols_a, rows_a, rows_b)
    a = {tuple(r[:width]): r for r in rows_a}
    b = {tuple(r[:width]): r for r in rows_b}
    out = []
    for key in [*a, *(k for k in b if k not in a)]:
        label = "/".join(key)
        if key not in b:
            out.append(Change(tabel, label, "", "", "", ROW_OLD))
        elif key not in a:
            out.append(Change(tabel, label, "", "", "", ROW_NEW))
        else:
            out += [
                Change(tabel, label, col, x, y)
                for col, x, y in zip(cols_a[width:], a[key][width:], b[key][width:], strict=False)
                if x != y
            ]
    if not out and [r[:width] for r in rows_a] != [r[:width] for r in rows_b]:
        out.append(Change(tabel, "", "", "", "", ORDER))
    return out


def folder_changes(old: Path, new: Path) -> list[Change]:
    """Every published table (`tabellen/*.csv`) of two versions of a year, compared: the
    changes by table name, a table of one version only named as such."""
    names_a = {p.name for p in (old / TABLES).glob("*.csv")}
    names_b = {p.name for p in (new / TABLES).glob("*.csv")}
    out: list[Change] = []
    for name in sorted(names_a | names_b):
        if name not in names_b:
            out.append(Change(name, "", "", "", "", TABLE_OLD))
        elif name not in names_a:
            out.append(Change(name, "", "", "", "", TABLE_NEW))
        else:
            out += table_changes(name, old / TABLES / name, new / TABLES / name)
    return out


def changes_csv(changes: list[Change]) -> str:
    """The changes as CSV text (header first; the order of `folder_changes`)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS_CSV, lineterminator="\n")
    writer.writeheader()
    writer.writerows(asdict(c) for c in changes)
    return buf.getvalue()


def read_changes(path: Path) -> list[Change]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Change(**row) for row in csv.DictReader(f)]
