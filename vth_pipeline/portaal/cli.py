"""`vth portaal`: serve the portal (uvicorn), or create or rotate an account's token.

    vth portaal [--host 127.0.0.1] [--port 8080]
    vth portaal account CODE [--beheer]

A partner's CODE must be in partners.csv. A beheer (data engineer's) account takes a name of
its own that is no partner code, so the two kinds of account never share a code.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn

from vth_pipeline.portaal import auth
from vth_pipeline.portaal.app import create_app
from vth_pipeline.portaal.db import Database
from vth_pipeline.portaal.partners import CODE_RE, load_partners
from vth_pipeline.portaal.settings import from_env


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vth portaal", description="Het leverportaal voor partners.")
    p.add_argument("--host", default="127.0.0.1", help="adres (127.0.0.1; achter de TLS-proxy)")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--workers", type=int, default=1, help="uvicorn-werkprocessen")
    sub = p.add_subparsers(dest="command")
    a = sub.add_parser("account", help="maak of vervang het token van een account")
    a.add_argument("code", help="partnercode uit partners.csv (of de naam van een beheerder)")
    a.add_argument("--beheer", action="store_true", help="account van een data engineer")
    return p


def account(code: str, beheer: bool) -> int:
    settings = from_env()
    partners = load_partners(settings.partners_csv)
    if beheer and code in partners:
        print(f"fout: '{code}' is een partnercode; kies een andere naam voor beheer",
              file=sys.stderr)  # fmt: skip
        return 2
    if not beheer and code not in partners:
        print(f"fout: '{code}' staat niet in {settings.partners_csv}", file=sys.stderr)
        return 2
    if not CODE_RE.match(code):
        print("fout: een naam bestaat uit 2-40 letters, cijfers, - of _", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        db.migrate()
        with db.session() as s:
            token, created = auth.create_or_rotate(s, code, beheer)
    finally:
        db.close()
    kind = "beheeraccount" if beheer else "account"
    if created:
        print(f"{kind} {code} aangemaakt.")
    else:
        print(f"{kind} {code} kreeg een nieuw token; het vorige en zijn sessies werken niet meer.")
    print("Token (wordt niet opgeslagen en niet nog eens getoond; geef het veilig door):")
    print(token)
    return 0


def serve(host: str, port: int, workers: int) -> int:
    settings = from_env()
    config = {"proxy_headers": True, "forwarded_allow_ips": settings.proxy_ips}
    if workers > 1:
        uvicorn.run(
            "vth_pipeline.portaal.app:create_app", factory=True, host=host, port=port,
            workers=workers, **config,
        )  # fmt: skip
    else:
        uvicorn.run(create_app(settings), host=host, port=port, **config)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "account":
        return account(args.code, args.beheer)
    return serve(args.host, args.port, args.workers)
