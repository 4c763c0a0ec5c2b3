"""One upload, from the request's body to the recorded verdict (the API and the page share it).

Order: receive the multipart body within the size and time limits (into the portal's own
temporary folder; the partner's file name is kept only as text), validate `jaar` and
`soort`, keep a copy of the bytes, run the check in a child process, land an accepted file,
record the upload and write the log — the record and the landing under one lock per triple,
so the record of which upload replaced which follows the order of the files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import anyio
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request

from vth_pipeline.contract.columns import FILE_KINDS, cut
from vth_pipeline.portaal import checker, journal, storage
from vth_pipeline.portaal.auth import Who, same_secret
from vth_pipeline.portaal.db import Database, Levering, utcnow
from vth_pipeline.portaal.partners import open_years
from vth_pipeline.portaal.settings import Settings

ACCEPTED = "geaccepteerd"
REJECTED = "afgewezen"
LANDS = ("geaccepteerd", "quarantaine")  # the check's words for a file with usable rows
MULTIPART_SLACK = 64 * 1024  # headers and small fields around the file in one body
CHUNK = 1024 * 1024
CSRF_MESSAGE = "het formulier is verlopen of komt niet van het portaal; laad de pagina opnieuw"


class UploadError(Exception):
    """A request that gets no verdict (HTTP status and a Dutch message)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class TooLarge(Exception):
    """The body grew past the limit while it was being received."""


def too_large_message(settings: Settings) -> str:
    return f"het bestand is groter dan {settings.max_mb} MB; splits het of vraag de beheerder"


@dataclass
class Received:
    path: Path
    bestandsnaam: str
    formaat: str | None
    bytes: int
    sha256: str
    jaar: int
    soort: str
    fields: dict[str, str]


def display_name(name: str | None) -> str:
    """The partner's file name as text only: its last part (either slash), cut to 200."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    return cut(base) or "(zonder naam)"


def format_of(name: str) -> str | None:
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    return suffix if suffix in storage.FORMATS else None


def _store(upload: UploadFile, target: Path, limit: int) -> tuple[int, str]:
    """Copy the spooled part into our temporary file; (bytes, sha256)."""
    digest, size = hashlib.sha256(), 0
    upload.file.seek(0)
    with target.open("wb") as out:
        while block := upload.file.read(CHUNK):
            size += len(block)
            if size > limit:
                raise TooLarge
            digest.update(block)
            out.write(block)
    return size, digest.hexdigest()


def _field(form, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _validated(form) -> tuple[int, str]:
    years = open_years()
    jaar = _field(form, "jaar")
    if not (jaar.isdigit() and int(jaar) in years):
        raise UploadError(
            422, f"jaar moet een verslagjaar van {years[0]} tot en met {years[-1]} zijn"
        )
    soort = _field(form, "soort").lower()
    if soort not in FILE_KINDS:
        raise UploadError(422, f"soort moet een van deze zijn: {', '.join(FILE_KINDS)}")
    return int(jaar), soort


async def receive(request: Request, settings: Settings, csrf: str | None = None) -> Received:
    """The upload's fields and file, within the size and time limits; a page's form must carry
    the session's CSRF token (`csrf`), checked before anything else is."""
    try:
        with anyio.fail_after(settings.upload_seconds):
            form = await request.form(max_files=1, max_fields=10, max_part_size=64 * 1024)
    except TimeoutError as e:
        raise UploadError(
            408, f"het versturen duurde langer dan {settings.upload_seconds:g} seconden"
        ) from e
    try:
        if csrf is not None and not same_secret(_field(form, "csrf"), csrf):
            raise UploadError(403, CSRF_MESSAGE)
        upload = form.get("bestand")
        if not isinstance(upload, UploadFile):
            raise UploadError(422, "bestand ontbreekt (veld 'bestand')")
        jaar, soort = _validated(form)
        settings.tmp.mkdir(parents=True, exist_ok=True)
        name = display_name(upload.filename)
        # the check reads the format from the suffix, as the pipeline does from the raw file
        path = storage.temp_path(settings, f".{format_of(name) or 'onbekend'}")
        try:
            size, sha = await run_in_threadpool(_store, upload, path, settings.max_bytes)
        except TooLarge:
            path.unlink(missing_ok=True)
            raise
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        return Received(path, name, format_of(name), size, sha, jaar, soort, fields)
    finally:
        await form.close()


def _replaced_upload(s, who: Who, paths: tuple[str, ...]) -> str | None:
    if not paths:
        return None
    return s.scalar(
        select(Levering.id)
        .where(Levering.partner_code == who.code, Levering.pad.in_(paths))
        .order_by(Levering.ontvangen.desc())
        .limit(1)
    )


