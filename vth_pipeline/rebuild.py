"""What a superseding delivery makes stale: the assets (per year) that read a changed file.

`vth build --alleen-gewijzigd` compares the files under `<raw>/<jaar>/` (path, sha256, status)
with `meta.leveringen` of the warehouse. A year that was never built is built whole. For a
year whose files changed, the stale assets follow from the asset graph, the lineage Dagster
shows: `meta_leveringen` and the raw asset of every changed kind, then everything downstream,
also in later years through the partition mappings (the Seveso three-year window, the
previous year of the comparison and the outcomes, the series of every earlier year that a
publication shows). A raw asset of an unchanged kind reads the same files and is not stale.
Code and reference data are not compared: after a change to either, build every year (without
the flag).
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

import polars as pl
from dagster import AssetKey, TimeWindowPartitionMapping

from vth_pipeline.contract.statuses import CANDIDATES
from vth_pipeline.definitions import YEARLY_ASSETS
from vth_pipeline.ingest.discovery import discover, load_partners
from vth_pipeline.warehouse import arrow_table, connect, table_exists

YEARLY_KEYS = {k for a in YEARLY_ASSETS for k in a.keys}
LEVERINGEN = AssetKey("meta_leveringen")
FILE_COLUMNS = ["pad", "sha256", "status", "soort"]
OTHER_FILES = "overige bestanden"  # files of no kind (ignored): only the lists of files change


def changed_kinds(database: Path, raw: Path, years: list[int]) -> dict[int, set[str] | None]:
    """Per year, the kinds whose files changed since the year was built; None: never built."""
    out: dict[int, set[str] | None] = dict.fromkeys(years)
    if not database.exists():
        return out
    with connect(str(database), read_only=True) as conn:
        if not table_exists(conn, "meta.leveringen") or not table_exists(conn, "ref.partners"):
            return out
        partners = load_partners(conn)
        for year in years:
            built = pl.from_arrow(
                arrow_table(
                    conn,
                    f"SELECT {', '.join(FILE_COLUMNS)} FROM meta.leveringen WHERE jaar = ?",
                    [year],
                )
            )
            if built.height == 0:
                continue
            now = discover(raw, year, partners).select(FILE_COLUMNS)
            out[year] = _changes(now, built)
    return out


def _changes(now: pl.DataFrame, built: pl.DataFrame) -> set[str]:
    """Kinds whose candidate files changed (the raw asset reads every candidate, since a later
    delivery without a usable row leaves the earlier one in effect); `OTHER_FILES` when only
    the list of files did (e.g. a byte-identical copy, which changes nothing else)."""

    def differ(a: pl.DataFrame, b: pl.DataFrame) -> pl.DataFrame:
        return pl.concat(
            [
                a.join(b, on=FILE_COLUMNS, how="anti", nulls_equal=True),
                b.join(a, on=FILE_COLUMNS, how="anti", nulls_equal=True),
            ]
        )

    in_effect = pl.col("status").is_in(CANDIDATES)
    kinds = set(differ(now.filter(in_effect), built.filter(in_effect))["soort"].drop_nulls())
    return kinds or ({OTHER_FILES} if differ(now, built).height else set())


def stale_assets(graph, changes: dict[int, set[str] | None]) -> dict[int, set[AssetKey] | None]:
    """Per year, the yearly assets to materialise again (None: the whole year)."""
    stale: dict[int, set[AssetKey] | None] = {y: set() for y in changes}
    queue: deque[tuple[AssetKey, int]] = deque()
    for year, kinds in changes.items():
        if kinds is None:
            stale[year] = None
        elif kinds:
            queue.append((LEVERINGEN, year))
    while queue:
        key, year = queue.popleft()
        if stale.get(year) is None or key in stale[year]:
            continue
        stale[year].add(key)
        for child in graph.get(key).child_keys:
            if child not in YEARLY_KEYS:
                continue
            kind = child.path[-1].removeprefix("raw_")
            if key == LEVERINGEN and kind != child.path[-1] and kind not in changes[year]:
                continue  # a raw asset of an unchanged kind reads the same files as before
            for later in _reading_years(graph.get_partition_mapping(child, key), year):
                if later in stale:
                    queue.append((child, later))
    return stale


def _reading_years(mapping, year: int) -> range:
    """The years of the child whose partition reads `year` of the parent."""
    if isinstance(mapping, TimeWindowPartitionMapping):
        return range(year - mapping.end_offset, year - mapping.start_offset + 1)
    return range(year, year + 1)
