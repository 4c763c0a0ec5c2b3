"""Property: whatever structure a file has, reading it never raises, never aborts, stays within
a memory bound, and either rejects it with a Dutch reason or accounts for every row it read.

XLSX workbooks (absurd cell addresses and used ranges, huge shared-text tables, deep or broken
XML, zip entries that claim or unpack to a lot) are read in a child process, so that a native
abort in calamine is a failed test, not a dead pytest. CSV files (control characters, open
quotes, megabyte fields, mixed line endings, wide headers) go through `load_raw` and `stage`.
A few examples run with the suite (~20 s); `make fuzz` sets VTH_FUZZ_EXAMPLES for many more.
"""

from __future__ import annotations

import os
import resource
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CONTROLES_HEADER, reference_warehouse
from tests.xlsx_parts import HEADER_CELLS, read_isolated, sheet_xml, workbook
from vth_pipeline.contract.columns import CONTROLES, QUOTE_CHARS
from vth_pipeline.ingest.raw import load_raw
from vth_pipeline.ingest.staging import stage

EXAMPLES = int(os.environ.get("VTH_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 4,
    deadline=None,
    derandomize=not EXAMPLES,  # the suite's run is the same every time; `make fuzz` explores
    suppress_health_check=list(HealthCheck),
)
MAX_RSS_MB = 1536  # a reader child process; the worst case measured is in docs/performance.md
# Every reason starts with one of these (Dutch, for the partner).
REASONS = (
    "werkblad te groot",
    "bestand kan niet als XLSX-werkmap gelezen worden",
    "werkmap bevat geen bladen",
    "bestand is leeg",
    "bestand is te groot",
    "bestand is geen CSV-tekstbestand",
    "verplichte kolom(men) ontbreken",
    "kolom komt meer dan eens voor",
    "kopregel heeft te veel kolommen",
    "CSV kan niet gelezen worden",
    "tekencodering niet herkend",
    "bestand te groot",
    "geen bruikbare rij",
)
# The longest quoted value: 200 characters and "… (N tekens)" with N up to 100 MB.
MAX_QUOTED = QUOTE_CHARS + len("… (100.000.000 tekens)")

letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4)
row_numbers = st.one_of(
    st.integers(1, 40),
    st.integers(1_048_570, 1_048_580),
    st.integers(0, 10**12),
    st.sampled_from([384_615, 384_616]),
)
refs = st.builds(
    lambda c, r: f"{c}{r}",
    st.one_of(st.sampled_from(["A", "M", "XFD", "XFE"]), letters),
    row_numbers,
)


@st.composite
def xlsx_structure(draw) -> dict:
    """One workbook's parts: cells, used range, shared texts, nesting, an extra zip entry."""
    cells = (
        HEADER_CELLS + [("A2", "C1")] + draw(st.lists(st.tuples(refs, st.just("x")), max_size=4))
    )
    dimension = draw(
        st.one_of(
            st.none(), refs, st.builds(lambda a, b: f"{a}:{b}", refs, refs), st.text(max_size=5)
        )
    )
    depth = draw(st.sampled_from([0, 0, 50, 101, 3000]))
    extra = ""
    if depth:
        extra = f'<row r="3"><c r="A3"><is>{"<t>" * depth}{"</t>" * depth}</is></c></row>'
    if draw(st.booleans()):  # cells and rows without addresses
        extra += (
            "<row>" + '<c t="inlineStr"><is><t>y</t></is></c>' * draw(st.integers(1, 20)) + "</row>"
        )
    xml = sheet_xml(cells, dimension, extra)
    cut_at = draw(st.one_of(st.none(), st.integers(0, len(xml))))
    parts: dict[str, str | bytes | None] = {}
    texts = draw(st.sampled_from([0, 3, 10_000, 200_000]))
    if texts:
        parts["xl/sharedStrings.xml"] = (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + "<si><t>s</t></si>" * texts
            + "</sst>"
        )
    zeros = draw(st.sampled_from([0, 0, 1_000, 3_000_000]))
    if zeros:
        parts["xl/media/zeros.bin"] = b"\0" * zeros
    return {
        "sheet": xml if cut_at is None else xml[:cut_at],
        "parts": parts,
        "lie": draw(st.booleans()) and zeros > 0,
    }


def write_workbook(path, spec: dict):
    workbook(path, spec["sheet"], spec["parts"])
    if spec["lie"]:  # the zip directory claims less than the entry unpacks to
        size = len(spec["parts"]["xl/media/zeros.bin"]).to_bytes(4, "little")
        path.write_bytes(path.read_bytes().replace(size, (10).to_bytes(4, "little")))
    return path


