"""The portal's API and security checklist (issue 24), through Starlette's TestClient over https.

Expected verdicts are worked out by hand from aanlevering.md (the file in `portaal_files`), the
landing path from the contract's naming rule, and statuses of the raw folder from the
pipeline's own discovery — a route other than the portal's code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import io
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from tests.conftest import CONTROLES_HEADER
from tests.portaal_files import HEADER_ONLY, ROW, THREE_ROWS, portal, xlsx_of
from tests.xlsx_parts import HEADER_CELLS, sheet_xml, workbook
from vth_pipeline.ingest.discovery import discover
from vth_pipeline.portaal import auth
from vth_pipeline.portaal.partners import load_partners
from vth_pipeline.portaal.storage import delivery_date

PARTNER, OTHER, BEHEER = "RUDZ", "ODG", "beheerder1"


@pytest.fixture(scope="module")
def p(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portaal")
    with portal(folder, {PARTNER: False, OTHER: False, BEHEER: True}, max_mb=1, login_max=100) as p:
        yield p


def today() -> str:
    return delivery_date().isoformat()


def log(p, event: str | None = None) -> list[tuple]:
    with p.app.state.db.engine.connect() as c:
        rows = c.execute(sa.text("SELECT gebeurtenis, code, levering_id, detail FROM logboek"))
        return [r for r in rows if event is None or r[0] == event]


def partner_files(p, code: str = PARTNER, year: int = 2023) -> list[str]:
    folder = p.settings.raw_dir / str(year) / code
    return sorted(f.name for f in folder.iterdir()) if folder.is_dir() else []


# --- the verdict and where an accepted file lands ------------------------------------------------


def test_accepted_file_gets_its_verdict_and_lands_by_the_contracts_name(p):
    r = p.upload(PARTNER, THREE_ROWS.encode(), name="export april.csv")
    assert r.status_code == 201
    v = r.json()
    assert r.headers["location"] == f"/api/leveringen/{v['id']}"
    assert v["status"] == "geaccepteerd"
    assert v["rijen"] == {"gelezen": 3, "geaccepteerd": 2, "quarantaine": 1}
    assert [(f["rij"], f["kolom"], f["waarde"], f["regel"]) for f in v["bevindingen"]] == [
        (3, "datum", "2022-03-05", "controles.datum.datum_in_jaar")
    ]
    assert v["pad"] == f"2023/{PARTNER}/controles_{today()}.csv"
    landed = p.settings.raw_dir / v["pad"]
    assert landed.read_bytes() == THREE_ROWS.encode()
    assert v["sha256"] == hashlib.sha256(THREE_ROWS.encode()).hexdigest()
    assert p.client.get(f"/api/leveringen/{v['id']}", headers=p.bearer(PARTNER)).json() == v
    # the report is the vth check report: one finding row with the same content
    xlsx = p.client.get(v["rapport"], headers=p.bearer(PARTNER))
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Bevindingen"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1:4] == (3, "datum", "2022-03-05")
    assert ("levering", PARTNER, v["id"]) in [r[:3] for r in log(p, "levering")]


def test_same_day_uploads_supersede_and_never_conflict(p):
    """csv, then xlsx, then csv again on one day: always exactly one file of the day, and the
    pipeline's discovery sees one delivery in effect and no conflict."""
    first = p.upload(PARTNER, THREE_ROWS.encode()).json()
    book = xlsx_of(THREE_ROWS, p.settings.folder / "twin.xlsx")
    second = p.upload(PARTNER, book, name="levering.xlsx").json()
    assert second["status"] == "geaccepteerd" and second["vervangt"] == first["id"]
    assert partner_files(p) == [f"controles_{today()}.xlsx"]
    third = p.upload(PARTNER, THREE_ROWS.encode()).json()
    assert third["vervangt"] == second["id"]
    assert partner_files(p) == [f"controles_{today()}.csv"]
    partners = load_partners(p.settings.partners_csv)
    frame = discover(p.settings.raw_dir, 2023, partners)
    assert frame["status"].to_list() == ["in_gebruik"]
    # every received file stays traceable by its sha256
    kept = {f.name for f in p.settings.copies.iterdir()}
    assert f"{hashlib.sha256(book).hexdigest()}.xlsx" in kept


