"""Landing an accepted file in the raw folder without ever creating a conflict.

The contract (aanlevering.md v1.3, "Where files land"): the file is
`<raw>/<jaar>/<partner>/<soort>_<YYYY-MM-DD>.<csv|xlsx>`, dated with the day of the upload
(Europe/Amsterdam). Two files of one triple with the same date are a conflict, so a second
accepted upload on the same day supersedes the first: the same name is replaced by an atomic
rename (the pipeline then sees changed bytes under one path and records that, `gewijzigd`),
and a same-day file with the other extension is removed first (the earlier day's delivery is in
effect for that instant, never two files at once). A rejected upload never lands, so it never
displaces an accepted one. The bytes of every upload are kept under the portal's folder by
sha256, so a replaced file stays traceable; the upload's record says which one it replaced.

Files are written beside the portal's folder (`tmp/`, on the raw folder's volume) and moved
into place by `os.replace`, so the sensor never sees half a file; nothing but delivery files
ever appears under the raw folder. One lock per (jaar, partner, soort) (`filelock`, which also
holds between worker processes) orders uploads of one triple.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from filelock import FileLock

from vth_pipeline.portaal.settings import Settings

TIME_ZONE = ZoneInfo("Europe/Amsterdam")
FORMATS = ("csv", "xlsx")


def delivery_date(now: dt.datetime | None = None) -> dt.date:
    """The delivery date in the file name: the Dutch calendar day of the upload."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(TIME_ZONE).date()


@dataclass(frozen=True)
class Landing:
    pad: str  # relative to the raw folder, posix
    replaced: tuple[str, ...]  # same-day paths this upload replaced


def check_volumes(settings: Settings) -> None:
    """The portal's temporary folder must be on the raw folder's volume (atomic rename)."""
    for folder in (settings.raw_dir, settings.tmp, settings.copies, settings.reports):
        folder.mkdir(parents=True, exist_ok=True)
    settings.locks.mkdir(parents=True, exist_ok=True)
    if settings.raw_dir.stat().st_dev != settings.tmp.stat().st_dev:
        raise RuntimeError(
            f"{settings.tmp} en {settings.raw_dir} liggen op verschillende volumes; zet "
            "VTH_PORTAAL_DIR op het volume van VTH_RAW_DIR (een bestand moet in één stap op "
            "zijn plaats komen)"
        )


def temp_path(settings: Settings, suffix: str = "") -> Path:
    return settings.tmp / f"{uuid.uuid4().hex}{suffix}"


def keep_copy(settings: Settings, source: Path, sha256: str, formaat: str | None) -> Path:
    """The received bytes under their sha256 (once), whatever the verdict."""
    target = settings.copies / f"{sha256}.{formaat or 'bin'}"
    if not target.exists():
        tmp = temp_path(settings)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    return target


@contextmanager
def triple_lock(settings: Settings, jaar: int, partner: str, soort: str):
    with FileLock(settings.locks / f"{jaar}-{partner}-{soort}.lock", timeout=120):
        yield


def land(
    settings: Settings, source: Path, jaar: int, partner: str, soort: str, formaat: str,
    day: dt.date,
) -> Landing:  # fmt: skip
    """Put `source` in place as the day's delivery of the triple; call under `triple_lock`."""
    folder = settings.raw_dir / str(jaar) / partner
    folder.mkdir(parents=True, exist_ok=True)
    names = {f: f"{soort}_{day.isoformat()}.{f}" for f in FORMATS}
    target = folder / names[formaat]
    tmp = temp_path(settings)
    shutil.copyfile(source, tmp)
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    replaced = []
    for other in (f for f in FORMATS if f != formaat):
        if (folder / names[other]).exists():
            (folder / names[other]).unlink()
            replaced.append(f"{jaar}/{partner}/{names[other]}")
    if target.exists():
        replaced.append(f"{jaar}/{partner}/{names[formaat]}")
    os.replace(tmp, target)
    return Landing(f"{jaar}/{partner}/{names[formaat]}", tuple(replaced))
