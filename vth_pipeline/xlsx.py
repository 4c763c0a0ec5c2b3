"""Every XLSX the project writes: values stay values, whatever a partner typed.

Delivered text can start with `=`, `+`, `-` or `@`; written as a string it never becomes a
live formula or link in Excel. Workbooks carry a fixed date, so the same inputs give the same
bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

FIXED_TIMESTAMP = dt.datetime(2000, 1, 1)
SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def safe_workbook(path: Path):
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), SAFE_OPTIONS)
    workbook.set_properties({"created": FIXED_TIMESTAMP, "author": "vth-pipeline"})
    return workbook


def write_sheets(frames: dict[str, pl.DataFrame], path: Path) -> None:
    """One sheet per frame, bold header, columns fitted to their content."""
    workbook = safe_workbook(path)
    for sheet, frame in frames.items():
        frame.write_excel(workbook, worksheet=sheet, autofit=True, header_format={"bold": True})
    workbook.close()
