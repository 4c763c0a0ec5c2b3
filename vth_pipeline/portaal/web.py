"""What every response carries and every request is held to: security headers, the body limit.

Headers: a Content-Security-Policy that allows only the portal's own files (no inline script
or style anywhere, so none is needed), `nosniff`, no framing, no referrer to other sites, no
caching of pages with a partner's data, and HSTS when cookies are Secure (behind TLS). The
body limit answers 413 at once when Content-Length says too much, and stops a body without one
(chunked) as soon as it grows past the limit, not after reading it all.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse

from vth_pipeline.portaal.uploads import TooLarge

CSP = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'"
)


class SecurityHeaders:
    def __init__(self, app, hsts: bool):
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"  # no-referrer would make Origin "null"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if not static:
                    headers["Cache-Control"] = "no-store"
                if self.hsts:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    def __init__(self, app, max_bytes: int, message: str):
        self.app = app
        self.max_bytes = max_bytes
        self.message = message

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            status = 413 if declared.isdigit() else 400
            text = self.message if status == 413 else "ongeldige Content-Length"
            return await JSONResponse({"fout": text}, status)(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise TooLarge
            return message

        await self.app(scope, limited, send)


def client_address(request: Request) -> str | None:
    """The caller's address; behind the proxy, uvicorn takes it from X-Forwarded-For of the
    trusted proxy addresses (VTH_PORTAAL_PROXY_IPS) only."""
    return request.client.host if request.client else None
