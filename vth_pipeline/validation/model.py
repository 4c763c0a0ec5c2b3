"""The building blocks of the expectation suites, in plain Python (no Great Expectations import).

A suite judges one dataset (a Dagster asset: `stg_controles`, `staat_seveso`, ...) for one
reporting year. Its expectations are grouped into *toetsen*: one toets is one Dagster asset
check with one severity (ERROR blocks the publication of the year, WARN is reported). Each
expectation reads one *view*: a frame handed over from DuckDB for that year (the table's rows,
its schema, or an aggregate computed in SQL, e.g. one row per partner).

Expectations are written as the dictionaries of GX Core 1.x (`type`, `kwargs`, `meta`,
`severity`), so a suite file is an ordinary GX `ExpectationSuite` in JSON.

The SQL of every view, and of every value set a suite compares with, is a file of
`sql/toetsen/` (`toets_sql`), beside the models' SQL: rendered by the same Jinja, read by the
same parser for what it depends on, and opened by a reader as a model is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from vth_pipeline.sql import load_sql

Ernst = Literal["ERROR", "WARN"]
GX_SEVERITY: dict[str, str] = {"ERROR": "critical", "WARN": "warning"}

# Check names are Dagster names and DuckDB values: lower case, digits and underscores.
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Toets:
    """A named group of expectations with one severity (one entry of its suite's check)."""

    naam: str
    ernst: Ernst
    omschrijving: str  # Dutch, for Dagster and the publication's annex

    def __post_init__(self) -> None:
        if not _NAME.match(self.naam):
            raise ValueError(f"toetsnaam {self.naam!r}: alleen a-z, 0-9 en _")


# The folder of `sql/` with the toetsen's SQL: a subfolder, so that `sql_names()` (the assets)
# does not take a view for a model.
TOETSEN_SQL = "toetsen"


def toets_sql(name: str, **context: Any) -> str:
    """The SQL of `sql/toetsen/<name>.sql`, its placeholders filled (`load_sql`): a view or a
    value set is written as SQL in a file, as a model is, not composed in Python."""
    return load_sql(f"{TOETSEN_SQL}/{name}", **context)


@dataclass(frozen=True)
class View:
    """A frame handed over from DuckDB for one year.

    `sql` (from `toets_sql`) may use `$jaar`, `$vorig_jaar` and `$min_basis`. It labels its
    rows for samples either with a column `__index` (a key) or with the columns `bron_bestand`
    and `bron_rij` (the label is then file:row, built only for the rows shown).
    """

    naam: str
    omschrijving: str
    sql: str


@dataclass
class Dataset:
    """What one suite judges: a table and its toetsen, views and expectations."""

    naam: str  # the Dagster asset name, also the suite name and file stem
    tabel: str  # schema.table in DuckDB
    omschrijving: str
    toetsen: list[Toets] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    verwachtingen: list[dict[str, Any]] = field(default_factory=list)

    def toets(self, t: Toets) -> Toets:
        known = {x.naam: x for x in self.toetsen}
        if t.naam in known:
            if known[t.naam] != t:
                raise ValueError(f"{self.naam}: toets {t.naam} twee keer anders gedeclareerd")
            return t
        self.toetsen.append(t)
        return t

    def view(self, v: View) -> View:
        if v.naam not in {x.naam for x in self.views}:
            self.views.append(v)
        return v

    def expect(
        self, toets: Toets, view: View, type_: str, toelichting: str, **kwargs: Any
    ) -> dict[str, Any]:
        """Add one expectation (GX 1.x dictionary) to the suite."""
        self.toets(toets)
        self.view(view)
        exp = {
            "type": type_,
            "kwargs": _canonical(kwargs),
            "meta": {"toets": toets.naam, "view": view.naam, "toelichting": toelichting},
            "severity": GX_SEVERITY[toets.ernst],
        }
        self.verwachtingen.append(exp)
        return exp


# GX stores numeric bounds as floats; writing them so keeps a suite file equal to what GX
# itself would write (tested), so the committed files never change on a round trip.
_FLOAT_KWARGS = {"min_value", "max_value", "value"}


def _canonical(kwargs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in kwargs.items():
        if k in _FLOAT_KWARGS and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        out[k] = v
    return out


def param(name: str) -> dict[str, str]:
    """A GX expectation parameter, filled in at validation time from DuckDB."""
    return {"$PARAMETER": name}


# Row conditions in GX's structured form (backend-independent, serialisable).
def cond_eq(column: str, value: Any) -> dict[str, Any]:
    return {"column": {"name": column}, "operator": "==", "parameter": value, "type": "comparison"}


def cond_ne(column: str, value: Any) -> dict[str, Any]:
    return {"column": {"name": column}, "operator": "!=", "parameter": value, "type": "comparison"}


def cond_gt(column: str, value: Any) -> dict[str, Any]:
    return {"column": {"name": column}, "operator": ">", "parameter": value, "type": "comparison"}


def cond_in(column: str, values: list[Any]) -> dict[str, Any]:
    return {
        "column": {"name": column},
        "operator": "IN",
        "parameter": list(values),
        "type": "comparison",
    }


def cond_not_null(column: str) -> dict[str, Any]:
    return {"column": {"name": column}, "is_null": False, "type": "nullity"}


def cond_and(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"conditions": list(conditions), "type": "and"}
