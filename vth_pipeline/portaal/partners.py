"""The partners of `partners.csv`, as the pipeline reads them (code, soort, Seveso flag)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

from vth_pipeline.contract.columns import FILE_KINDS, FIRST_YEAR, kinds_for
from vth_pipeline.ingest.discovery import Partner

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{2,40}$")


def load_partners(path: Path) -> dict[str, Partner]:
    frame = pl.read_csv(path, infer_schema=False)
    return {
        code: Partner(code, soort, flag == "ja")
        for code, soort, flag in frame.select(
            "partner_code", "soort", "seveso_omgevingsdienst"
        ).iter_rows()
    }


def names(path: Path) -> dict[str, str]:
    frame = pl.read_csv(path, infer_schema=False)
    return dict(frame.select("partner_code", "naam").iter_rows())


def kinds(partner: Partner) -> tuple[list[str], list[str]]:
    """(required, optional) kinds of the partner, in the contract's order."""
    required, optional = kinds_for(partner.soort, partner.seveso_omgevingsdienst)
    return [k for k in FILE_KINDS if k in required], [k for k in FILE_KINDS if k in optional]


def open_years(today: dt.date | None = None) -> list[int]:
    """Years a partner may deliver for: from the first reporting year through the current one
    (a year is read once it is over; a delivery may come before)."""
    return list(range(FIRST_YEAR, (today or dt.date.today()).year + 1))
