"""Reporting years as Dagster partitions: one partition per complete calendar year from 2021."""

import warnings

from dagster import BetaWarning, TimeWindowPartitionMapping, TimeWindowPartitionsDefinition

from vth_pipeline.contract.columns import FIRST_YEAR

# Dagster has no yearly partitions class; this is the documented equivalent.
yearly = TimeWindowPartitionsDefinition(start=str(FIRST_YEAR), fmt="%Y", cron_schedule="0 0 1 1 *")

# The first reporting year has no previous year: such upstream partitions are simply absent.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", BetaWarning)
    previous_year = TimeWindowPartitionMapping(
        start_offset=-1, end_offset=0, allow_nonexistent_upstream_partitions=True
    )
    three_years = TimeWindowPartitionMapping(
        start_offset=-2, end_offset=0, allow_nonexistent_upstream_partitions=True
    )


def year_of(context) -> int:
    return int(context.partition_key)
