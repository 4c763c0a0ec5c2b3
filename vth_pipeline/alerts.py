"""The alert of a failed run: one Dutch line with the year, the step and the reason, a link to
the run when the UI's address is known (VTH_UI_URL), posted as JSON to VTH_ALERT_WEBHOOK.

Who sends it (docs/deploy.md, "Alerts"): runs that the instance launches (sensor, schedule,
backfill, the UI) are watched by the daemon's run-failure sensor; a `vth build` runs its years
in its own process (`execute_in_process`: the run has no code location, so that sensor never
sees it, and on a machine without a daemon nothing would), so the CLI sends the alerts of its
own runs, also when the instance itself is gone. A run whose alert went out is tagged
`vth/melding`, and neither sends one for a run so tagged: one alert per failed run.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass

from dagster import DagsterEvent, DagsterEventType, DagsterRunStatus, RunsFilter

from vth_pipeline.validation import failed_check_messages

ALERT_TAG = "vth/melding"  # on a run whose alert was sent
CLI_RUN_TAG = "vth/build_id"  # every run of a `vth build` has it (runner.build_tags)
POST_TIMEOUT_SECONDS = 10
MAX_REASON = 600  # characters: a chat line, not a log


@dataclass(frozen=True)
class Failure:
    """Why a run failed: `kind` blokkerende_controle or fout, the step, the reason."""

    kind: str
    step: str | None
    reason: str


def one_line(text: str, limit: int = MAX_REASON) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def error_reason(error) -> str:
    """An error's message: ours carry a Dutch message, shown without their class; others keep
    their short class name (`CatalogException: ...`)."""
    message = error.message.strip()
    prefix = re.match(r"^([\w.]+): ", message)
    if not prefix:
        return message
    name, rest = prefix.group(1), message[prefix.end() :]
    return rest if name.startswith("vth_pipeline.") else f"{name.rsplit('.', 1)[-1]}: {rest}"


def describe_failure(events: Iterable[DagsterEvent | None], fallback: str) -> Failure:
    """The failure of a run from its events (the in-process result's, or the instance's log):
    its failed blocking checks, else the first failed step's error, else `fallback`."""
    events = [e for e in events if e is not None]
    failed_step = next((e for e in events if e.event_type == DagsterEventType.STEP_FAILURE), None)
    evaluations = [
        e.event_specific_data
        for e in events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
    ]
    checks = failed_check_messages(evaluations, blocking_only=True)
    if checks:
        first = next(ev for ev in evaluations if not ev.passed and ev.severity.value == "ERROR")
        step = failed_step.step_key if failed_step else first.asset_key.to_user_string()
        reason = "blokkerende controle mislukt: " + "; ".join(checks)
        return Failure("blokkerende_controle", step, reason)
    if failed_step is not None:
        error = failed_step.step_failure_data.error
        cause = (error.cause or error) if error else None
        reason = error_reason(cause) if cause else "onbekende fout"
        return Failure("fout", failed_step.step_key, reason)
    return Failure("fout", None, fallback)


def run_link(ui_url: str | None, run_id: str | None) -> str | None:
    if not ui_url or not run_id:
        return None
    return f"{ui_url.rstrip('/')}/runs/{run_id}"


def alert_payload(
    failure: Failure,
    year: int | None,
    job: str | None,
    run_id: str | None,
    ui_url: str | None = None,
) -> dict:
    """The webhook's JSON: `text` is the one line (the key chat webhooks show), the rest the
    same facts as fields for whoever processes them."""
    link, reason = run_link(ui_url, run_id), one_line(failure.reason)
    where = f"verslagjaar {year}" if year is not None else job or "run"
    step = f", stap {failure.step}" if failure.step else ""
    text = f"Staat van VTH mislukt: {where}{step}: {reason}"
    return {
        "text": text + (f" {link}" if link else ""),
        "jaar": year,
        "job": job,
        "stap": failure.step,
        "run_id": run_id,
        "soort": failure.kind,
        "reden": reason,
        "link": link,
    }


def year_of_run(tags: dict[str, str]) -> int | None:
    partition = tags.get("dagster/partition")
    return int(partition) if partition and partition.isdigit() else None


def post_alert(url: str, payload: dict) -> int:
    """POST the alert as JSON within POST_TIMEOUT_SECONDS; returns the HTTP status."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=POST_TIMEOUT_SECONDS) as response:
        return response.status


def send(url: str | None, payload: dict) -> str:
    """Post the alert; a Dutch line saying what happened (never raises: an unreachable webhook
    must not hide the failure it reports)."""
    if not url:
        return f"geen VTH_ALERT_WEBHOOK ingesteld; melding niet verstuurd: {payload['text']}"
    try:
        status = post_alert(url, payload)
    except (OSError, urllib.error.URLError, ValueError) as e:
        why = one_line(str(e), 200)
        return f"melding niet verstuurd naar de webhook ({why}): {payload['text']}"
    return f"melding verstuurd ({status}): {payload['text']}"


def alert_run(instance, run, url: str | None, ui_url: str | None, fallback: str) -> str | None:
    """Send the alert of a failed run once (tag `vth/melding`); None when it was already sent.

    The run is tagged only when the webhook accepted the alert: the tag never claims an alert
    that did not go out (the returned line says why it did not)."""
    fresh = instance.get_run_by_id(run.run_id) or run
    if fresh.tags.get(ALERT_TAG):
        return None
    events = [r.dagster_event for r in instance.all_logs(run.run_id)]
    payload = alert_payload(
        describe_failure(events, fallback), year_of_run(run.tags), run.job_name, run.run_id, ui_url
    )
    line = send(url, payload)
    if line.startswith("melding verstuurd"):
        instance.add_run_tags(run.run_id, {ALERT_TAG: "verstuurd"})
    return line


def alert_failed_runs(instance, tags: dict[str, str], url: str | None, ui_url: str | None):
    """Send the alerts of the failed runs with `tags` (one `vth build`) not yet sent, oldest
    first; the Dutch lines of what was sent."""
    runs = instance.get_runs(RunsFilter(tags=tags, statuses=[DagsterRunStatus.FAILURE]))
    lines = (alert_run(instance, run, url, ui_url, "run mislukt") for run in reversed(runs))
    return [line for line in lines if line]


def alert_without_run(
    url: str | None, ui_url: str | None, year: int | None, job: str | None, reason: str
) -> str:
    """The alert of a build that failed where no run can be read (the instance unreachable):
    the year and job under way, no step and no link."""
    return send(url, alert_payload(Failure("fout", None, reason), year, job, None, ui_url))