def _record(db: Database, who: Who, got: Received, verdict: dict, ident: str, **extra) -> Levering:
    status = ACCEPTED if verdict["status"] in LANDS else REJECTED
    findings = {
        "bevindingen": verdict["bevindingen"],
        "opmerkingen": verdict["opmerkingen"],
        "bevindingen_totaal": verdict["bevindingen_totaal"],
        "opmerkingen_totaal": verdict["opmerkingen_totaal"],
    }
    with db.session() as s:
        landing: storage.Landing | None = extra.get("landing")
        levering = Levering(
            id=ident,
            account_id=who.account_id,
            partner_code=who.code,
            jaar=got.jaar,
            soort=got.soort,
            bestandsnaam=got.bestandsnaam,
            formaat=got.formaat,
            bytes=got.bytes,
            sha256=got.sha256,
            ontvangen=extra["ontvangen"],
            status=status,
            oordeel=verdict["status"],
            reden=verdict["reden"],
            rijen=verdict["rijen"],
            geaccepteerd=verdict["geaccepteerd"],
            quarantaine=verdict["quarantaine"],
            bevindingen=json.dumps(findings, ensure_ascii=False, default=str),
            pad=landing.pad if landing else None,
            vervangt=_replaced_upload(s, who, landing.replaced) if landing else None,
            seconden=round(extra["seconden"], 3),
        )
        s.add(levering)
        journal.write(
            s, journal.UPLOAD, who.code, extra["address"], ident,
            f"{got.jaar} {got.soort} {status}" + (f" {levering.pad}" if levering.pad else "")
            + (f"; fout: {extra['error'][-2000:]}" if extra.get("error") else ""),
        )  # fmt: skip
    return levering


def _job(settings: Settings, who: Who, got: Received, ident: str) -> checker.Job:
    report = settings.reports / f"{ident}.xlsx"
    where = (settings.raw_dir, settings.max_file_bytes, settings.tmp, report)
    return checker.Job(got.path, who.code, got.jaar, got.soort, got.bestandsnaam, *where,
                       settings.max_findings)  # fmt: skip


async def process(
    db: Database, settings: Settings, checks: checker.Checks, who: Who, got: Received,
    address: str | None,
) -> Levering:  # fmt: skip
    """Judge, land when accepted, record; the temporary file is gone afterwards."""
    ident, started, ontvangen = uuid.uuid4().hex, dt.datetime.now(), utcnow()
    job = _job(settings, who, got, ident)
    try:
        await run_in_threadpool(storage.keep_copy, settings, got.path, got.sha256, got.formaat)
        if got.formaat is None:
            verdict, error = (
                checker.rejected(
                    f"alleen CSV- of XLSX-bestanden (naam op .csv of .xlsx); ontvangen: "
                    f"'{got.bestandsnaam}'",
                    job,
                ),
                None,
            )
        else:
            verdict, error = await anyio.to_thread.run_sync(
                checks.pool.run, job, settings.check_seconds, limiter=checks.limiter
            )
        accepted = verdict["status"] in LANDS

        def finish() -> Levering:
            extra = {
                "ontvangen": ontvangen,
                "address": address,
                "seconden": (dt.datetime.now() - started).total_seconds(),
                "error": error,
            }
            if not accepted:
                return _record(db, who, got, verdict, ident, **extra)
            with storage.triple_lock(settings, got.jaar, who.code, got.soort):
                landing = storage.land(
                    settings, got.path, got.jaar, who.code, got.soort, got.formaat,
                    storage.delivery_date(),
                )  # fmt: skip
                return _record(db, who, got, verdict, ident, landing=landing, **extra)

        return await run_in_threadpool(finish)
    finally:
        got.path.unlink(missing_ok=True)


def as_json(levering: Levering, base: str = "/api/leveringen") -> dict:
    """The verdict as the API answers it (and the page shows it)."""
    findings = json.loads(levering.bevindingen or "{}")
    return {
        "id": levering.id,
        "partner_code": levering.partner_code,
        "jaar": levering.jaar,
        "soort": levering.soort,
        "bestandsnaam": levering.bestandsnaam,
        "ontvangen": levering.ontvangen.replace(tzinfo=dt.UTC).isoformat(),
        "status": levering.status,
        "oordeel": levering.oordeel,
        "reden": levering.reden,
        "rijen": {
            "gelezen": levering.rijen,
            "geaccepteerd": levering.geaccepteerd,
            "quarantaine": levering.quarantaine,
        },
        "bevindingen": findings.get("bevindingen", []),
        "bevindingen_totaal": findings.get("bevindingen_totaal", 0),
        "opmerkingen": findings.get("opmerkingen", []),
        "opmerkingen_totaal": findings.get("opmerkingen_totaal", 0),
        "pad": levering.pad,
        "vervangt": levering.vervangt,
        "sha256": levering.sha256,
        "bytes": levering.bytes,
        "rapport": f"{base}/{levering.id}/rapport.xlsx",
    }


def visible(db: Database, who: Who, ident: str | None = None, jaar: int | None = None):
    """The caller's uploads (a beheer account: everyone's), newest first; one by id."""
    with db.session() as s:
        query = select(Levering).order_by(Levering.ontvangen.desc(), Levering.id)
        if not who.beheer:
            query = query.where(Levering.partner_code == who.code)
        if ident is not None:
            return s.scalar(query.where(Levering.id == ident))
        if jaar is not None:
            query = query.where(Levering.jaar == jaar)
        return list(s.scalars(query))


def report_path(settings: Settings, levering: Levering) -> Path | None:
    path = settings.reports / f"{levering.id}.xlsx"
    return path if path.is_file() and os.path.getsize(path) else None
