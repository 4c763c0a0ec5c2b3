"""The pages, in Dutch: log in with the token, upload with the verdict as a table, the
partner's deliveries per year (in effect, still required), and for beheer every partner.

Forms carry a CSRF token: the session's (synchroniser token) once logged in, and before that a
random value in a cookie and the form alike (double submit); a POST whose Origin is another
site is refused as well. The session cookie is HttpOnly, SameSite=Strict and Secure (unless
VTH_PORTAAL_INSECURE is set for plain http on another host than localhost).
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.portaal import auth, journal, state, uploads
from vth_pipeline.portaal.api import report_response
from vth_pipeline.portaal.auth import Who
from vth_pipeline.portaal.partners import kinds, open_years
from vth_pipeline.portaal.uploads import CSRF_MESSAGE, UploadError
from vth_pipeline.portaal.web import client_address

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
MAX_LOGIN_FORM = 4096


def cookie_names(secure: bool) -> tuple[str, str]:
    """(session, login CSRF): `__Host-` cookies need Secure, and are then bound to the host."""
    prefix = "__Host-" if secure else ""
    return f"{prefix}vth_sessie", f"{prefix}vth_inlog"


def _set_cookie(response: Response, request: Request, name: str, value: str, max_age: int):
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=request.app.state.settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )


def _drop_cookie(response: Response, request: Request, name: str) -> None:
    """Deleting a `__Host-` cookie needs the same attributes as setting it (Secure)."""
    _set_cookie(response, request, name, "", 0)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


def render(request: Request, name: str, context: dict, status: int = 200) -> Response:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def _session(request: Request) -> tuple[Who, str] | None:
    app = request.app.state
    cookie = request.cookies.get(cookie_names(app.settings.cookie_secure)[0])
    with app.db.session() as s:
        return auth.session_of(s, cookie)


async def logged_in(request: Request) -> tuple[Who, str]:
    found = await run_in_threadpool(_session, request)
    if found is None:
        raise HTTPException(303, headers={"Location": "/inloggen"})
    return found


def _page(request: Request, who: Who, csrf: str, **context) -> dict:
    return {"who": who, "csrf": csrf, **context}


# --- logging in and out --------------------------------------------------------------------------


async def login_form(request: Request, message: str | None = None, status: int = 200):
    token = secrets.token_urlsafe(32)
    response = render(request, "inloggen.html", {"csrf": token, "melding": message}, status)
    _set_cookie(response, request, cookie_names(request.app.state.settings.cookie_secure)[1],
                token, 3600)  # fmt: skip
    return response


def _login(request: Request, token: str) -> tuple[int, str | None, str | None]:
    """(status, session cookie, message); every attempt is logged."""
    app = request.app.state
    address = client_address(request)
    window = dt.timedelta(minutes=app.settings.login_window_minutes)
    with app.db.session() as s:
        if auth.rate_limited(s, address, app.settings.login_max, window):
            return 429, None, "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw."
        who = auth.verify_token(s, token)
        if who is None:
            journal.write(s, journal.LOGIN_FAILED, None, address)
            return 401, None, "Dit token is onjuist. Controleer het en probeer het opnieuw."
        cookie, _ = auth.start_session(s, who, app.settings.session_hours)
        journal.write(s, journal.LOGIN_OK, who.code, address)
    return 303, cookie, None


async def login(request: Request):
    if request.method == "GET":
        return await login_form(request)
    settings = request.app.state.settings
    form = await request.form(max_files=0, max_fields=5, max_part_size=MAX_LOGIN_FORM)
    expected = request.cookies.get(cookie_names(settings.cookie_secure)[1])
    if not _same_origin(request) or not auth.same_secret(form.get("csrf"), expected):
        return await login_form(request, CSRF_MESSAGE[0].upper() + CSRF_MESSAGE[1:] + ".", 403)
    status, cookie, message = await run_in_threadpool(_login, request, str(form.get("token", "")))
    if cookie is None:
        return await login_form(request, message, status)
    response = RedirectResponse("/leveringen", 303)
    hours = int(settings.session_hours * 3600)
    _set_cookie(response, request, cookie_names(settings.cookie_secure)[0], cookie, hours)
    _drop_cookie(response, request, cookie_names(settings.cookie_secure)[1])
    return response


async def logout(request: Request):
    who, csrf = await logged_in(request)
    form = await request.form(max_files=0, max_fields=5, max_part_size=MAX_LOGIN_FORM)
    if not _same_origin(request) or not auth.same_secret(form.get("csrf"), csrf):
        raise HTTPException(403, CSRF_MESSAGE)
    app = request.app.state
    name = cookie_names(app.settings.cookie_secure)[0]

    def end() -> None:
        with app.db.session() as s:
            auth.end_session(s, request.cookies.get(name))
            journal.write(s, journal.LOGOUT, who.code, client_address(request))

    await run_in_threadpool(end)
    response = RedirectResponse("/inloggen", 303)
    _drop_cookie(response, request, name)
    return response


async def home(request: Request):
    found = await run_in_threadpool(_session, request)
    return RedirectResponse("/leveringen" if found else "/inloggen", 303)


# --- uploading -----------------------------------------------------------------------------------


def _upload_context(request: Request, who: Who, csrf: str, **extra) -> dict:
    partner = request.app.state.partners.get(who.code)
    required, optional = kinds(partner) if partner else ([], [])
    years = open_years()
    return _page(
        request, who, csrf, jaren=years[::-1], soorten=required + optional,
        alle_soorten=list(FILE_KINDS), max_mb=request.app.state.settings.max_mb, **extra,
    )  # fmt: skip


async def upload(request: Request):
    who, csrf = await logged_in(request)
    if who.beheer:
        raise HTTPException(403, "Een beheeraccount levert niet aan.")
    if request.method == "GET":
        return render(request, "leveren.html", _upload_context(request, who, csrf))
    app = request.app.state
    try:
        if not _same_origin(request):
            raise UploadError(403, CSRF_MESSAGE)
        got = await uploads.receive(request, app.settings, csrf=csrf)
    except UploadError as e:
        context = _upload_context(request, who, csrf, melding=e.message)
        return render(request, "leveren.html", context, e.status)
    levering = await uploads.process(
        app.db, app.settings, app.checks, who, got, client_address(request)
    )
    return RedirectResponse(f"/leveringen/{levering.id}", 303)


async def verdict(request: Request):
    who, csrf = await logged_in(request)
    app = request.app.state
    levering = await run_in_threadpool(uploads.visible, app.db, who, request.path_params["id"])
    if levering is None:
        raise HTTPException(404, "Deze levering bestaat niet (of is niet van u).")
    data = uploads.as_json(levering, base="/leveringen")
    return render(request, "oordeel.html", _page(request, who, csrf, levering=data))


async def report(request: Request):
    who, _ = await logged_in(request)
    response = await report_response(request, who)
    if response.status_code == 404:
        raise HTTPException(404, "Dit rapport bestaat niet (of is niet van u).")
    return response


# --- deliveries per year -------------------------------------------------------------------------


def _year(request: Request) -> int:
    years = open_years()
    asked = request.query_params.get("jaar", "")
    return int(asked) if asked.isdigit() and int(asked) in years else years[-2]


def _states(request: Request, year: int, codes: list[str]):
    app = request.app.state
    return state.year_state(app.settings.raw_dir, year, app.partners, app.names, codes)


async def deliveries(request: Request):
    who, csrf = await logged_in(request)
    if who.beheer:
        return RedirectResponse("/beheer", 303)
    app = request.app.state
    year = _year(request)
    found = await run_in_threadpool(_states, request, year, [who.code])
    own = await run_in_threadpool(uploads.visible, app.db, who, None, year)
    context = _page(
        request, who, csrf, jaar=year, jaren=open_years()[::-1], staat=found[0],
        leveringen=[uploads.as_json(lev, base="/leveringen") for lev in own],
    )  # fmt: skip
    return render(request, "leveringen.html", context)


async def beheer(request: Request):
    who, csrf = await logged_in(request)
    if not who.beheer:
        raise HTTPException(403, "Deze pagina is alleen voor beheer.")
    app = request.app.state
    year = _year(request)
    found = await run_in_threadpool(_states, request, year, list(app.partners))
    context = _page(request, who, csrf, jaar=year, jaren=open_years()[::-1], staten=found)
    return render(request, "beheer.html", context)


async def error_page(request: Request, exc: HTTPException):
    """Errors of the pages as a page (a redirect to the login stays a redirect)."""
    if exc.status_code in (301, 302, 303):
        return RedirectResponse(exc.headers["Location"], exc.status_code)
    found = await run_in_threadpool(_session, request)
    who, csrf = found if found else (None, None)
    detail = exc.detail if isinstance(exc.detail, str) else ""
    context = {"who": who, "csrf": csrf, "status": exc.status_code, "melding": detail}
    return render(request, "fout.html", context, exc.status_code)


ROUTES = [
    Route("/", home),
    Route("/inloggen", login, methods=["GET", "POST"]),
    Route("/uitloggen", logout, methods=["POST"]),
    Route("/leveren", upload, methods=["GET", "POST"]),
    Route("/leveringen", deliveries),
    Route("/leveringen/{id}", verdict),
    Route("/leveringen/{id}/rapport.xlsx", report),
    Route("/beheer", beheer),
]
