"""Reporting years as Dagster partitions: one partition per complete calendar year from 2021."""

import warnings

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
# own: a window wider than the partitions can ever be, so every earlier year is in it.
every_earlier_year = earlier_years(1000)


def year_of(context) -> int:
    return int(context.partition_key)
