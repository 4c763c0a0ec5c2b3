"""Validation as Dagster asset checks: the check specs of an asset and the results of a run.

Every toets of a suite is one asset check declared on the asset it judges (`check_specs`),
run in the same step for the year partition; ERROR toetsen are blocking.
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


def check_specs_for(asset_name: str) -> list:
    """The asset checks of an asset, one per toets; ERROR toetsen are blocking.

    Needs no GX import. Empty for an asset without a suite."""
    return [
        AssetCheckSpec(
            t.naam,
            asset=asset_name,
            description=f"[{t.ernst}{', blokkerend' if t.ernst == 'ERROR' else ''}] "
            f"{t.omschrijving}",
            blocking=t.ernst == "ERROR",
            metadata={"ernst": t.ernst, "suite": f"expectations/{asset_name}.json"},
            additional_deps=check_reads(asset_name),
        )
        for t in toetsen(asset_name)
    ]


def _md_sample(t: ToetsUitkomst) -> str:
    rows = ["| verwachting | kolom | waargenomen | voorbeeld |", "|---|---|---|---|"]
    for u in t.mislukt:
        sample = "<br>".join(u.voorbeeld[:5]).replace("|", "\\|")
        rows.append(
            f"| {u.verwachting} | {subject(u)} | {u.waargenomen.replace('|', '/')} | {sample} |"
        )
    return "\n".join(rows)


def check_results(result: DatasetUitkomst) -> list:
    """Dagster `AssetCheckResult`s of a validated dataset, with their metadata."""
    out = []
    for t in result.toetsen:
        metadata: dict[str, Any] = {
            "ernst": t.ernst,
            "jaar": result.jaar,
            "duur_suite_s": round(result.seconden, 3),
            "waargenomen": t.waargenomen,
            "afwijkende_rijen": t.afwijkend,
            "verwachtingen": len(t.uitkomsten),
            "verwachtingen_mislukt": len(t.mislukt),
        }
        if t.getoetst is not None:
            metadata["getoetste_rijen"] = t.getoetst
        if not t.geslaagd:
            metadata["voorbeeld"] = MetadataValue.md(_md_sample(t))
            metadata["toelichting"] = t.toelichting
        out.append(
            AssetCheckResult(
                asset_key=result.dataset,
                check_name=t.toets,
                passed=t.geslaagd,
                severity=AssetCheckSeverity.ERROR
                if t.ernst == "ERROR"
                else AssetCheckSeverity.WARN,
                metadata=metadata,
                description=t.toelichting,
            )
        )
    return out


def raise_for_blocking(results: Iterable) -> None:
    """Raise `BlokkerendeToetsMislukt` naming every failed ERROR check and why.

    For an asset written as a generator: yield the results first, then call this, so the
    step fails with a message that says which check failed and why (shown by `vth build`)."""
    failed = [
        describe(r.asset_key.to_user_string() if r.asset_key else "?", r.check_name, r.description)
        for r in results
        if not r.passed and r.severity.value == "ERROR"
    ]
    if failed:
        raise BlokkerendeToetsMislukt(
            f"{len(failed)} blokkerende toets(en) mislukt:\n" + "\n".join(failed)
        )


def failed_check_messages(result_or_evaluations: Any, blocking_only: bool = False) -> list[str]:
    """Dutch lines for each failed check in a Dagster run result (or list of evaluations):
    which check, of which asset, and why. For `vth build` to print beside a failed stage."""
    evaluations = result_or_evaluations
    if hasattr(result_or_evaluations, "get_asset_check_evaluations"):
        evaluations = result_or_evaluations.get_asset_check_evaluations()
    lines = []
    for e in evaluations:
        if e.passed or (blocking_only and e.severity.value != "ERROR"):
            continue
        meta = {k: getattr(v, "value", v) for k, v in (e.metadata or {}).items()}
        why = meta.get("toelichting") or e.description or meta.get("waargenomen")
        lines.append(
            f"[{e.severity.value}] {describe(e.asset_key.to_user_string(), e.check_name, why)}"
        )
    return lines