def test_rejected_upload_never_lands_and_never_displaces(p):
    accepted = p.upload(PARTNER, THREE_ROWS.encode()).json()
    before = partner_files(p)
    r = p.upload(PARTNER, HEADER_ONLY.encode())
    assert r.status_code == 201
    v = r.json()
    assert v["status"] == "afgewezen" and "geen bruikbare rij" in v["reden"]
    assert v["pad"] is None
    assert partner_files(p) == before
    assert (p.settings.raw_dir / accepted["pad"]).read_bytes() == THREE_ROWS.encode()


def test_a_kind_the_partner_does_not_deliver_is_rejected_by_the_check(p):
    """An omgevingsdienst delivers no seveso_inrichtingen (the contract's duties)."""
    v = p.upload(PARTNER, b"x\n1\n", soort="seveso_inrichtingen").json()
    assert v["status"] == "afgewezen"
    assert v["reden"] == "een omgevingsdienst levert geen 'seveso_inrichtingen'"


# --- status codes ---------------------------------------------------------------------------------


def test_no_or_wrong_token_is_401_and_logged(p):
    before = len(log(p, "token_onjuist"))
    wrong = auth.new_token()[1]
    real = p.tokens[PARTNER]
    cases = [
        {},
        {"Authorization": f"Bearer {wrong}"},
        {"Authorization": f"Bearer {real[:-1]}x" if real[-1] != "x" else f"Bearer {real[:-1]}y"},
        {"Authorization": f"Basic {real}"},
        {"Authorization": "Bearer ../../etc/passwd"},
    ]
    for headers in cases:
        for method, url in [("GET", "/api/leveringen"), ("POST", "/api/leveringen")]:
            r = p.client.request(method, url, headers=headers)
            assert r.status_code == 401, (headers, method)
            assert r.headers["www-authenticate"] == "Bearer"
            assert "token" in r.json()["fout"]
    assert len(log(p, "token_onjuist")) == before + 2 * len(cases)


def test_invalid_fields_are_422_in_dutch(p):
    def post(data, files=True):
        f = {"bestand": ("a.csv", THREE_ROWS.encode(), "text/csv")} if files else None
        return p.client.post("/api/leveringen", headers=p.bearer(PARTNER), data=data, files=f)

    cases = [
        ({"jaar": "2020", "soort": "controles"}, True, "jaar moet een verslagjaar van 2021"),
        ({"jaar": "twee", "soort": "controles"}, True, "jaar moet"),
        ({"jaar": "2023", "soort": "../controles"}, True, "soort moet een van deze zijn"),
        ({"jaar": "2023", "soort": "controles"}, False, "bestand ontbreekt"),
    ]
    for data, files, message in cases:
        r = post(data, files)
        assert r.status_code == 422 and r.json()["fout"].startswith(message), (data, r.json())


def test_a_beheer_account_reads_everything_and_delivers_nothing(p):
    r = p.upload(BEHEER, THREE_ROWS.encode())
    assert r.status_code == 403
    own = p.upload(OTHER, THREE_ROWS.encode()).json()
    listed = p.client.get("/api/leveringen", headers=p.bearer(BEHEER)).json()["leveringen"]
    assert {PARTNER, OTHER} <= {lev["partner_code"] for lev in listed}
    assert p.client.get(f"/api/leveringen/{own['id']}", headers=p.bearer(BEHEER)).status_code == 200


