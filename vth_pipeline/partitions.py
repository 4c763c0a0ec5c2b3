"""Reporting years as Dagster partitions: one partition per complete calendar year from 2021."""

import warnings
from datetime import UTC, datetime

from dagster import BetaWarning, TimeWindowPartitionMapping, TimeWindowPartitionsDefinition

from vth_pipeline.contract.columns import FIRST_YEAR

# Dagster has no yearly partitions class; this is the documented equivalent.
yearly = TimeWindowPartitionsDefinition(start=str(FIRST_YEAR), fmt="%Y", cron_schedule="0 0 1 1 *")


# The parameter that lets the first year have no previous one is beta in Dagster 1.13; the
# filter names it alone. A module-level filter, not `warnings.catch_warnings()`: that one is
# not thread-safe, and GX is imported in a background thread while the definitions load.
warnings.filterwarnings(
    "ignore", "Parameter `allow_nonexistent_upstream_partitions`", category=BetaWarning
)


def earlier_years(back: int) -> TimeWindowPartitionMapping:
    """A year reads the same year and the `back` years before it of its upstream asset. The
    first reporting year has no previous year: such upstream partitions are simply absent."""
    return TimeWindowPartitionMapping(
        start_offset=-back, end_offset=0, allow_nonexistent_upstream_partitions=True
    )


# The publication's series (trend charts, kerncijfers, seveso_reeks) show every year up to its
# own. The window reaches from the newest year that can be a partition back to the first, with
# two years to spare for a code server that keeps running into later years. Not wider: Dagster
# walks a window one cron step at a time, for every input of every step (a window of 1000
# years cost 20 of the 35 s of a build of one small year).
YEARS_BACK = datetime.now(UTC).year - FIRST_YEAR + 1
every_earlier_year = earlier_years(YEARS_BACK)


def year_of(context) -> int:
    return int(context.partition_key)
