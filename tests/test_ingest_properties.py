"""Property: whatever bytes arrive, ingest never crashes and never loses a row.

Thousands (about 4,400) of malformed and mutated files go through the same functions the raw
and stg assets call (`load_raw`, `stage`) on a real DuckDB file: no uncaught exception; a
rejected file always has a reason; for every file that was read, rows read = accepted +
quarantined.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CONTROLES_HEADER, ROOT
from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.ingest.raw import load_raw
from vth_pipeline.ingest.reference import REFERENCE_TABLES, load_reference
from vth_pipeline.ingest.staging import stage
from vth_pipeline.warehouse import prepare

YEAR = 2023
GOOD_ROWS = [
    "C1,GM0518,I1,2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,nee,1.5",
    "C2,gm0518,I2,05-03-2023,Fysiek,hercontrole,geur,overtreding,C,2,waarschuwing,ja,2",
    'C3,PV28,I3,2023-1-9,administratief,klacht,bodem,niet_beoordeeld,,,,0,"3.0"',
]
SEED_CSV = (CONTROLES_HEADER + "\n" + "\n".join(GOOD_ROWS) + "\n").encode()
SEED_KENGETALLEN = (
    b"indicator;bevoegd_gezag;waarde\nfte_toezicht_handhaving;;12,5\nvergunningbesluiten;GM0518;3\n"
)
ALPHABET = list(b',;"\n\r\t -=.0123456789abcGM\xa0\xe9\xc3\xef\xbb\xbf\x00')


def seed_xlsx() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("controles")
    ws.write_row(1, 0, CONTROLES_HEADER.split(","))
    for i, row in enumerate(GOOD_ROWS):
        ws.write_row(2 + i, 0, row.split(","))
    wb.close()
    return buf.getvalue()


SEEDS = {
    "controles.csv": SEED_CSV,
    "kengetallen.csv": SEED_KENGETALLEN,
    "controles.xlsx": seed_xlsx(),
}


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    """A seed file with random edits: flips, insertions, deletions, duplicated lines."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "dupline", "truncate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.sampled_from(ALPHABET))
        elif op == "insert":
            data[pos:pos] = bytes(draw(st.lists(st.sampled_from(ALPHABET), max_size=6)))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 12))]
        elif op == "dupline" and b"\n" in data:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
        elif op == "truncate":
            data = data[:pos]
    return name, bytes(data)


@st.composite
def random_csv(draw) -> tuple[str, bytes]:
    """Text with the contract's columns in some order and arbitrary cells."""
    kind = draw(st.sampled_from(["controles", "kengetallen", "uitkomsten", "seveso_inspecties"]))
    cols = list(FILE_KINDS[kind].column_names)
    cols = draw(st.permutations(cols))[: draw(st.integers(1, len(cols)))]
    sep = draw(st.sampled_from([",", ";"]))
    cell = st.text(alphabet=st.sampled_from(list(' ,;"\n-=.0123456789aGMjn\u00a0é')), max_size=8)
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(cols) + 2), max_size=6))
    text = sep.join(cols) + "\n" + "\n".join(sep.join(r) for r in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return f"{kind}.csv", text.encode(encoding, errors="replace")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("props") / "w.duckdb"
    conn = prepare(duckdb.connect(str(path)))
    for name in REFERENCE_TABLES:
        load_reference(conn, ROOT / "data" / "reference", name)
    yield conn
    conn.close()


OD_CODES = [
    "ODG",
    "FUMO",
    "RUDD",
    "ODIJ",
    "ODT",
    "OVIJ",
    "ODA",
    "ODV",
    "ODRA",
    "ODRN",
    "ODR",
    "RUDU",
    "ODRU",
    "OFGV",
    "ODNHN",
    "ODIJMOND",
    "ODNZKG",
    "ODH",
    "ODWH",
    "ODMH",
    "DCMR",
    "OZHZ",
    "RUDZ",
    "OMWB",
    "ODBN",
    "ODZOB",
    "RUDLN",
    "RUDZL",
]


def ingest_many(conn, raw: Path, files: list[tuple[str, bytes]]) -> None:
    """Ingest a batch through the assets' functions; check every file on its own."""
    by_kind: dict[str, list[tuple[str, str, str]]] = {}
    for i, (name, data) in enumerate(files):
        partner = OD_CODES[i % len(OD_CODES)]
        pad = f"{YEAR}/{partner}/{i}/{name}"
        (raw / pad).parent.mkdir(parents=True, exist_ok=True)
        (raw / pad).write_bytes(data)
        by_kind.setdefault(name.split(".")[0], []).append((pad, partner, str(i)))
    for kind_name, batch in by_kind.items():
        kind = FILE_KINDS[kind_name]
        _, outcomes = load_raw(conn, kind, YEAR, batch, raw, max_bytes=100_000)
        stage(conn, kind, YEAR)
        for o in outcomes.iter_rows(named=True):
            if o["resultaat"] == "afgewezen":
                assert o["reden"], "a rejected file has a reason"
                continue
            accepted, quarantined = conn.execute(
                f"SELECT (SELECT count(*) FROM stg.{kind_name} WHERE bron_bestand = $p), "
                "(SELECT count(DISTINCT bron_rij) FROM stg.quarantaine WHERE bron_bestand = $p)",
                {"p": o["pad"]},
            ).fetchone()
            assert o["rijen"] == accepted + quarantined, o["pad"]


@pytest.fixture(scope="module")
def ready(warehouse, tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    # every kind staged once, so the tables the rules read (the register) exist
    for kind in FILE_KINDS.values():
        load_raw(warehouse, kind, YEAR, [], raw, 1)
        stage(warehouse, kind, YEAR)
    return warehouse, raw


PROPERTY = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(st.lists(mutated(), min_size=20, max_size=20))
def test_mutated_files_never_crash_or_lose_rows(ready, files):
    conn, raw = ready
    ingest_many(conn, raw, files)


@PROPERTY
@given(st.lists(random_csv(), min_size=20, max_size=20))
def test_random_csv_never_crash_or_lose_rows(ready, files):
    conn, raw = ready
    ingest_many(conn, raw, files)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.binary(max_size=400), min_size=10, max_size=10))
def test_arbitrary_bytes_are_read_or_rejected_with_a_reason(ready, blobs):
    conn, raw = ready
    ingest_many(conn, raw, [(n, b) for b in blobs for n in ("controles.csv", "controles.xlsx")])