def test_over_the_size_limit_is_413_while_streaming(p):
    limit = p.settings.max_bytes  # 1 MB in this module
    before = partner_files(p)
    declared = p.upload(PARTNER, b"x" * (limit + 100_000))
    assert declared.status_code == 413 and "groter dan 1 MB" in declared.json()["fout"]
    # no Content-Length (chunked): counted while it arrives (test_portaal_soak shows on a real
    # server that reading stops at the limit; the TestClient buffers the body first)
    r = p.client.post(
        "/api/leveringen",
        headers=p.bearer(PARTNER) | {"Content-Type": "multipart/form-data; boundary=zz"},
        content=iter([b"y" * 65_536] * 64),
    )
    assert r.status_code == 413
    # a file just over the limit inside a body under the multipart slack is 413 as well
    r = p.upload(PARTNER, b"z" * (limit + 1))
    assert r.status_code == 413
    assert partner_files(p) == before


def test_unknown_routes_and_methods(p):
    missing = p.client.get("/api/leveringen/bestaat-niet", headers=p.bearer(PARTNER))
    assert missing.status_code == 404
    r = p.client.delete("/api/leveringen", headers=p.bearer(PARTNER))
    assert r.status_code == 405 and r.json()["fout"] == "deze methode is hier niet toegestaan"


# --- partner isolation on every route -------------------------------------------------------------


def test_partner_isolation_on_every_route(p):
    mine = p.upload(PARTNER, THREE_ROWS.encode()).json()
    theirs = p.client.get("/api/leveringen", headers=p.bearer(OTHER)).json()["leveringen"]
    assert mine["id"] not in {lev["id"] for lev in theirs}
    assert {lev["partner_code"] for lev in theirs} <= {OTHER}
    for url in (f"/api/leveringen/{mine['id']}", f"/api/leveringen/{mine['id']}/rapport.xlsx"):
        r = p.client.get(url, headers=p.bearer(OTHER))
        assert r.status_code == 404 and r.json() == {"fout": "levering niet gevonden"}, url
    login(p, OTHER)
    try:
        for url in (f"/leveringen/{mine['id']}", f"/leveringen/{mine['id']}/rapport.xlsx"):
            assert p.client.get(url).status_code == 404, url
        page = p.client.get("/leveringen?jaar=2023").text
        assert mine["id"] not in page and p.tokens[PARTNER] not in page
        assert p.client.get("/beheer").status_code == 403
    finally:
        logout(p)


# --- hostile files: a verdict, never a crash ------------------------------------------------


