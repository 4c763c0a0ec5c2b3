"""The archive: every file ever received (deliveries and reference files), kept by content.

Bytes live at `<archief>/<sha[:2]>/<sha>.<ext>`; beside them `index.jsonl`, append-only, says
where each content came from: one line per (sha256, original path, partner, soort, leverdatum,
raw folder) with the date it was first seen. Lines are only ever added, never rewritten, so the
index is an audit log. `vth verify` re-lays a year's raw folder and reference files from it by their
original paths.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

INDEX = "index.jsonl"
KEY = ("sha256", "pad", "partner_code", "soort", "leverdatum", "map")
# `map`: the raw folder a delivery was found in (absolute): a path is only the same delivery
# within one raw folder, so the history of a path (changed bytes, v1.3) is read per folder.


def archive_path(archive_dir: Path, sha256: str, ext: str | None) -> Path:
    return Path(archive_dir) / sha256[:2] / f"{sha256}.{ext or 'bin'}"


def store(source: Path, archive_dir: Path, sha256: str, ext: str | None) -> Path:
    """Copy `source` into the archive unless its content is there already (atomic rename)."""
    target = archive_path(archive_dir, sha256, ext)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(source, tmp)
        tmp.replace(target)
    return target


def read_index(archive_dir: Path) -> list[dict[str, Any]]:
    """Every line of the index, in the order written (a damaged line is skipped)."""
    path = Path(archive_dir) / INDEX
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def append_index(archive_dir: Path, entries: Iterable[dict[str, Any]]) -> int:
    """Add the entries not yet in the index, dated today; earlier lines are never touched."""
    known = {tuple(e.get(k) for k in KEY) for e in read_index(archive_dir)}
    today = dt.date.today().isoformat()
    new = []
    for e in entries:
        key = tuple(e.get(k) for k in KEY)
        if key in known:
            continue
        known.add(key)
        new.append({k: e.get(k) for k in KEY} | {"eerst_gezien": today})
    if new:
        Path(archive_dir).mkdir(parents=True, exist_ok=True)
        with (Path(archive_dir) / INDEX).open("a", encoding="utf-8") as f:
            for e in new:
                f.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
    return len(new)


def archive_reference(path: Path, archive_dir: Path, sha256: str) -> Path:
    """A reference file, archived as deliveries are (soort `referentie`, pad its file name)."""
    target = store(path, archive_dir, sha256, path.suffix.lstrip(".").lower())
    append_index(
        archive_dir,
        [
            {
                "sha256": sha256,
                "pad": path.name,
                "partner_code": None,
                "soort": "referentie",
                "leverdatum": None,
            }
        ],
    )
    return target
