"""The application factory: routes, middleware, error answers and start-up (migrations)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from vth_pipeline.portaal import api, pages, storage
from vth_pipeline.portaal.checker import Checks, Pool
from vth_pipeline.portaal.db import Database
from vth_pipeline.portaal.partners import load_partners, names
from vth_pipeline.portaal.settings import Settings, from_env
from vth_pipeline.portaal.uploads import (
    MULTIPART_SLACK,
    TooLarge,
    UploadError,
    too_large_message,
)
from vth_pipeline.portaal.web import BodyLimit, SecurityHeaders

STATIC = Path(__file__).with_name("static")
MESSAGES = {
    400: "ongeldig verzoek",
    404: "niet gevonden",
    405: "deze methode is hier niet toegestaan",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def upload_error(request: Request, exc: UploadError):
    if _is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse({"fout": exc.message}, exc.status, headers=headers)
    return await pages.error_page(request, HTTPException(exc.status, exc.message))


async def too_large(request: Request, exc: TooLarge):
    message = too_large_message(request.app.state.settings)
    return await upload_error(request, UploadError(413, message))


async def http_error(request: Request, exc: HTTPException):
    if _is_api(request):
        detail = MESSAGES.get(exc.status_code, exc.detail)
        return JSONResponse({"fout": detail}, exc.status_code, headers=exc.headers)
    if exc.status_code in MESSAGES and exc.detail in (None, "", _english(exc.status_code)):
        exc = HTTPException(exc.status_code, MESSAGES[exc.status_code].capitalize() + ".")
    return await pages.error_page(request, exc)


def _english(status: int) -> str:
    return HTTPStatus(status).phrase


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette):
        storage.check_volumes(settings)
        app.state.db.migrate()
        app.state.checks = Checks(Pool(settings.checks), anyio.CapacityLimiter(settings.checks))
        try:
            yield
        finally:
            app.state.checks.pool.close()
            app.state.db.close()

    app = Starlette(
        routes=[*api.ROUTES, *pages.ROUTES, Mount("/static", StaticFiles(directory=STATIC))],
        middleware=[
            Middleware(SecurityHeaders, hsts=settings.cookie_secure),
            Middleware(
                BodyLimit,
                max_bytes=settings.max_bytes + MULTIPART_SLACK,
                message=too_large_message(settings),
            ),
        ],
        exception_handlers={
            UploadError: upload_error,
            TooLarge: too_large,
            HTTPException: http_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = Database(settings.database_url)
    app.state.partners = load_partners(settings.partners_csv)
    app.state.names = names(settings.partners_csv)
    return app