@FUZZ
@given(st.lists(xlsx_structure(), min_size=8, max_size=8))
def test_xlsx_structures_are_read_or_rejected_in_bounds(tmp_path_factory, specs):
    folder = tmp_path_factory.mktemp("xlsx")
    files = [("controles", write_workbook(folder / f"{i}.xlsx", s)) for i, s in enumerate(specs)]
    results, rss = read_isolated(files, timeout=300)  # raises if the child died
    assert rss < MAX_RSS_MB, rss
    for _, path in files:
        got = results[str(path)]
        if got["rejected"] is not None:
            assert got["rejected"].startswith(REASONS), got
            assert got["rows"] is None and len(got["rejected"]) < 1000
        else:
            assert got["rows"] >= 1  # the row A2 is there whenever the sheet was read


def test_zip_entry_count_is_bounded(tmp_path):
    path = workbook(tmp_path / "c.xlsx", sheet_xml(HEADER_CELLS))
    with zipfile.ZipFile(path, "a") as z:
        for i in range(10_001):
            z.writestr(f"x/{i}", b"")
    results, _ = read_isolated([("controles", path)])
    assert results[str(path)]["rejected"] == (
        "bestand kan niet als XLSX-werkmap gelezen worden (de werkmap heeft 10.006 onderdelen; "
        "de grens is 10.000)"
    )


# --- CSV ----------------------------------------------------------------------------------------

CONTROL = [chr(c) for c in (*range(0, 32), 127, 0x85)]
cell_text = st.text(alphabet=st.sampled_from(CONTROL + list(',;"abc019-. é')), max_size=12)


@st.composite
def csv_structure(draw) -> bytes:
    cols = CONTROLES_HEADER.split(",")
    cols += [f"x{i}" for i in range(draw(st.sampled_from([0, 0, 5, 990, 1200])))]
    sep = draw(st.sampled_from([",", ";"]))
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        fields = draw(st.lists(cell_text, max_size=len(cols) + draw(st.sampled_from([0, 2, 80]))))
        rows.append(sep.join(fields))
    if rows and draw(st.booleans()):  # a megabyte field
        rows[0] += "y" * draw(st.sampled_from([300, 1_000_000, 3_000_000]))
    endings = st.sampled_from(["\n", "\r\n", "\r"])
    text = sep.join(cols) + "".join(draw(endings) + r for r in rows)
    if draw(st.booleans()):  # an open quote somewhere
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + '"' + text[pos:]
    return text.encode(draw(st.sampled_from(["utf-8", "cp1252"])), errors="replace")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    conn = reference_warehouse(tmp_path_factory.mktemp("fuzz") / "w.duckdb")
    yield conn
    conn.close()


@FUZZ
@given(st.lists(csv_structure(), min_size=6, max_size=6))
def test_csv_structures_never_crash_lose_rows_or_quote_long(warehouse, tmp_path_factory, blobs):
    raw = tmp_path_factory.mktemp("raw")
    files = []
    for i, data in enumerate(blobs):
        pad = f"2023/ODH/{i}/controles.csv"
        (raw / pad).parent.mkdir(parents=True)
        (raw / pad).write_bytes(data)
        files.append((pad, "ODH", str(i)))
    _, outcomes = load_raw(warehouse, CONTROLES, 2023, files, raw, 100 * 1024 * 1024)
    stage(warehouse, CONTROLES, 2023)
    for o in outcomes.iter_rows(named=True):
        if o["resultaat"] == "afgewezen":
            assert o["reden"].startswith(REASONS) and len(o["reden"]) < 1000, o["reden"][:300]
            continue
        accepted, quarantined, longest = warehouse.execute(
            "SELECT (SELECT count(*) FROM stg.controles WHERE bron_bestand = $p), "
            "(SELECT count(DISTINCT bron_rij) FROM stg.quarantaine WHERE bron_bestand = $p), "
            "(SELECT max(length(waarde)) FROM stg.quarantaine WHERE bron_bestand = $p)",
            {"p": o["pad"]},
        ).fetchone()
        assert o["rijen"] == accepted + quarantined, o["pad"]
        assert (longest or 0) <= MAX_QUOTED
        assert len(o["extra_kolommen"] or "") <= MAX_QUOTED
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 < 3 * MAX_RSS_MB
