"""The code location: every asset of the pipeline, its resources and its jobs."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor
from dagster_duckdb import DuckDBResource

from vth_pipeline.defs.leveringen import meta_leveringen
from vth_pipeline.defs.publicatie import publicatie_assets, publicatie_overzicht
from vth_pipeline.defs.raw import raw_assets
from vth_pipeline.defs.reference import reference_assets
from vth_pipeline.defs.seveso import seveso_assets
from vth_pipeline.defs.staat import staat_assets
from vth_pipeline.defs.stg import stg_assets
from vth_pipeline.partitions import yearly
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
    *staat_assets,
    *seveso_assets,
    *publicatie_assets,
]
ALL_ASSETS = [*reference_assets, *YEARLY_ASSETS, publicatie_overzicht]

# The stages of one reporting year, in the order the data flows (asset groups).
STAGES = ("leveringen", "raw", "stg", "int", "staat", "publicatie")

reference_job = define_asset_job(
    "referentiedata",
    selection=AssetSelection.groups("reference"),
    description="Loads the code lists and registers of data/reference.",
)
year_job = define_asset_job(
    "staat_van_vth_jaar",
    selection=AssetSelection.assets(*YEARLY_ASSETS),
    partitions_def=yearly,
    description="Builds one reporting year, from the delivery files to the publication.",
)
stage_jobs = [
    define_asset_job(
        f"stap_{stage}",
        selection=AssetSelection.groups(stage),
        partitions_def=yearly,
        description=f"The '{stage}' stage of one reporting year.",
    )
    for stage in STAGES
]
overview_job = define_asset_job(
    "overzicht",
    selection=AssetSelection.assets(publicatie_overzicht),
    description="Writes the overview page that links every published year.",
)


def make_definitions(
    settings: VthSettings | None = None, warehouse: DuckDBResource | None = None
) -> Definitions:
    """The definitions with the given paths; `dagster dev` uses the environment's."""
    return Definitions(
        assets=ALL_ASSETS,
        jobs=[reference_job, year_job, *stage_jobs, overview_job],
        resources={
            "vth": settings or settings_from_env(),
            "duckdb": RunWarehouse.of(warehouse or warehouse_from_env()),
        },
        # One DuckDB file admits one writing process: steps run in the run's own process.
        executor=in_process_executor,
    )


defs = make_definitions()
