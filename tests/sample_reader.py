"""Reading generated deliveries back, independently of the pipeline (csv module + openpyxl).

Driven by what the generator's manifest says about encoding, separator, sheet and header row;
used by the generator's own tests and by the tests that recompute published figures.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl

from vth_pipeline.sample import FileInfo


def cell_text(value) -> str:
    """A cell as text: XLSX typed values normalised as ``Defect.value`` documents."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


class Table:
    """A delivery read back: normalised header and rows keyed by the partner's row number."""

    def __init__(self, out: Path, f: FileInfo):
        self.info = f
        path = out / f.path
        if f.format == "csv":
            raw = path.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf") == (f.encoding == "utf-8-sig"), f.path
            text = raw.decode(f.encoding)
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=f.separator))
            self.raw_header = records[0]
            self.rows = {i + 2: r for i, r in enumerate(records[1:])}
        else:
            wb = openpyxl.load_workbook(path)
            ws = wb[f.sheet]
            for r in range(1, f.header_row):
                assert all(c.value is None for c in ws[r]), f"row {r} above header not empty"
            header = [c.value for c in ws[f.header_row]]
            while header and header[-1] is None:
                header.pop()
            self.raw_header = header
            self.rows = {}
            for r in range(f.header_row + 1, ws.max_row + 1):
                values = [c.value for c in ws[r]][: len(header)]
                if all(v is None for v in values):
                    continue
                self.rows[r] = values
        self.header = [str(h).strip().lower() for h in self.raw_header]

    def column(self, name: str) -> list[str]:
        i = self.header.index(name)
        return [cell_text(r[i]).strip() if i < len(r) else "" for r in self.rows.values()]

    def records(self) -> list[dict[str, str]]:
        return [
            {h: cell_text(v).strip() for h, v in zip(self.header, r, strict=False)}
            for r in self.rows.values()
        ]


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-":
        return date.fromisoformat(text)
    d, m, y = (int(x) for x in text.split("-"))
    return date(y, m, d)