def test_hostile_files_get_a_verdict(p, tmp_path):
    huge_value = ROW.replace("2023-03-05", "x" * 300_000).replace("C1", "C9")
    data = [*HEADER_CELLS, ("A2", "C1")]

    def book(cells, parts=None) -> Path:
        return workbook(tmp_path / f"{len(list(tmp_path.iterdir()))}.xlsx", sheet_xml(cells), parts)

    dtd = {"xl/sharedStrings.xml": '<!DOCTYPE x [<!ENTITY a "a">]><sst/>'}
    bomb = {"xl/media/zeros.bin": b"\0" * 2_000_000}  # deflates about 1000 to 1
    short_lines = CONTROLES_HEADER.encode() + b"\n" + b"x\n" * 399_999  # 5.2 million cells
    cases = {
        "far_cell.xlsx": (book([*HEADER_CELLS, ("XFD1048576", "x")]), "werkblad te groot"),
        "dtd.xlsx": (book(data, dtd), "DTD"),
        "vijf_miljoen.xlsx": (book([*HEADER_CELLS, ("A384616", "x")]), "5.000.000 cellen"),
        "bom.xlsx": (book(data, bomb), "werkblad te groot"),
        "korte_regels.csv": (short_lines, "bestand te groot: 400.000 regels van 13 kolommen"),
        "geen_zip.xlsx": (b"PK\x03\x04 dit is geen werkmap", "XLSX"),
        "binair.csv": (bytes(range(0, 32)) * 50, "geen CSV"),
        "leeg.csv": (b"", None),
        "programma.exe": (b"MZ\x90\x00", "alleen CSV- of XLSX-bestanden"),
        "../../../etc/cron.d/x.csv": (HEADER_ONLY.encode(), "geen bruikbare rij"),
    }
    for name, (content, reason) in cases.items():
        data = content.read_bytes() if isinstance(content, Path) else content
        r = p.upload(OTHER, data, name=name)
        assert r.status_code == 201, name
        v = r.json()
        assert v["status"] == "afgewezen" and v["pad"] is None, (name, v)
        assert reason is None or reason in v["reden"], (name, v["reden"])
    assert v["bestandsnaam"] == "x.csv"  # the last case: a name, never a path
    # a value of 300,000 characters is quoted cut to 200 characters and its length
    v = p.upload(OTHER, f"{CONTROLES_HEADER}\n{huge_value}\n{ROW}\n".encode()).json()
    assert v["status"] == "geaccepteerd" and v["rijen"]["quarantaine"] == 1, v["reden"]
    assert v["bevindingen"][0]["waarde"] == "x" * 200 + "… (300.000 tekens)"
    # a NUL inside a field quarantines that row, naming the column
    nul_row = ROW.replace("I1", "I\x001").replace("C1", "C8")
    v = p.upload(OTHER, f"{CONTROLES_HEADER}\n{nul_row}\n{ROW}\n".encode())
    finding = v.json()["bevindingen"][0]
    assert (finding["rij"], finding["kolom"]) == (2, "inrichting_id")
    assert not any(f.name.endswith((".exe", ".upload")) for f in p.settings.raw_dir.rglob("*"))
    assert sorted(f.name for f in p.settings.tmp.iterdir()) == []


def test_a_check_past_its_time_limit_is_rejected_not_hung(tmp_path):
    with portal(tmp_path, {PARTNER: False}, check_seconds=0.05) as q:
        v = q.upload(PARTNER, THREE_ROWS.encode()).json()
        assert v["status"] == "afgewezen"
        assert v["reden"] == (
            "de controle duurde langer dan 0.05 seconden; het bestand is niet beoordeeld"
        )
        assert log(q, "levering")[0][3].endswith("; fout: tijdslimiet")
        # the killed worker is replaced: the next check (with time) answers normally
        q.app.state.settings = dataclasses.replace(q.app.state.settings, check_seconds=60.0)
        assert q.upload(PARTNER, THREE_ROWS.encode()).json()["status"] == "geaccepteerd"
        # a worker that died while idle (killed from outside) is replaced, not a verdict
        for worker in list(q.app.state.checks.pool.idle.queue):
            if worker is not None:
                worker.process.kill()
                worker.process.join(10)
        for _ in range(2):
            assert q.upload(PARTNER, THREE_ROWS.encode()).json()["status"] == "geaccepteerd"


# --- pages: session cookie, CSRF, rate limit ---------------------------------------------------


def login_csrf(p) -> str:
    page = p.client.get("/inloggen")
    return re.search(r'name="csrf" value="([^"]+)"', page.text)[1]


