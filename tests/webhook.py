"""A real webhook receiver for the alert tests: an HTTP server on 127.0.0.1 that keeps every
JSON body posted to it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Received(list):
    def wait_for(self, n: int, seconds: float) -> list[dict]:
        """The first `n` alerts, waiting at most `seconds` for them."""
        deadline = time.monotonic() + seconds
        while len(self) < n and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self)


@contextmanager
def webhook() -> Iterator[tuple[str, Received]]:
    """(url, received): the server runs until the block ends (stopped within seconds)."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/vth", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
