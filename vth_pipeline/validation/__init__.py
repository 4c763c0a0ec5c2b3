"""Validation of whole datasets with Great Expectations, as Dagster asset checks (issue #4).

The row rules of the contract decide what is quarantined during staging; the expectation
suites here judge whether a staged dataset, or a published table, can as a whole be trusted
for publication. One suite per dataset, versioned in `expectations/<dataset>.json` (GX Core
1.x); its expectations are grouped into *toetsen*, each with a severity: ERROR is blocking
(the year is not published on data that failed it), WARN is reported and shown in the
publication. The suite is one Dagster asset check, its toetsen in the check's metadata.

Wiring, per asset (see `defs/factory.py`):

    @asset(..., check_specs=check_specs_for(name))  # the checks' own deps: `check_reads`
    def _a(context, duckdb):
        with session(duckdb) as conn:
            ...  # build the table for the year
            checks = run_checks(conn, name, year_of(context))
        return MaterializeResult(metadata=..., check_results=checks)

Importing this package does not import Great Expectations; `run_checks` does, once.
"""

from vth_pipeline.validation.checks import (
    check_reads,
    check_results,
    check_specs_for,
    failed_check_messages,
    raise_for_blocking,
)
from vth_pipeline.validation.evaluate import (
    run_checks,
    suite_drift,
    validate_dataset,
    validate_year,
)
from vth_pipeline.validation.handmatig import DEFAULT_FACTOR, DEFAULT_MIN_BASIS
from vth_pipeline.validation.report import (
    annex_html,
    annex_rows,
    annex_summary,
    write_validation_report,
)
from vth_pipeline.validation.results import (
    VALIDATIE,
    VALIDATIE_VERWACHTINGEN,
    BlokkerendeToetsMislukt,
    assert_publishable,
    blocking_failures,
    persist_results,
)
from vth_pipeline.validation.suites import DATASETS, PUBLISHED, STAGED, write_suites

__all__ = [
    "DATASETS",
    "DEFAULT_FACTOR",
    "DEFAULT_MIN_BASIS",
    "PUBLISHED",
    "STAGED",
    "VALIDATIE",
    "VALIDATIE_VERWACHTINGEN",
    "BlokkerendeToetsMislukt",
    "annex_html",
    "annex_rows",
    "annex_summary",
    "assert_publishable",
    "blocking_failures",
    "check_reads",
    "check_results",
    "check_specs_for",
    "failed_check_messages",
    "persist_results",
    "raise_for_blocking",
    "run_checks",
    "suite_drift",
    "validate_dataset",
    "validate_year",
    "write_suites",
    "write_validation_report",
]
