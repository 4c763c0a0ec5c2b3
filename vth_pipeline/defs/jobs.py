"""The jobs of the code location, selected by asset group (shared by definitions and sensors)."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

# Every job writes the one warehouse and carries WRITER_TAGS: the production run queue admits one
# run with this tag at a time (deploy/dagster.yaml tag_concurrency_limits), so queued runs go in
# order of request. Declared in resources.py, which also gives it to runs made for an asset
# selection (asset backfills), and re-exported here where the jobs and sensors find it.
from vth_pipeline.resources import WRITER_TAGS

# A run that has not ended an hour after it started hangs (a national year takes about a minute,
# docs/performance.md): the daemon's run monitoring ends it and marks it failed, which sends the
# alert. The same value is the instance-wide default in deploy/dagster.yaml (runs launched from
# the asset graph belong to no job of ours); the tag carries it where the instance configuration
# does not (the runMonitoring values of Dagster's Helm chart have no field for it). Dagster's
# documented per-job tag, in seconds.
MAX_RUNTIME_SECONDS = 3600
RUN_TAGS = {**WRITER_TAGS, "dagster/max_runtime": str(MAX_RUNTIME_SECONDS)}

# The stages of one reporting year, in the order the data flows (asset groups).
STAGES = ("leveringen", "raw", "stg", "int", "staat", "publicatie")

reference_job = define_asset_job(
    "referentiedata",
    selection=AssetSelection.groups("reference"),
    tags=RUN_TAGS,
    description="Loads the code lists and registers of data/reference.",
)
year_job = define_asset_job(
    "staat_van_vth_jaar",
    selection=AssetSelection.groups(*STAGES),
    tags=RUN_TAGS,
    description="Builds one reporting year, from the delivery files to the publication.",
)
stage_jobs = [
    define_asset_job(
        f"stap_{stage}",
        selection=AssetSelection.groups(stage),
        tags=RUN_TAGS,
        description=f"The '{stage}' stage of one reporting year.",
    )
    for stage in STAGES
]
overview_job = define_asset_job(
    "overzicht",
    selection=AssetSelection.groups("overzicht"),
    tags=RUN_TAGS,
    description="Writes the overview page that links every published year.",
)
