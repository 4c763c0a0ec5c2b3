"""Validation as Dagster asset checks: the check specs of an asset and the results of a run.

A suite is one asset check (`toetsen`) declared on the asset it judges (`check_specs`), run in
the same step for the year partition; its toetsen are in the metadata, and a failed ERROR
toets makes it a failed blocking check.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, MetadataValue

from vth_pipeline.sql.reads import sql_writers
from vth_pipeline.validation.results import (
    BlokkerendeToetsMislukt,
    DatasetUitkomst,
    ToetsUitkomst,
    describe,
    subject,
)
from vth_pipeline.validation.suites import generated, toetsen


@functools.cache
def check_reads(asset_name: str) -> tuple[str, ...]:
    """The other assets whose tables the asset's checks read (from the views' SQL, as a model's
    dependencies are): the checks' own dependencies, so that Dagster builds those first and
    the lineage shows the check, not the asset, reading them. Its own rows of a side table
    (stg.bestanden) are no dependency."""
    ds = generated().get(asset_name)
    writers = {w for v in (ds.views if ds else []) for w in sql_writers(v.sql)}
    return tuple(sorted(writers - {asset_name}))


# The one asset check of an asset: its suite, whose toetsen are in the check's metadata.
SUITE_CHECK = "toetsen"


def check_specs_for(asset_name: str) -> list:
    """The asset check of an asset: one per suite, its toetsen listed in the metadata; it is
    blocking when a toets is ERROR, and a failed result blocks only when an ERROR toets
    failed (a failed WARN toets gives a WARN result). One check instead of one per toets:
    a year runs about 15 checks instead of 190, each an event and its bookkeeping.

    Needs no GX import. Empty for an asset without a suite."""
    ts = toetsen(asset_name)
    if not ts:
        return []
    blocking = [t.naam for t in ts if t.ernst == "ERROR"]
    return [
        AssetCheckSpec(
            SUITE_CHECK,
            asset=asset_name,
            description=f"De {len(ts)} toetsen van expectations/{asset_name}.json, "
            f"{len(blocking)} blokkerend: " + "; ".join(f"{t.naam} [{t.ernst}]" for t in ts),
            blocking=bool(blocking),
            metadata={
                "suite": f"expectations/{asset_name}.json",
                "toetsen": MetadataValue.json(
                    {t.naam: {"ernst": t.ernst, "omschrijving": t.omschrijving} for t in ts}
                ),
            },
            additional_deps=check_reads(asset_name),
        )
    ]


def _md_samples(failed: list[ToetsUitkomst]) -> str:
    rows = ["| toets | verwachting | kolom | waargenomen | voorbeeld |", "|---|---|---|---|---|"]
    for t in failed:
        for u in t.mislukt:
            sample = "<br>".join(u.voorbeeld[:5]).replace("|", "\\|")
            observed = u.waargenomen.replace("|", "/")
            rows.append(f"| {t.toets} | {u.verwachting} | {subject(u)} | {observed} | {sample} |")
    return "\n".join(rows)


def _toets_metadata(t: ToetsUitkomst) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ernst": t.ernst,
        "geslaagd": t.geslaagd,
        "waargenomen": t.waargenomen,
        "afwijkende_rijen": t.afwijkend,
        "verwachtingen": len(t.uitkomsten),
        "verwachtingen_mislukt": len(t.mislukt),
    }
    if t.getoetst is not None:
        out["getoetste_rijen"] = t.getoetst
    if not t.geslaagd:
        out["toelichting"] = t.toelichting
    return out


def check_results(result: DatasetUitkomst) -> list:
    """The Dagster `AssetCheckResult` of a validated dataset: every toets in its metadata
    (`toetsen`), the failed ones named with their samples."""
    failed = [t for t in result.toetsen if not t.geslaagd]
    errors = [t for t in failed if t.ernst == "ERROR"]
    metadata: dict[str, Any] = {
        "jaar": result.jaar,
        "duur_suite_s": round(result.seconden, 3),
        "toetsen_geslaagd": len(result.toetsen) - len(failed),
        "toetsen_mislukt": len(failed),
        "mislukt_blokkerend": ", ".join(t.toets for t in errors),
        "mislukt_waarschuwing": ", ".join(t.toets for t in failed if t.ernst != "ERROR"),
        "toetsen": MetadataValue.json({t.toets: _toets_metadata(t) for t in result.toetsen}),
    }
    if failed:
        metadata["voorbeeld"] = MetadataValue.md(_md_samples(failed))
    description = (
        "; ".join(f"{t.toets} [{t.ernst}]: {t.toelichting}" for t in failed)
        if failed
        else f"alle {len(result.toetsen)} toetsen geslaagd"
    )
    return [
        AssetCheckResult(
            asset_key=result.dataset,
            check_name=SUITE_CHECK,
            passed=not failed,
            severity=AssetCheckSeverity.ERROR if errors else AssetCheckSeverity.WARN,
            metadata=metadata,
            description=description,
        )
    ]


def _failed_toetsen(asset: str, metadata: Any, blocking_only: bool) -> list[tuple[str, str]]:
    """(ernst, Dutch line) per failed toets recorded in a check's metadata `toetsen`."""
    toetsen_meta = (metadata or {}).get("toetsen")
    per_toets = getattr(toetsen_meta, "value", toetsen_meta) or {}
    return [
        (m["ernst"], describe(asset, naam, m.get("toelichting") or m.get("waargenomen")))
        for naam, m in per_toets.items()
        if not m["geslaagd"] and (m["ernst"] == "ERROR" or not blocking_only)
    ]


def raise_for_blocking(results: Iterable) -> None:
    """Raise `BlokkerendeToetsMislukt` naming every failed ERROR toets and why.

    For an asset written as a generator: yield the results first, then call this, so the
    step fails with a message that says which toets failed and why (shown by `vth build`)."""
    failed = [
        line
        for r in results
        if not r.passed
        for _, line in _failed_toetsen(
            r.asset_key.to_user_string() if r.asset_key else "?", r.metadata, True
        )
    ]
    if failed:
        raise BlokkerendeToetsMislukt(
            f"{len(failed)} blokkerende toets(en) mislukt:\n" + "\n".join(failed)
        )


def failed_check_messages(result_or_evaluations: Any, blocking_only: bool = False) -> list[str]:
    """Dutch lines for each failed toets in a Dagster run result (or list of evaluations):
    which toets, of which asset, and why. For `vth build` to print beside a failed stage."""
    evaluations = result_or_evaluations
    if hasattr(result_or_evaluations, "get_asset_check_evaluations"):
        evaluations = result_or_evaluations.get_asset_check_evaluations()
    return [
        f"[{ernst}] {line}"
        for e in evaluations
        if not e.passed
        for ernst, line in _failed_toetsen(e.asset_key.to_user_string(), e.metadata, blocking_only)
    ]
