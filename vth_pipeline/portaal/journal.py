"""The append-only log: every login (also a failed one) and every upload, with the address."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vth_pipeline.portaal.db import Logregel, utcnow

LOGIN_OK = "inloggen"
LOGIN_FAILED = "inloggen_mislukt"
TOKEN_FAILED = "token_onjuist"  # a wrong Bearer token on the API counts as a failed login
LOGOUT = "uitloggen"
UPLOAD = "levering"
ACCOUNT_CREATED = "account_aangemaakt"
TOKEN_ROTATED = "token_vervangen"
FAILURES = (LOGIN_FAILED, TOKEN_FAILED)


def write(
    s: Session,
    event: str,
    code: str | None = None,
    address: str | None = None,
    levering_id: str | None = None,
    detail: str | None = None,
) -> None:
    s.add(
        Logregel(
            tijd=utcnow(),
            gebeurtenis=event,
            code=code,
            adres=address,
            levering_id=levering_id,
            detail=detail,
        )
    )


def recent_failures(s: Session, address: str | None, window: dt.timedelta) -> int:
    """Failed logins from this address within the window (the rate limit reads the log, so it
    holds across workers and restarts)."""
    return s.scalar(
        select(func.count())
        .select_from(Logregel)
        .where(
            Logregel.adres == address,
            Logregel.gebeurtenis.in_(FAILURES),
            Logregel.tijd > utcnow() - window,
        )
    )