def login(p, code: str):
    r = p.client.post(
        "/inloggen",
        data={"token": p.tokens[code], "csrf": login_csrf(p)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return r


def logout(p):
    csrf = re.search(r'name="csrf" value="([^"]+)"', p.client.get("/leveringen").text)[1]
    r = p.client.post("/uitloggen", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    p.client.cookies.clear()


def test_session_cookie_is_httponly_secure_samesite_strict(p):
    r = login(p, PARTNER)
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("__Host-vth_sessie=")
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    with p.app.state.db.engine.connect() as c:  # only its sha256 is stored
        stored = c.execute(sa.text("SELECT id_hash FROM sessies")).scalars().all()
    assert hashlib.sha256(value.encode()).hexdigest() in stored and value not in stored
    logout(p)
    assert p.client.get("/leveringen", follow_redirects=False).headers["location"] == "/inloggen"


def test_csrf_is_required_on_every_form(p):
    token = p.tokens[PARTNER]
    r = p.client.post("/inloggen", data={"token": token}, follow_redirects=False)
    assert r.status_code == 403 and "__Host-vth_sessie" not in r.headers.get("set-cookie", "")
    r = p.client.post("/inloggen", data={"token": token, "csrf": "geraden"}, follow_redirects=False)
    assert r.status_code == 403
    login(p, PARTNER)
    try:
        before = partner_files(p)
        files = {"bestand": ("a.csv", THREE_ROWS.encode(), "text/csv")}
        for extra in ({}, {"csrf": "geraden"}):
            r = p.client.post("/leveren", data={"jaar": "2023", "soort": "controles"} | extra,
                              files=files)  # fmt: skip
            assert r.status_code == 403 and "formulier is verlopen" in r.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', p.client.get("/leveren").text)[1]
        r = p.client.post(
            "/leveren",
            data={"jaar": "2023", "soort": "controles", "csrf": csrf},
            files=files,
            headers={"Origin": "https://elders.example"},
        )
        assert r.status_code == 403
        assert partner_files(p) == before
        assert p.client.post("/uitloggen", data={}).status_code == 403
    finally:
        logout(p)


def test_page_upload_shows_the_verdict_table_and_its_xlsx(p):
    login(p, PARTNER)
    try:
        csrf = re.search(r'name="csrf" value="([^"]+)"', p.client.get("/leveren").text)[1]
        r = p.client.post(
            "/leveren",
            data={"jaar": "2023", "soort": "controles", "csrf": csrf},
            files={"bestand": ("mijn.csv", THREE_ROWS.encode(), "text/csv")},
            follow_redirects=False,
        )
        assert r.status_code == 303
        page = p.client.get(r.headers["location"]).text
        assert "Geaccepteerd" in page and "Rijen in quarantaine" in page
        assert re.search(r"<td>3</td><td>datum</td><td[^>]*>2022-03-05</td>", page)
        link = re.search(r'href="(/leveringen/[0-9a-f]{32}/rapport\.xlsx)"', page)[1]
        book = openpyxl.load_workbook(io.BytesIO(p.client.get(link).content))
        assert list(book["Oordeel"].iter_rows(values_only=True))[1][:2] == ("mijn.csv", 2023)
        overview = p.client.get("/leveringen?jaar=2023").text
        assert f"2023/{PARTNER}/controles_{today()}.csv" in overview
        assert "in_gebruik" in overview and "kengetallen" in overview  # still required
    finally:
        logout(p)


def test_login_attempts_are_rate_limited_per_address(tmp_path):
    with portal(tmp_path, {PARTNER: False}, client=("10.9.8.7", 4000), login_max=3) as q:
        for _ in range(3):
            r = q.client.post("/inloggen", data={"token": "fout", "csrf": login_csrf(q)})
            assert r.status_code == 401 and "token is onjuist" in r.text
        right = {"token": q.tokens[PARTNER], "csrf": login_csrf(q)}
        r = q.client.post("/inloggen", data=right, follow_redirects=False)
        assert r.status_code == 429 and "Te veel mislukte pogingen" in r.text
        assert q.client.get("/api/leveringen", headers=q.bearer(PARTNER)).status_code == 429
        with q.app.state.db.engine.connect() as c:
            events = c.execute(sa.text("SELECT gebeurtenis, adres FROM logboek")).all()
        assert events.count(("inloggen_mislukt", "10.9.8.7")) == 3
        assert ("inloggen", "10.9.8.7") not in events


def test_token_comparison_is_argon2_and_constant_time(p, monkeypatch):
    """Unknown and known `sleutel` take the same path (one Argon2 verification each); secrets
    of forms are compared with hmac.compare_digest; only the hash is stored."""
    calls = []
    real = auth.HASHER

    class Spy:
        def verify(self, h, t):
            calls.append(h)
            return real.verify(h, t)

    monkeypatch.setattr(auth, "HASHER", Spy())
    monkeypatch.setattr(auth, "_VERIFIED", {})
    with p.app.state.db.session() as s:
        assert auth.verify_token(s, auth.new_token()[1]) is None  # unknown sleutel
        known = p.tokens[PARTNER]
        assert auth.verify_token(s, known[:-2] + ("AA" if known[-2:] != "AA" else "BB")) is None
        assert auth.verify_token(s, known).code == PARTNER
        assert auth.verify_token(s, known).code == PARTNER  # verified once per process
        wrong = known[:-1] + ("a" if known[-1] != "a" else "b")
        assert auth.verify_token(s, wrong) is None  # a wrong one: Argon2 again
        stored = s.execute(sa.text("SELECT token_hash FROM accounts")).scalars().all()
    assert len(calls) == 4 and all(h.startswith("$argon2id$") for h in calls)
    assert calls[0] == auth._DUMMY_HASH and calls[1] == calls[2] == calls[3] != calls[0]
    assert not any(known in h for h in stored)
    compared = []
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append(1) or a == b)
    assert auth.same_secret("abc", "abc") and not auth.same_secret("abc", "abd")
    with p.app.state.db.session() as s:
        assert auth.verify_token(s, known).code == PARTNER  # the cached route compares too
    assert len(compared) == 3


def test_every_upload_and_login_is_in_an_append_only_log(p):
    uploads = p.client.get("/api/leveringen", headers=p.bearer(PARTNER)).json()["leveringen"]
    logged = {r[2] for r in log(p, "levering")}
    assert {u["id"] for u in uploads} <= logged
    assert any(r[1] == PARTNER for r in log(p, "inloggen"))
    for statement in ("UPDATE logboek SET code = 'x'", "DELETE FROM logboek"):
        with (
            pytest.raises(sa.exc.IntegrityError, match="alleen aangevuld"),
            p.app.state.db.engine.begin() as c,
        ):
            c.execute(sa.text(statement))


def test_headers_csp_without_inline_script_and_nosniff(p):
    for url, headers in [
        ("/inloggen", {}),
        ("/api/leveringen", p.bearer(PARTNER)),
        ("/api/leveringen", {}),
        ("/static/portaal.css", {}),
    ]:
        r = p.client.get(url, headers=headers)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert r.headers["x-content-type-options"] == "nosniff", url
        assert r.headers["x-frame-options"] == "DENY", url
    login(p, PARTNER)
    try:
        for url in ("/leveren", "/leveringen", "/inloggen"):
            html = p.client.get(url).text
            assert "<script" not in html and " style=" not in html and "<style" not in html
            assert 'lang="nl"' in html
    finally:
        logout(p)
    templates = Path(auth.__file__).with_name("templates")
    for t in templates.glob("*.html"):
        text = t.read_text()
        assert "<script" not in text and " style=" not in text, t
        assert not re.search(r"\son[a-z]+=", text), t  # no event handler attributes


def test_account_cli_refuses_unknown_codes_and_rotates(tmp_path, monkeypatch, capsys):
    from vth_pipeline.cli import main

    monkeypatch.setenv("VTH_PORTAAL_DIR", str(tmp_path))
    assert main(["portaal", "account", "ONBEKEND"]) == 2
    assert "staat niet in" in capsys.readouterr().err
    assert main(["portaal", "account", PARTNER, "--beheer"]) == 2  # a partner code is no name
    assert main(["portaal", "account", PARTNER]) == 0
    first = capsys.readouterr().out.strip().splitlines()[-1]
    assert auth.TOKEN_RE.match(first)
    assert main(["portaal", "account", PARTNER]) == 0
    second = capsys.readouterr().out.strip().splitlines()[-1]
    assert second != first
    db = sa.create_engine(f"sqlite:///{tmp_path / 'portaal.sqlite'}")
    with db.connect() as c:
        dump = "\n".join(str(r) for r in c.execute(sa.text("SELECT * FROM accounts")))
        events = c.execute(sa.text("SELECT gebeurtenis FROM logboek")).scalars().all()
    db.dispose()
    assert first not in dump and second not in dump and first.split("_")[1] not in dump
    assert events == ["account_aangemaakt", "token_vervangen"]


def test_delivery_date_is_the_dutch_calendar_day():
    late = dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC)  # 00:30 on the 29th in Amsterdam
    assert delivery_date(late) == dt.date(2026, 3, 29)


def test_postgresql_holds_the_same_records_and_the_same_log_rule(tmp_path):
    """VTH_PORTAAL_DB naming a PostgreSQL server (a throwaway cluster), written as Dagster's
    docs write it (`postgresql://`, which SQLAlchemy 2.1 maps to psycopg 3 unless told)."""
    from tests.pg import postgres_cluster

    with postgres_cluster() as url:
        plain = url.replace("postgresql+psycopg2://", "postgresql://")
        with portal(tmp_path, {PARTNER: False, OTHER: False}, db=plain) as q:
            assert q.app.state.db.engine.dialect.name == "postgresql"
            v = q.upload(PARTNER, THREE_ROWS.encode()).json()
            assert v["rijen"] == {"gelezen": 3, "geaccepteerd": 2, "quarantaine": 1}
            got = q.client.get(f"/api/leveringen/{v['id']}", headers=q.bearer(PARTNER))
            assert got.json() == v
            other = q.client.get(f"/api/leveringen/{v['id']}", headers=q.bearer(OTHER))
            assert other.status_code == 404
            assert [r[:3] for r in log(q, "levering")] == [("levering", PARTNER, v["id"])]
            for statement in ("UPDATE logboek SET code = 'x'", "DELETE FROM logboek"):
                with (
                    pytest.raises(sa.exc.DBAPIError, match="alleen aangevuld"),
                    q.app.state.db.engine.begin() as c,
                ):
                    c.execute(sa.text(statement))
            with q.app.state.db.engine.connect() as c:
                revision = c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            assert revision == "0001"


def test_beheer_overview_shows_every_partner_with_what_is_missing(p):
    """Hand-worked from the contract's duties: an omgevingsdienst without Seveso flag must
    deliver controles and kengetallen; RUDZ has a controles file in effect for 2023 (uploaded
    above), so kengetallen is missing; NLA (arbeidsinspectie) delivered nothing."""
    p.upload(PARTNER, THREE_ROWS.encode())
    login(p, BEHEER)
    try:
        page = p.client.get("/beheer?jaar=2023").text
        rows = {
            m[1]: m[2]
            for m in re.finditer(r'<th scope="row">(\w+)<span.*?</th>(.*?)</tr>', page, re.S)
        }
        assert set(rows) == set(load_partners(p.settings.partners_csv))
        assert f"2023/{PARTNER}/controles_{today()}.csv" in rows[PARTNER]
        assert re.search(r"<td>kengetallen</td>\s*$", rows[PARTNER].strip())
        assert "seveso_inspecties" in rows["NLA"]
        assert p.client.get("/leveren").status_code == 403  # beheer uploads nothing
    finally:
        logout(p)


def test_every_setting_is_documented_with_its_variable():
    from vth_pipeline.portaal.settings import Settings, from_env, variable

    defaults = from_env({})
    assert defaults.max_bytes == 50 * 1024 * 1024 and defaults.cookie_secure  # the 50 MB
    assert from_env({"VTH_PORTAAL_MAX_MB": "7", "VTH_PORTAAL_INSECURE": "1"}).max_bytes == 7 << 20
    assert not from_env({"VTH_PORTAAL_INSECURE": "1"}).cookie_secure

    docs = (Path(__file__).parents[1] / "docs" / "portaal.md").read_text(encoding="utf-8")
    for name in Settings.__dataclass_fields__:
        assert f"`{variable(name)}`" in docs, name
