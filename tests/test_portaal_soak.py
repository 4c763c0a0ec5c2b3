"""The portal under load on loopback: a real uvicorn (`vth portaal`), several partners uploading
at once, nothing lost or mixed up; and the body's size and time limits on the real server.

Every upload carries its own ids (partner and sequence number in `controle_id`) and a row count
chosen by the test, so each verdict can be matched to what was sent without the portal's help.
Bounded: every request has a timeout, the whole run a deadline.
"""

from __future__ import annotations

import hashlib
import os
import select
import socket
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import CONTROLES_HEADER
from tests.portaal_files import ROW
from tests.portaal_server import account, portal_env, serve
from vth_pipeline.ingest.discovery import FILE_NAME

PARTNERS = ("RUDZ", "ODG", "FUMO", "RUDD")
YEARS = ("2022", "2023")
UPLOADS = int(os.environ.get("VTH_SOAK_UPLOADS") or 200)
CLIENTS = 8
DEADLINE_SECONDS = 600


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("soak")
    env = portal_env(
        folder, VTH_PORTAAL_MAX_MB="1", VTH_PORTAAL_UPLOAD_SECONDS="3", VTH_PORTAAL_CHECKS="2"
    )
    tokens = {code: account(env, code) for code in PARTNERS}
    with serve(env) as url:
        yield url, tokens, folder


def content(partner: str, n: int, year: str) -> tuple[bytes, int]:
    """1 to 4 rows, all valid, with ids naming partner and sequence number."""
    rows = 1 + n % 4
    lines = [
        ROW.replace("C1", f"{partner}-{n}-{i}").replace("2023-03-05", f"{year}-03-05")
        for i in range(rows)
    ]
    return (CONTROLES_HEADER + "\n" + "\n".join(lines) + "\n").encode(), rows


def test_hundreds_of_uploads_from_several_partners_at_once(server):
    url, tokens, folder = server
    plan = [(PARTNERS[n % 4], n, YEARS[(n // 4) % 2]) for n in range(UPLOADS)]
    started = time.monotonic()

    def send(item):
        partner, n, year = item
        body, rows = content(partner, n, year)
        assert time.monotonic() - started < DEADLINE_SECONDS, "de soak-test duurt te lang"
        r = httpx.post(
            f"{url}/api/leveringen",
            headers={"Authorization": f"Bearer {tokens[partner]}"},
            data={"jaar": year, "soort": "controles"},
            files={"bestand": (f"{n}.csv", body, "text/csv")},
            timeout=300,
        )
        return item, body, rows, r.status_code, r.json()

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(send, plan))
    seconds = time.monotonic() - started
    print(f"\n{UPLOADS} uploads van {len(PARTNERS)} partners in {seconds:.1f} s")

    by_triple = defaultdict(list)
    for (partner, n, year), body, rows, status, v in results:
        assert status == 201, v
        assert (v["partner_code"], v["jaar"], v["bestandsnaam"]) == (partner, int(year), f"{n}.csv")
        assert v["status"] == "geaccepteerd", v
        assert v["rijen"] == {"gelezen": rows, "geaccepteerd": rows, "quarantaine": 0}
        assert v["sha256"] == hashlib.sha256(body).hexdigest()
        by_triple[(year, partner)].append(v)

    raw = folder / "raw"
    for (year, partner), verdicts in by_triple.items():
        # each partner lists exactly its own uploads
        listed = httpx.get(
            f"{url}/api/leveringen?jaar={year}",
            headers={"Authorization": f"Bearer {tokens[partner]}"},
            timeout=60,
        ).json()["leveringen"]
        assert sorted(x["id"] for x in listed) == sorted(v["id"] for v in verdicts)
        # the same-day uploads of a triple form one chain: each replaced the one before
        ids = {v["id"] for v in verdicts}
        replaced = [v["vervangt"] for v in verdicts if v["vervangt"]]
        assert len(replaced) == len(verdicts) - 1 and set(replaced) < ids
        assert len(set(replaced)) == len(replaced)
        (last,) = [v for v in verdicts if v["id"] not in set(replaced)]
        files = sorted((raw / year / partner).iterdir())
        assert [f.name for f in files] == [last["pad"].rsplit("/", 1)[1]]
        assert hashlib.sha256(files[0].read_bytes()).hexdigest() == last["sha256"]
    assert all(FILE_NAME.match(f.name) for f in raw.rglob("*") if f.is_file())
    assert not list((folder / "portaal" / "tmp").iterdir())
    kept = {f.stem for f in (folder / "portaal" / "bestanden").iterdir()}
    assert {v["sha256"] for *_, v in results} <= kept


def _raw_request(url: str, head: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    sock.sendall(head.encode())
    return sock


def _status(sock: socket.socket) -> int:
    data = sock.recv(4096)
    return int(data.split(b" ", 2)[1])


def test_an_oversized_chunked_body_is_refused_while_it_streams(server):
    """No Content-Length: the answer 413 comes once the limit (1 MB here) is passed, while the
    client is still sending — not after the 8 MB it meant to send."""
    url, tokens, _ = server
    sock = _raw_request(
        url,
        "POST /api/leveringen HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        f"Authorization: Bearer {tokens['RUDZ']}\r\n"
        "Content-Type: multipart/form-data; boundary=zz\r\n\r\n",
    )
    part = b'--zz\r\nContent-Disposition: form-data; name="bestand"; filename="a.csv"\r\n\r\n'
    sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
    chunk = b"y" * 65_536
    sent = 0
    with sock:
        for _ in range(128):
            if select.select([sock], [], [], 0.05)[0]:
                break
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                break
            sent += len(chunk)
        assert _status(sock) == 413
    assert sent < 4 * 1024 * 1024, sent


def test_a_body_that_does_not_arrive_in_time_is_408(server):
    url, tokens, _ = server
    started = time.monotonic()
    sock = _raw_request(
        url,
        "POST /api/leveringen HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n"
        f"Authorization: Bearer {tokens['ODG']}\r\n"
        "Content-Type: multipart/form-data; boundary=zz\r\n\r\n--zz\r\n",
    )
    with sock:
        assert _status(sock) == 408  # VTH_PORTAAL_UPLOAD_SECONDS=3 in this module
    assert time.monotonic() - started < 20
