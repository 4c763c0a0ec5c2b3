"""Atomic publication of a year: build in `<out>/.bouw/<jaar>`, then swap it in at once.

A reader (or a build killed halfway) sees either the previous complete year or the new one,
never a mix. On Linux the swap is one `renameat2(RENAME_EXCHANGE)` call; elsewhere it falls back
to two renames with the previous year kept aside until the new one is in place.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

STAGING = ".bouw"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def staging_folder(out: Path, year: int) -> Path:
    return out / STAGING / str(year)


def fresh_staging(out: Path, year: int) -> Path:
    """A new staging folder holding a copy of the published year (or nothing yet).

    Starting from the published year keeps files that this build does not rewrite; any leftover
    of a killed build is discarded.
    """
    staging = staging_folder(out, year)
    if staging.exists():
        shutil.rmtree(staging)
    staging.parent.mkdir(parents=True, exist_ok=True)
    published = out / str(year)
    if published.is_dir():
        shutil.copytree(published, staging)
    else:
        staging.mkdir()
    return staging


def current_staging(out: Path, year: int) -> Path:
    """The staging folder the year's earlier publication steps wrote, else a fresh one
    (a step materialised on its own starts from the published year)."""
    staging = staging_folder(out, year)
    return staging if staging.is_dir() else fresh_staging(out, year)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call (Linux renameat2); False when unavailable."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        errno = ctypes.get_errno()
        if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not on this file system
            return False
        raise OSError(errno, os.strerror(errno), str(a))
    return True


def swap_in(staging: Path, published: Path) -> Path:
    """Make `staging` the published year in one step; the previous year is removed after."""
    if not published.exists():
        os.rename(staging, published)  # atomic: the year appears complete
        return published
    if not _exchange(staging, published):
        aside = staging.with_name(staging.name + ".vorig")
        if aside.exists():
            shutil.rmtree(aside)
        os.rename(published, aside)
        os.rename(staging, published)
        staging = aside
    shutil.rmtree(staging)  # now the previous publication
    return published


def swap_and_tidy(staging: Path, published: Path) -> Path:
    """`swap_in`, then remove the staging parent when no other year is being built."""
    swap_in(staging, published)
    with contextlib.suppress(OSError):
        staging.parent.rmdir()
    return published
