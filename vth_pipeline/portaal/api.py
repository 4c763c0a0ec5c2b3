"""The API: POST/GET /api/leveringen and GET /api/leveringen/{id}, JSON with Dutch messages.

Authorisation is `Authorization: Bearer <token>`. A partner sees only its own uploads:
anything else answers 404, exactly as an id that does not exist, so ids of others cannot be
probed. A beheer account reads every partner's uploads and delivers none.
"""

from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Route

from vth_pipeline.portaal import auth, journal, uploads
from vth_pipeline.portaal.auth import Who
from vth_pipeline.portaal.uploads import UploadError
from vth_pipeline.portaal.web import client_address

NOT_FOUND = "levering niet gevonden"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bearer_check(request: Request) -> Who:
    app = request.app.state
    address = client_address(request)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    window = dt.timedelta(minutes=app.settings.login_window_minutes)
    with app.db.session() as s:  # the failure is committed to the log before answering
        if auth.rate_limited(s, address, app.settings.login_max, window):
            limited, who = True, None
        else:
            limited = False
            who = auth.verify_token(s, token) if scheme.lower() == "bearer" else None
            if who is None:
                detail = "geen token" if not header else None
                journal.write(s, journal.TOKEN_FAILED, None, address, detail=detail)
    if limited:
        raise UploadError(429, "te veel mislukte pogingen; probeer het later opnieuw")
    if who is None:
        raise UploadError(401, "geen of een onjuist token (Authorization: Bearer <token>)")
    return who


async def bearer(request: Request) -> Who:
    return await run_in_threadpool(_bearer_check, request)


async def post_levering(request: Request) -> JSONResponse:
    app = request.app.state
    who = await bearer(request)
    if who.beheer:
        raise UploadError(403, "een beheeraccount levert niet aan; gebruik het partneraccount")
    got = await uploads.receive(request, app.settings)
    levering = await uploads.process(
        app.db, app.settings, app.checks, who, got, client_address(request)
    )
    return JSONResponse(
        uploads.as_json(levering),
        201,
        headers={"Location": f"/api/leveringen/{levering.id}"},
    )


def _summary(levering) -> dict:
    data = uploads.as_json(levering)
    for key in ("bevindingen", "opmerkingen"):
        data.pop(key)
    return data


async def list_leveringen(request: Request) -> JSONResponse:
    who = await bearer(request)
    jaar = request.query_params.get("jaar")
    year = int(jaar) if jaar and jaar.isdigit() else None
    found = await run_in_threadpool(uploads.visible, request.app.state.db, who, None, year)
    return JSONResponse({"leveringen": [_summary(lev) for lev in found]})


async def get_levering(request: Request) -> JSONResponse:
    who = await bearer(request)
    ident = request.path_params["id"]
    levering = await run_in_threadpool(uploads.visible, request.app.state.db, who, ident)
    if levering is None:
        return JSONResponse({"fout": NOT_FOUND}, 404)
    return JSONResponse(uploads.as_json(levering))


async def get_report(request: Request):
    who = await bearer(request)
    return await report_response(request, who)


async def report_response(request: Request, who: Who):
    """The XLSX report of one of the caller's uploads (also the page's download)."""
    app = request.app.state
    levering = await run_in_threadpool(uploads.visible, app.db, who, request.path_params["id"])
    path = uploads.report_path(app.settings, levering) if levering else None
    if path is None:
        return JSONResponse({"fout": NOT_FOUND}, 404)
    return FileResponse(
        path,
        media_type=XLSX,
        filename=f"vth-oordeel-{levering.jaar}-{levering.partner_code}-{levering.soort}.xlsx",
    )


ROUTES = [
    Route("/api/leveringen", post_levering, methods=["POST"]),
    Route("/api/leveringen", list_leveringen, methods=["GET"]),
    Route("/api/leveringen/{id}", get_levering, methods=["GET"]),
    Route("/api/leveringen/{id}/rapport.xlsx", get_report, methods=["GET"]),
]
