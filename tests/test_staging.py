"""Each rule of the contract quarantines exactly the rows that break it (real Dagster runs)."""

from __future__ import annotations

import pytest

from tests.conftest import CONTROLES_HEADER, write
from tests.model_harness import stage_deliveries
from tests.test_superseding import BAD_DATE, controles

GOOD = "C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,nee,1.5"
OVERTREDING = "C{n},GM0518,I{n},05-03-2023,Fysiek,PROGRAMMA,lucht,overtreding,b,2,waarschuwing,ja,2"

# (row, rule that must be found on it)
CASES = [
    ("C{n},GM0518,I{n},31-02-2023,fysiek,programma,lucht,geen_overtreding,,,,,", "datum.type"),
    (
        "C{n},GM0518,I{n},2022-12-31,fysiek,programma,lucht,geen_overtreding,,,,,",
        "datum.datum_in_jaar",
    ),
    (
        "C{n},GM0518,I{n},2023-03-05,raar,programma,lucht,geen_overtreding,,,,,",
        "soort_controle.type",
    ),
    (
        ",GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,",
        "controle_id.verplicht",
    ),
    (
        "C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,A,,,,",
        "lhs_gevolg.leeg_tenzij",
    ),
    (
        "C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,overtreding,,1,geen,,",
        "lhs_gevolg.verplicht_bij",
    ),
    (
        "C{n},GM0457,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,",
        "bevoegd_gezag.geldig_op_datum",
    ),
    (
        "C{n},GM9999,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,",
        "bevoegd_gezag.type",
    ),
    (
        "C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,1000",
        "uren.maximum",
    ),
    ("C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,-1", "uren.minimum"),
    ('C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,"3,5"', "uren.type"),
    (
        "C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,misschien,",
        "seveso.type",
    ),
    (
        "C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,,te,veel",
        "rij.te_veel_velden",
    ),
]


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("staging")
    raw = tmp / "raw"
    rows = [GOOD.format(n=1), OVERTREDING.format(n=2)]
    rows += [row.format(n=10 + i) for i, (row, _) in enumerate(CASES)]
    rows += [GOOD.format(n=99), GOOD.format(n=99)]  # duplicate id: both rows
    write(raw / "2023" / "ODH" / "controles.csv", CONTROLES_HEADER + "\n" + "\n".join(rows) + "\n")
    return stage_deliveries(raw, [2023])


def test_good_rows_are_accepted_typed(staged):
    rows = staged.sql(
        "SELECT controle_id, datum::VARCHAR, soort_controle, aanleiding, lhs_gevolg, seveso, "
        "uren::VARCHAR FROM stg.controles ORDER BY controle_id"
    )
    assert rows == [
        ("C1", "2023-03-05", "fysiek", "programma", None, False, "1.500000"),
        ("C2", "2023-03-05", "fysiek", "programma", "B", True, "2.000000"),
    ]


@pytest.mark.parametrize(("index", "rule"), [(i, r) for i, (_, r) in enumerate(CASES)])
def test_each_rule_quarantines_its_row(staged, index, rule):
    found = staged.sql(
        "SELECT regel, bron_rij FROM stg.quarantaine WHERE bron_rij = ?", [index + 4]
    )
    assert f"controles.{rule}" in {r[0] for r in found}, found


def test_duplicate_ids_quarantine_every_row(staged):
    found = staged.sql(
        "SELECT bron_rij FROM stg.quarantaine WHERE regel = 'controles.controle_id.uniek'"
    )
    assert sorted(r[0] for r in found) == [len(CASES) + 4, len(CASES) + 5]


def test_unreadable_date_is_one_finding(staged):
    # 31-02-2023 is not also 'outside the year' or 'gemeente not valid on that date'
    assert staged.sql("SELECT regel FROM stg.quarantaine WHERE bron_rij = 4") == [
        ("controles.datum.type",)
    ]


def test_rows_read_equal_accepted_plus_quarantined(staged):
    read = staged.sql("SELECT count(*) FROM raw.controles")[0][0]
    accepted = staged.sql("SELECT count(*) FROM stg.controles")[0][0]
    quarantined = staged.sql("SELECT count(DISTINCT bron_rij) FROM stg.quarantaine")[0][0]
    assert read == accepted + quarantined == 2 + len(CASES) + 2


def test_messages_name_file_row_column_value(staged):
    row = staged.sql(
        "SELECT bron_bestand, bron_rij, kolom, waarde, melding FROM stg.quarantaine "
        "WHERE regel = 'controles.soort_controle.type'"
    )[0]
    assert row[:4] == ("2023/ODH/controles.csv", 6, "soort_controle", "raar")
    assert "administratief, fysiek" in row[4]


def test_files_without_usable_row_settle_as_with_a_round_per_rejection(tmp_path, monkeypatch):
    """Staging ends without judging the rows again when no partner whose file had no usable
    row has another candidate (`judges_across_partners`). The outcome must be the one of a
    full round per rejection (the shortcut forced off), table for table, and the one worked
    out by hand."""
    import vth_pipeline.ingest.staging as staging

    raw = tmp_path / "raw"
    y = raw / "2023"
    write(y / "ODRU/controles_2024-02-01.csv", controles(2, BAD_DATE))  # only an unusable file
    write(y / "ODH/controles_2024-01-01.csv", controles(3, BAD_DATE))  # unusable, and older
    write(y / "ODH/controles_2024-02-01.csv", controles(4, BAD_DATE))  # unusable, then older
    write(y / "ODZOB/controles_2024-01-01.csv", controles(2))  # stays in effect
    write(y / "ODZOB/controles_2024-02-01.csv", CONTROLES_HEADER + "\n")  # header only
    write(y / "DCMR/controles_2024-02-01.csv", controles(5))  # good, alone
    tables = (
        "SELECT * FROM stg.bestanden ORDER BY ALL",
        "SELECT * FROM stg.controles ORDER BY ALL",
        "SELECT * FROM stg.quarantaine ORDER BY ALL",
        "SELECT * FROM meta.inlezing ORDER BY ALL",
    )
    fast = stage_deliveries(raw, [2023])
    monkeypatch.setattr(staging, "judges_across_partners", lambda kind: True)
    rounds = stage_deliveries(raw, [2023])
    for query in tables:
        assert fast.sql(query) == rounds.sql(query), query
    status = dict(
        fast.sql("SELECT pad, status FROM stg.bestanden WHERE soort = 'controles' ORDER BY pad")
    )
    assert status == {
        "2023/DCMR/controles_2024-02-01.csv": "in_gebruik",
        "2023/ODH/controles_2024-01-01.csv": "afgewezen",
        "2023/ODH/controles_2024-02-01.csv": "afgewezen",
        "2023/ODRU/controles_2024-02-01.csv": "afgewezen",
        "2023/ODZOB/controles_2024-01-01.csv": "in_gebruik",
        "2023/ODZOB/controles_2024-02-01.csv": "afgewezen",
    }
    accepted = fast.sql("SELECT partner_code, count(*) FROM stg.controles GROUP BY 1 ORDER BY 1")
    assert accepted == [("DCMR", 5), ("ODZOB", 2)]
    # the findings of every unusable file stay for its partner: 2 + 3 + 4 rows
    assert fast.sql("SELECT count(DISTINCT (bron_bestand, bron_rij)) FROM stg.quarantaine") == [
        (9,)
    ]
