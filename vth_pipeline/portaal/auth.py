"""Who is asking: tokens (Argon2 hashes only), browser sessions, CSRF and the login rate limit.

A token is `vth_<sleutel>_<geheim>`: the public `sleutel` finds the account, Argon2 verifies
the whole token (a constant-time comparison inside the library). An unknown `sleutel` is
verified against a dummy hash, so a wrong token costs the same time whether or not its first
part exists. Sessions and CSRF tokens are random; the database keeps a session's sha256, and
every comparison of secrets goes through `hmac.compare_digest`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vth_pipeline.portaal import journal
from vth_pipeline.portaal.db import Account, Sessie, utcnow

HASHER = PasswordHasher()  # argon2id with the library's defaults (RFC 9106, low memory)
TOKEN_RE = re.compile(r"^vth_(?P<sleutel>[0-9a-f]{16})_(?P<geheim>[A-Za-z0-9_-]{43})$")
_DUMMY_HASH = HASHER.hash("vth_" + "0" * 16 + "_" + "A" * 43)


@dataclass(frozen=True)
class Who:
    """The caller: an account code; `beheer` sees every partner."""

    account_id: int
    code: str
    beheer: bool


def new_token() -> tuple[str, str]:
    """(sleutel, token): 64 random bits to find the account, 256 bits of secret."""
    sleutel = secrets.token_hex(8)
    return sleutel, f"vth_{sleutel}_{secrets.token_urlsafe(32)}"


def create_or_rotate(s: Session, code: str, beheer: bool) -> tuple[str, bool]:
    """A new token for the account (made when absent); old sessions end. (token, created)"""
    sleutel, token = new_token()
    account = s.scalar(select(Account).where(Account.code == code))
    created = account is None
    if created:
        account = Account(code=code, beheer=beheer, aangemaakt=utcnow())
        s.add(account)
    else:
        s.execute(delete(Sessie).where(Sessie.account_id == account.id))
    account.beheer = beheer
    account.sleutel = sleutel
    account.token_hash = HASHER.hash(token)
    account.gewijzigd = utcnow()
    journal.write(
        s,
        journal.ACCOUNT_CREATED if created else journal.TOKEN_ROTATED,
        code,
        detail="beheer" if beheer else None,
    )
    return token, created


# sleutel -> (token_hash, sha256 of the token) of tokens verified by Argon2 in this process:
# an API client sends its token with every request, and Argon2 costs 0.1-0.5 s of CPU by
# design. A rotation changes the account's sleutel and hash, so a cached entry never outlives
# its token; a wrong token always takes the Argon2 path.
_VERIFIED: dict[str, tuple[str, str]] = {}
_VERIFIED_MAX = 10_000


def verify_token(s: Session, token: str) -> Who | None:
    """The account of a token, or None; the time taken does not tell which part was wrong."""
    token = (token or "").strip()
    m = TOKEN_RE.match(token)
    account = s.scalar(select(Account).where(Account.sleutel == m["sleutel"])) if m else None
    digest = _digest(token)
    cached = _VERIFIED.get(account.sleutel) if account else None
    if cached and cached[0] == account.token_hash and same_secret(digest, cached[1]):
        return Who(account.id, account.code, account.beheer)
    try:
        HASHER.verify(account.token_hash if account else _DUMMY_HASH, token if m else "")
    except (VerificationError, InvalidHashError):
        return None
    if account is None:  # only the dummy's own token verifies against it; never an account
        return None
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[account.sleutel] = (account.token_hash, digest)
    return Who(account.id, account.code, account.beheer)


def rate_limited(s: Session, address: str | None, limit: int, window: dt.timedelta) -> bool:
    return journal.recent_failures(s, address, window) >= limit


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def start_session(s: Session, who: Who, hours: float) -> tuple[str, str]:
    """(cookie value, CSRF token) of a new session; expired sessions are cleared on the way."""
    s.execute(delete(Sessie).where(Sessie.verloopt < utcnow()))
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    s.add(
        Sessie(
            id_hash=_digest(cookie),
            account_id=who.account_id,
            csrf=csrf,
            verloopt=utcnow() + dt.timedelta(hours=hours),
        )
    )
    return cookie, csrf


def session_of(s: Session, cookie: str | None) -> tuple[Who, str] | None:
    """(who, CSRF token) of a live session cookie, else None."""
    if not cookie:
        return None
    row = s.execute(
        select(Sessie, Account)
        .join(Account, Account.id == Sessie.account_id)
        .where(Sessie.id_hash == _digest(cookie), Sessie.verloopt > utcnow())
    ).first()
    if row is None:
        return None
    sessie, account = row
    return Who(account.id, account.code, account.beheer), sessie.csrf


def end_session(s: Session, cookie: str | None) -> None:
    if cookie:
        s.execute(delete(Sessie).where(Sessie.id_hash == _digest(cookie)))


def same_secret(given: str | None, expected: str | None) -> bool:
    """Constant-time equality of two secrets; a missing one is never equal."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
