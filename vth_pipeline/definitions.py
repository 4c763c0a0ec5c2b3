"""The code location: every asset of the pipeline, its resources and its jobs."""

from __future__ import annotations

from dagster import Definitions, in_process_executor
from dagster_duckdb import DuckDBResource

from vth_pipeline.defs.automation import automation
from vth_pipeline.defs.jobs import STAGES, overview_job, reference_job, stage_jobs, year_job
from vth_pipeline.defs.leveringen import meta_leveringen
from vth_pipeline.defs.models import model_assets
from vth_pipeline.defs.publicatie import publicatie_assets, publicatie_overzicht
from vth_pipeline.defs.raw import raw_assets
from vth_pipeline.defs.reference import reference_assets
from vth_pipeline.defs.side_tables import side_table_specs
from vth_pipeline.defs.stg import stg_assets
from vth_pipeline.resources import (
    RunWarehouse,
    VthSettings,
    settings_from_env,
    warehouse_from_env,
)

YEARLY_ASSETS = [
    meta_leveringen,
    *raw_assets,
    *stg_assets,
    *model_assets,
    *publicatie_assets,
]
ALL_ASSETS = [*reference_assets, *YEARLY_ASSETS, publicatie_overzicht, *side_table_specs]
__all__ = ["STAGES", "ALL_ASSETS", "YEARLY_ASSETS", "defs", "make_definitions"]


def make_definitions(
    settings: VthSettings | None = None, warehouse: DuckDBResource | None = None
) -> Definitions:
    """The definitions with the given paths; `dg dev` uses the environment's."""
    settings = settings or settings_from_env()
    automated = automation()
    return Definitions(
        assets=ALL_ASSETS,
        jobs=[reference_job, year_job, *stage_jobs, overview_job],
        sensors=automated["sensors"],
        schedules=automated["schedules"],
        resources={
            "vth": settings,
            # every run takes the warehouse's writer lock, waiting as long as the settings say
            "duckdb": RunWarehouse.of(
                warehouse or warehouse_from_env(), settings.warehouse_lock_wait
            ),
        },
        # One DuckDB file admits one writing process: steps run in the run's own process.
        executor=in_process_executor,
    )


defs = make_definitions()
