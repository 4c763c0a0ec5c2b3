"""The expectation suites (issue #4): generated from the contract, committed without drift,
catching each fault they are meant for, passing on the sample data, and, as Dagster asset
checks, stopping the publication of a year with a blocking failure while other years build.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from dagster import (
    AssetExecutionContext,
    DagsterInstance,
    Definitions,
    MaterializeResult,
    asset,
    define_asset_job,
    in_process_executor,
)
from dagster_duckdb import DuckDBResource

from tests.conftest import ROOT
from tests.model_harness import build_models
from tests.validation_data import ALL_FAULTS
from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.partitions import year_of, yearly
from vth_pipeline.sample.generate import generate_sample
from vth_pipeline.validation import (
    DATASETS,
    BlokkerendeToetsMislukt,
    annex_html,
    annex_summary,
    assert_publishable,
    check_specs_for,
    failed_check_messages,
    raise_for_blocking,
    run_checks,
    validate_dataset,
    validate_year,
    write_validation_report,
)
from vth_pipeline.validation.contract_suites import DOMAIN_VALUES, domain_param
from vth_pipeline.validation.suites import expectations_dir, generated, generated_files
from vth_pipeline.warehouse import session

YEARS = (2022, 2023)


# ----------------------------------------------------------------------- the suite files


def test_committed_suites_equal_the_generated_ones():
    folder = expectations_dir()
    committed = {p.name for p in folder.glob("*.json")}
    expected = generated_files()
    assert committed == set(expected), "regenerate: python -m vth_pipeline.validation suites"
    for name, text in expected.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"{name} differs from the declarations: python -m vth_pipeline.validation suites"
        )


def test_suite_files_are_gx_suites_unchanged_by_a_round_trip():
    import great_expectations as gx

    for path in sorted(expectations_dir().glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        suite = gx.ExpectationSuite(**data)
        again = suite.to_json_dict()
        assert again["name"] == data["name"] == path.stem
        assert again["expectations"] == data["expectations"], path.name


@pytest.fixture
def toets_templates(monkeypatch):
    """The SQL environment with `overrides` (template name -> text) over the files, every
    template read recorded in `read`; the suites are generated anew with it, and again
    without it afterwards."""
    import jinja2

    from vth_pipeline import sql
    from vth_pipeline.validation import suites

    base = sql._environment()
    read: set[str] = set()
    overrides: dict[str, str] = {}

    class Recording(jinja2.BaseLoader):
        def get_source(self, environment, template):
            read.add(template)
            if template in overrides:
                return overrides[template], None, lambda: False
            return base.loader.get_source(environment, template)

    env = base.overlay(loader=Recording(), cache_size=0)
    monkeypatch.setattr(sql, "_environment", lambda: env)
    suites.generated.cache_clear()
    yield read, overrides
    monkeypatch.undo()
    suites.generated.cache_clear()


def test_every_file_of_the_toetsen_sql_is_read_and_says_what_it_is_for(toets_templates):
    from vth_pipeline.sql import SQL_DIR
    from vth_pipeline.validation.contract_suites import OTHER_VALUES, value_set_sql

    read, _ = toets_templates
    generated()
    for name in [*DOMAIN_VALUES, *OTHER_VALUES]:
        value_set_sql(name)
    folder = SQL_DIR / "toetsen"
    files = {p.relative_to(SQL_DIR).as_posix(): p for p in folder.rglob("*.sql")}
    assert set(files) <= read, sorted(set(files) - read)
    for name, path in files.items():
        assert path.read_text(encoding="utf-8").startswith("-- "), name


def test_a_changed_view_file_changes_the_code_version_of_its_assets(toets_templates):
    """The suite file does not hold the views' SQL (sql/toetsen/): the code version of an asset
    takes it beside the suite file, so a changed view marks the assets it judges stale, and no
    other."""
    from vth_pipeline.defs.factory import suite_version
    from vth_pipeline.sql import sql_path
    from vth_pipeline.validation.suites import suite_sql

    _, overrides = toets_templates
    assets = ("staat_lhso", "staat_interventies", "staat_landelijk", "stg_controles")
    before = {a: suite_version(a) for a in assets}
    view = "toetsen/nl_en_partners.sql"
    overrides[view] = sql_path(view.removesuffix(".sql")).read_text("utf-8") + "-- changed\n"
    generated.cache_clear()
    after = {a: suite_version(a) for a in assets}
    assert "-- changed" in suite_sql("staat_lhso")
    assert [a for a in assets if before[a] != after[a]] == ["staat_lhso", "staat_interventies"]


def test_a_partner_inconsistency_is_declared_once_for_the_published_row_and_its_toets():
    """`PARTNER_INCONSISTENCIES` names the part that may not exceed its whole: the published row
    empties the figure where it does (`when`), and the WARN toets expects the same pair."""
    from vth_pipeline.contract.publication import PARTNER_INCONSISTENCIES, Inconsistency
    from vth_pipeline.sql import load_sql

    pairs = {
        (e["meta"]["toets"], e["kwargs"]["column_A"], e["kwargs"]["column_B"])
        for e in generated()["stg_kengetallen"].verwachtingen
        if e["type"] == "expect_column_pair_values_a_to_be_greater_than_b"
    }
    published = load_sql("staat_omgevingsdiensten")
    for i in PARTNER_INCONSISTENCIES:
        assert (i.check, i.whole, i.part) in pairs, i
        assert f"coalesce({i.when}, false)" in published, i
    with pytest.raises(ValueError, match="two columns"):
        Inconsistency("x", "y_pct", "geheel", "deel", "leeg: {geheel} < {ander}")


def test_contract_declarations_become_expectations():
    """Required -> not null, code -> value set of its list, range -> between, key -> unique."""
    for kind in FILE_KINDS.values():
        exps = generated()[f"stg_{kind.name}"].verwachtingen
        by = {(e["type"], e["kwargs"].get("column")): e for e in exps}
        for col in kind.columns:
            if col.required == "ja":
                assert ("expect_column_values_to_not_be_null", col.name) in by
            if col.type == "code":
                e = by[("expect_column_values_to_be_in_set", col.name)]
                assert e["kwargs"]["value_set"] == {"$PARAMETER": domain_param(col)}
                if col.domain and col.domain not in DOMAIN_VALUES:
                    assert domain_param(col) == f"codelijst__{col.domain}"
            if col.minimum is not None:
                e = by[("expect_column_values_to_be_between", col.name)]
                assert e["kwargs"]["min_value"] == col.minimum
        unique = [e for e in exps if e["meta"]["toets"] == "uniek"]
        assert len(unique) == 1
        for rule in kind.extra_rules:
            if rule != "inrichting_landelijk_uniek":
                assert any(e["kwargs"].get("column", "").startswith("regel_") for e in exps)


def test_check_specs_without_importing_gx():
    code = (
        "import sys; from vth_pipeline.validation import check_specs_for; "
        "specs = check_specs_for('stg_controles'); "
        "assert specs and 'great_expectations' not in sys.modules, sys.modules.keys(); "
        "print(len(specs), len(specs[0].metadata['toetsen'].value))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    checks, toetsen_ = map(int, out.stdout.split())
    assert checks == 1 and toetsen_ >= 8


def test_one_check_per_suite_blocking_when_a_toets_is_error():
    for name in DATASETS:
        (spec,) = check_specs_for(name)
        per_toets = spec.metadata["toetsen"].value
        suite = json.loads((ROOT / "expectations" / f"{name}.json").read_text(encoding="utf-8"))
        assert per_toets == {
            t: {"ernst": v["ernst"], "omschrijving": v["omschrijving"]}
            for t, v in suite["meta"]["toetsen"].items()
        }
        assert spec.blocking == any(v["ernst"] == "ERROR" for v in per_toets.values()), name
        assert spec.asset_key.to_user_string() == name
    toetsen_ = check_specs_for("stg_controles")[0].metadata["toetsen"].value
    assert toetsen_["codelijsten"]["ernst"] == "ERROR"
    assert toetsen_["jaar_op_jaar_controles"]["ernst"] == "WARN"
    assert check_specs_for("stg_quarantaine") == []


# ----------------------------------------------------------------------- the sample data


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> SimpleNamespace:
    """The sample deliveries of 2022 and 2023 (scale 0.01) staged and modelled into a
    warehouse file by the model harness: the tables the suites judge, as the real graph builds
    them (tests/test_models.py), without the graph running the suites first; the tests run
    them."""
    tmp = tmp_path_factory.mktemp("validatie")
    raw = tmp / "raw"
    generate_sample(raw, years=YEARS, scale=0.01, seed=2024)
    warehouse = tmp / "vth.duckdb"
    build_models(raw, YEARS, database=str(warehouse)).conn.close()
    return SimpleNamespace(raw=raw, warehouse=warehouse)


@pytest.fixture(scope="module")
def validated(sample, tmp_path_factory):
    """A copy of the sample warehouse on which every suite ran for both years."""
    path = tmp_path_factory.mktemp("gevalideerd") / "vth.duckdb"
    shutil.copy(sample.warehouse, path)
    conn = duckdb.connect(str(path))
    results = {year: validate_year(conn, year) for year in YEARS}
    yield conn, results
    conn.close()


def test_sample_passes_every_blocking_check(validated):
    _, results = validated
    for year, per_dataset in results.items():
        assert [r.dataset for r in per_dataset] == list(DATASETS)
        for r in per_dataset:
            assert not r.blokkerend_mislukt, (
                year,
                r.dataset,
                [t.toelichting for t in r.blokkerend_mislukt],
            )
            for t in r.toetsen:
                assert all(u.fout is None for u in t.uitkomsten), (year, r.dataset, t.toets)


def test_sample_warnings_are_the_deliberate_defects(validated):
    """What the sample warns about is what its generator put in on purpose."""
    _, results = validated
    warned = {
        (r.dataset, t.toets)
        for rs in results.values()
        for r in rs
        for t in r.toetsen
        if t.status == "waarschuwing"
    }
    # ODBN delivers kengetallen partner-wide and per bevoegd gezag, with one difference.
    assert ("stg_kengetallen", "afstemming_bevoegd_gezag") in warned
    # Two partners deliver the same outcome indicator and gebied (2022).
    assert ("stg_uitkomsten", "conflict_tussen_partners") in warned
    allowed = {
        ("stg_kengetallen", "afstemming_bevoegd_gezag"),
        ("stg_uitkomsten", "conflict_tussen_partners"),
        ("stg_seveso_inspecties", "gezamenlijk_eenduidig"),  # integration conflicts
        ("stg_seveso_inspecties", "gezamenlijk_met_omgevingsdienst"),  # OD rows quarantined
        ("stg_seveso_inspecties", "veiligheidsregio_volgens_register"),
    }
    assert warned <= allowed, warned - allowed


def test_results_are_recorded_per_check(validated):
    conn, results = validated
    cols = [r[0] for r in conn.execute("DESCRIBE staat.validatie").fetchall()]
    assert cols[:7] == ["jaar", "dataset", "tabel", "toets", "ernst", "geslaagd", "uitkomst"]
    assert {"waargenomen", "afwijkende_rijen", "toelichting", "voorbeeld"} <= set(cols)
    n = conn.execute("SELECT count(*) FROM staat.validatie WHERE jaar = 2023").fetchone()[0]
    assert n == sum(len(r.toetsen) for r in results[2023])
    row = conn.execute(
        "SELECT uitkomst, afwijkende_rijen, voorbeeld FROM staat.validatie WHERE jaar = 2023 "
        "AND dataset = 'stg_kengetallen' AND toets = 'afstemming_bevoegd_gezag'"
    ).fetchone()
    assert row[0] == "waarschuwing" and row[1] >= 1 and "ODBN/" in row[2]
    details = conn.execute(
        "SELECT count(*) FROM staat.validatie_verwachtingen WHERE jaar = 2023"
    ).fetchone()[0]
    assert details == sum(len(t.uitkomsten) for r in results[2023] for t in r.toetsen)


def test_annex_and_offline_report(validated, tmp_path):
    conn, _ = validated
    summary = annex_summary(conn, 2023)
    assert summary["uitgevoerd"] == summary["geslaagd"] + summary["waarschuwing"]
    assert summary["mislukt"] == 0
    html = annex_html(conn, 2023)
    assert "Bijlage: validatie van de gegevens" in html
    assert f"{summary['uitgevoerd']} toetsen" in html and "waarschuwing" in html
    path = write_validation_report(conn, 2023, tmp_path)
    page = path.read_text(encoding="utf-8")
    assert "Validatierapport Staat van VTH 2023" in page
    assert "expect_column_values_to_be_in_set" in page and "afstemming_bevoegd_gezag" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    data = json.loads((tmp_path / "validatie.json").read_text(encoding="utf-8"))
    assert data["jaar"] == 2023 and data["verwachtingen"]
    write_validation_report(conn, 2023, tmp_path / "nog")
    assert (tmp_path / "nog" / "validatie.html").read_bytes() == path.read_bytes()


# ----------------------------------------------------------------------- purpose-built faults


@pytest.fixture(scope="module")
def faulty(sample, tmp_path_factory):
    """A copy of the sample warehouse: each fault is put in inside a transaction, then undone."""
    path = tmp_path_factory.mktemp("fouten") / "vth.duckdb"
    shutil.copy(sample.warehouse, path)
    conn = duckdb.connect(str(path))
    yield conn
    conn.close()


def _toets(result, name):
    return next(t for t in result.toetsen if t.toets == name)


@pytest.fixture(scope="module")
def baseline(faulty):
    """The untouched results, per (dataset, year), computed once."""
    cache: dict = {}

    def get(dataset: str, year: int):
        if (dataset, year) not in cache:
            cache[dataset, year] = validate_dataset(faulty, dataset, year)
        return cache[dataset, year]

    return get


@pytest.mark.parametrize("fault", ALL_FAULTS, ids=[f.id for f in ALL_FAULTS])
def test_each_suite_catches_its_fault(faulty, baseline, fault):
    before = _toets(baseline(fault.dataset, fault.year), fault.toets)
    faulty.execute("BEGIN")
    try:
        for sql in fault.sql:
            faulty.execute(sql)
        after = _toets(validate_dataset(faulty, fault.dataset, fault.year), fault.toets)
    finally:
        faulty.execute("ROLLBACK")
    assert not after.geslaagd, (fault.id, after.waargenomen)
    assert after.afwijkend > (0 if before.geslaagd else before.afwijkend), fault.id
    assert after.toelichting and after.waargenomen
    assert all(u.fout is None for u in after.uitkomsten), [u.fout for u in after.uitkomsten]


def test_every_check_of_every_suite_has_a_fault():
    """Each toets of each suite is shown catching a fault (purpose-built or generic)."""
    covered = {(f.dataset, f.toets) for f in ALL_FAULTS}
    for name in DATASETS:
        for t in generated()[name].toetsen:
            assert (name, t.naam) in covered, (name, t.naam)


def test_samples_name_file_and_row(faulty):
    faulty.execute("BEGIN")
    try:
        faulty.execute(
            "UPDATE stg.controles SET taakveld = 'ruimtevaart' WHERE jaar = 2023 AND rowid = "
            "(SELECT min(rowid) FROM stg.controles WHERE jaar = 2023)"
        )
        where = faulty.execute(
            "SELECT bron_bestand || ':' || bron_rij FROM stg.controles WHERE taakveld = "
            "'ruimtevaart'"
        ).fetchone()[0]
        t = _toets(validate_dataset(faulty, "stg_controles", 2023), "codelijsten")
    finally:
        faulty.execute("ROLLBACK")
    assert t.afwijkend == 1
    assert t.voorbeeld == [f"{where}: ruimtevaart"]
    assert "taakveld" in t.waargenomen


def test_year_on_year_factor_is_configurable(faulty, monkeypatch):
    """One partner whose kengetallen are the same as last year except one that doubled."""
    faulty.execute("BEGIN")
    try:
        faulty.execute("DELETE FROM stg.kengetallen WHERE partner_code <> 'DCMR'")
        faulty.execute(
            "UPDATE stg.kengetallen k SET waarde = coalesce((SELECT v.waarde FROM "
            "stg.kengetallen v WHERE v.jaar = 2022 AND v.indicator = k.indicator AND "
            "v.bevoegd_gezag IS NOT DISTINCT FROM k.bevoegd_gezag), k.waarde) WHERE jaar = 2023"
        )
        for year, value in ((2022, 100), (2023, 200)):
            faulty.execute(
                f"UPDATE stg.kengetallen SET waarde = {value} WHERE jaar = {year} AND "
                "indicator = 'meldingen_ontvangen' AND bevoegd_gezag IS NULL"
            )
        loose = validate_dataset(faulty, "stg_kengetallen", 2023)
        strict = validate_dataset(faulty, "stg_kengetallen", 2023, factor=1.5)
        monkeypatch.setenv("VTH_JAAR_OP_JAAR_FACTOR", "1.5")
        from_env = validate_dataset(faulty, "stg_kengetallen", 2023)
    finally:
        faulty.execute("ROLLBACK")
    name = "jaar_op_jaar_kengetallen"
    assert _toets(loose, name).geslaagd
    assert _toets(strict, name).voorbeeld == ["DCMR/meldingen_ontvangen: 2"]
    assert _toets(from_env, name).voorbeeld == _toets(strict, name).voorbeeld
    assert _toets(strict, name).ernst == "WARN" and _toets(strict, name).status == "waarschuwing"


def test_a_missing_table_is_a_failed_check_not_a_crash(tmp_path):
    with duckdb.connect(str(tmp_path / "leeg.duckdb")) as conn:
        conn.execute("CREATE SCHEMA ref")
        conn.execute("CREATE TABLE ref.codelijsten (lijst VARCHAR, code VARCHAR)")
        conn.execute(
            "CREATE TABLE ref.gemeenten (gm_code VARCHAR, geldig_van DATE, geldig_tot DATE)"
        )
        for t, c in (
            ("provincies", "provincie_code"),
            ("veiligheidsregios", "vr_code"),
            ("partners", "partner_code VARCHAR, seveso_omgevingsdienst"),
            ("indicatoren", "indicator VARCHAR, soort"),
        ):
            conn.execute(f"CREATE TABLE ref.{t} ({c} VARCHAR)")
        result = validate_dataset(conn, "stg_controles", 2023)
    assert result.blokkerend_mislukt
    assert all(
        u.fout and "overdracht mislukt" in u.fout for t in result.toetsen for u in t.uitkomsten
    )


def test_the_adapter_gives_what_gx_gives_in_its_summary_format():
    """`GxRuntime.validate` runs a suite in GX's BASIC format and again in SUMMARY only what has
    something to show; the results must be GX's own SUMMARY of the whole suite, whatever
    passed, failed or raised."""
    import pandas as pd

    from vth_pipeline.validation.gx import GxRuntime, outcome

    runtime = GxRuntime.get()
    frame = pd.DataFrame(
        {
            "n": [1, 2, 3, 40, 5, 60, 7],
            "code": ["a", "b", None, "a", "x", "b", "a"],
            "uniek": [1, 2, 3, 4, 5, 5, 7],
        }
    )
    expectations = [
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "n", "max_value": 9}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "code"}},
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "code", "value_set": {"$PARAMETER": "codes"}},
        },
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "n"}},  # passes
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "uniek"}},
        {
            "type": "expect_column_distinct_values_to_equal_set",
            "kwargs": {"column": "code", "value_set": ["a", "b"]},
        },
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "weg"}},  # raises
    ]
    # two expectations on the rows of one condition, one on the others (filtered once each)
    where_a = {"column": {"name": "code"}, "operator": "==", "parameter": "a", "type": "comparison"}
    not_a = {"column": {"name": "code"}, "operator": "!=", "parameter": "a", "type": "comparison"}
    expectations += [
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "n", "max_value": 5, "row_condition": where_a},
        },
        {
            "type": "expect_column_values_to_be_unique",
            "kwargs": {"column": "uniek", "row_condition": where_a},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "n", "max_value": 5, "row_condition": not_a},
        },
    ]
    tagged = [{**e, "meta": {"volgnummer": i}} for i, e in enumerate(expectations)]
    tagged.append(dict(tagged[0]))  # an identical twin: both get their SUMMARY result
    suite = runtime.suite(("test", "adapter"), tagged)
    parameters = {"codes": ["a", "b"]}
    got = runtime.validate(frame, suite, parameters)
    batch = runtime.batch_definition.get_batch(batch_parameters={"dataframe": frame})
    summary = batch.validate(
        suite,
        expectation_parameters=parameters,
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": 10},
    ).results

    def comparable(r) -> dict:
        d = r.to_json_dict()
        for info in (d.get("exception_info") or {}).values():  # traces name GX's own lines
            if isinstance(info, dict):
                info.pop("exception_traceback", None)
        return d

    number = lambda r: r.expectation_config.meta["volgnummer"]  # noqa: E731
    got, summary = sorted(got, key=number), sorted(summary, key=number)
    # by hand: code "a" in rows 0, 3, 6 (n 1, 40, 7: two above 5; uniek 1, 4, 7 unique); the
    # other rows (b, x, b, and the null code, whichever way GX counts it) have n 2, 5, 60 and 3:
    # one above 5
    assert [r.success for r in got] == [
        *(False, False, False, False, True, False, False, False),
        *(False, True, False),
    ]
    assert "partial_unexpected_index_list" in got[1].result  # the twin's, in SUMMARY too
    # what failed or raised is GX's SUMMARY result in full; what passed reads the same
    for mine, theirs in zip(got, summary, strict=True):
        if mine.success:
            assert outcome(0, {"type": "t"}, {}, mine) == outcome(0, {"type": "t"}, {}, theirs)
        else:
            assert comparable(mine) == comparable(theirs)
    assert got[0].result["partial_unexpected_index_list"] == [3, 5]
    assert got[7].exception_info  # the column that is not there
    assert got[8].result["partial_unexpected_index_list"] == [3, 6]  # n 40 and 7 of code a
    assert got[10].result["partial_unexpected_index_list"] == [5]  # n 60 of code b


def test_an_expectations_configuration_is_computed_once_only_while_validating():
    """`GxRuntime.validate` has GX compute each expectation's configuration once: GX's
    property must still be there to stand in for, give the same value, and be GX's own again
    after (and after a failure)."""
    from great_expectations.expectations.expectation import Expectation

    from vth_pipeline.validation.gx import GxRuntime, configurations_computed_once

    runtime = GxRuntime.get()
    gx_own = Expectation.__dict__["configuration"]
    assert isinstance(gx_own, property) and gx_own.fget.__qualname__ == "Expectation.configuration"
    expectation = runtime.gx.expectations.ExpectColumnValuesToBeInSet(
        column="code", value_set=[f"GM{i:04d}" for i in range(400)]
    )
    fresh = expectation.configuration
    assert expectation.configuration is not fresh  # GX builds it anew on every read
    with configurations_computed_once(Expectation):
        once = expectation.configuration
        assert expectation.configuration is once and once == fresh
    assert Expectation.__dict__["configuration"] is gx_own
    with pytest.raises(RuntimeError), configurations_computed_once(Expectation):
        raise RuntimeError("a suite that fails")
    assert Expectation.__dict__["configuration"] is gx_own
    assert expectation.configuration is not expectation.configuration


def test_a_frame_is_fingerprinted_and_filtered_once_only_while_validating(monkeypatch):
    """`GxRuntime.validate` has GX hash a frame once and filter it once per row condition: GX's
    function and method must still be there to stand in for, give GX's own values, and be
    GX's own again after (and after a failure)."""
    import pandas as pd
    from great_expectations.execution_engine import pandas_execution_engine as module

    from vth_pipeline.validation.gx import GxRuntime, frames_worked_once

    engine = GxRuntime.get().datasource.get_execution_engine()
    engine_class = module.PandasExecutionEngine
    gx_hash = module.__dict__["hash_pandas_dataframe"]
    gx_filter = engine_class.__dict__["_apply_row_condition_filter"]
    frame = pd.DataFrame({"code": ["a", "b", "a"], "n": [1, 2, 3]})
    where_a = {"column": {"name": "code"}, "operator": "==", "parameter": "a", "type": "comparison"}
    where_b = {**where_a, "parameter": "b"}
    with frames_worked_once(module):
        assert module.hash_pandas_dataframe(frame) == gx_hash(frame)
        assert module.hash_pandas_dataframe(frame) == gx_hash(frame)
        first = engine._apply_row_condition_filter(frame, where_a, {})
        assert engine._apply_row_condition_filter(frame, dict(where_a), {}) is first
        assert first.equals(gx_filter(engine, frame, where_a, {}))
        assert first["n"].tolist() == [1, 3]
        other = engine._apply_row_condition_filter(frame, where_b, {})
        assert other["n"].tolist() == [2]  # another condition is filtered on its own
    assert module.__dict__["hash_pandas_dataframe"] is gx_hash
    assert engine_class.__dict__["_apply_row_condition_filter"] is gx_filter
    with pytest.raises(RuntimeError), frames_worked_once(module):
        raise RuntimeError("a suite that fails")
    assert module.__dict__["hash_pandas_dataframe"] is gx_hash
    assert engine_class.__dict__["_apply_row_condition_filter"] is gx_filter
    # once: what stands in calls GX's own hash once for a frame however often GX asks
    calls = []
    monkeypatch.setattr(module, "hash_pandas_dataframe", lambda df: calls.append(1) or "h")
    with frames_worked_once(module):
        assert [module.hash_pandas_dataframe(frame) for _ in range(3)] == ["h"] * 3
    assert calls == [1]


SCIPY_STATS_ON_FIRST_USE = """
import sys, types
from vth_pipeline.validation.gx import GxRuntime

runtime = GxRuntime.get()
print("loaded with GX:", "scipy.stats._stats_py" in sys.modules)
from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
import pandas as pd
exp = runtime.gx.expectations.ExpectColumnKLDivergenceToBeLessThan(
    column="x", partition_object={"values": ["a", "b"], "weights": [0.5, 0.5]}, threshold=0.6
)
frame = pd.DataFrame({"x": ["a"] * 9 + ["b"]})
result = runtime.batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(exp)
print("kl:", result.success, round(float(result.result["observed_value"]), 7))
print("loaded when used:", "scipy.stats._stats_py" in sys.modules)
print("one module:", kl.stats is sys.modules["scipy.stats"] and type(kl.stats) is types.ModuleType)
"""


def test_scipy_stats_is_loaded_when_a_gx_expectation_uses_it_not_with_gx():
    """`defer_scipy_stats`: importing GX no longer loads SciPy's stats (none of our suites
    uses it); an expectation that does use it gets the real module, loaded then, with GX's
    own answer. In a fresh process: the test workers may have SciPy's stats already."""
    done = subprocess.run(
        [sys.executable, "-c", SCIPY_STATS_ON_FIRST_USE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # KL(observed 0.9/0.1 || expected 0.5/0.5) by hand: 0.9 ln(1.8) + 0.1 ln(0.2) = 0.3680642
    assert done.stdout.splitlines() == [
        "loaded with GX: False",
        "kl: True 0.3680642",
        "loaded when used: True",
        "one module: True",
    ], done.stdout + done.stderr


# ----------------------------------------------------------------------- offline and quiet


def test_validation_is_offline_and_prints_no_progress_bars(faulty, monkeypatch, capfd):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access during validation: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    validate_dataset(faulty, "stg_seveso_inspecties", 2023)
    out, err = capfd.readouterr()
    assert "Calculating Metrics" not in out + err and "%|" not in out + err
    assert out == ""


def test_no_temporary_files_and_nothing_printed(sample, tmp_path):
    """GX's ephemeral context builds no Data Docs: nothing is left in the temporary folder."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    code = (
        "import duckdb; from vth_pipeline.validation import validate_dataset; "
        f"c = duckdb.connect({str(sample.warehouse)!r}, read_only=True); "
        "r = validate_dataset(c, 'stg_seveso_inspecties', 2023); assert r.toetsen"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    assert list(tmp.iterdir()) == []
    assert out.stdout == "" and "Calculating Metrics" not in out.stderr


# ----------------------------------------------------------------------- as Dagster checks


def mini_definitions(warehouse: Path, out: Path) -> Definitions:
    """stg_controles with its checks declared and run as the wiring will do, and a
    publication downstream of it."""

    @asset(
        name="stg_controles",
        partitions_def=yearly,
        check_specs=check_specs_for("stg_controles"),
    )
    def stg_controles(context: AssetExecutionContext, duckdb: DuckDBResource):
        with session(duckdb) as conn:
            checks = run_checks(conn, "stg_controles", year_of(context))
        return MaterializeResult(metadata={"rows": 0}, check_results=checks)

    @asset(partitions_def=yearly, deps=["stg_controles"])
    def publicatie(context: AssetExecutionContext, duckdb: DuckDBResource):
        year = year_of(context)
        with session(duckdb) as conn:
            assert_publishable(conn, year)
            write_validation_report(conn, year, out / str(year))
        (out / str(year) / "index.html").write_text("gepubliceerd", encoding="utf-8")

    return Definitions(
        assets=[stg_controles, publicatie],
        jobs=[define_asset_job("jaar")],
        resources={"duckdb": DuckDBResource(database=str(warehouse))},
        executor=in_process_executor,
    )


def test_blocking_failure_stops_only_that_year(sample, tmp_path):
    warehouse = tmp_path / "vth.duckdb"
    shutil.copy(sample.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as conn:  # a bad code in 2023 only
        conn.execute(
            "UPDATE stg.controles SET taakveld = 'ruimtevaart' WHERE jaar = 2023 AND rowid = "
            "(SELECT min(rowid) FROM stg.controles WHERE jaar = 2023)"
        )
    out = tmp_path / "out"
    defs = mini_definitions(warehouse, out)
    instance = DagsterInstance.ephemeral()
    job = defs.resolve_job_def("jaar")
    results = {
        y: job.execute_in_process(instance=instance, partition_key=str(y), raise_on_error=False)
        for y in YEARS
    }

    assert results[2022].success
    assert (out / "2022" / "index.html").exists() and (out / "2022" / "validatie.html").exists()

    bad = results[2023]
    assert not bad.success
    assert not (out / "2023" / "index.html").exists()
    failure = next(e for e in bad.all_events if e.is_step_failure)
    # Dagster names the suite's check; its description and `vth build` name the toets
    assert "stg_controles: toetsen" in failure.step_failure_data.error.message
    messages = failed_check_messages(bad)
    assert len(messages) == 1 and "[ERROR] stg_controles / codelijsten" in messages[0]
    assert "taakveld" in messages[0]

    (evaluation,) = bad.get_asset_check_evaluations()  # one check: the suite
    assert not evaluation.passed and evaluation.severity.value == "ERROR"
    assert evaluation.description.startswith("codelijsten [ERROR]: ")
    meta = {k: v.value for k, v in evaluation.metadata.items()}
    assert meta["mislukt_blokkerend"] == "codelijsten"
    codelijsten = meta["toetsen"]["codelijsten"]
    assert codelijsten["afwijkende_rijen"] == 1 and codelijsten["ernst"] == "ERROR"
    assert "taakveld" in codelijsten["waargenomen"]
    assert "controles.csv:" in meta["voorbeeld"] and "ruimtevaart" in meta["voorbeeld"]
    (good,) = results[2022].get_asset_check_evaluations()
    good_meta = {k: v.value for k, v in good.metadata.items()}
    assert good.passed and good_meta["toetsen_mislukt"] == 0
    assert good_meta["toetsen_geslaagd"] == len(
        check_specs_for("stg_controles")[0].metadata["toetsen"].value
    )

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        with pytest.raises(BlokkerendeToetsMislukt, match="codelijsten"):
            assert_publishable(conn, 2023)
        assert_publishable(conn, 2022)


def test_raise_for_blocking_names_toets_and_reason(faulty):
    faulty.execute("BEGIN")
    try:
        faulty.execute("UPDATE stg.controles SET uren = 5000 WHERE jaar = 2023")
        results = run_checks(faulty, "stg_controles", 2023, persist=False)
    finally:
        faulty.execute("ROLLBACK")
    with pytest.raises(BlokkerendeToetsMislukt) as info:
        raise_for_blocking(results)
    assert "stg_controles / bereik" in str(info.value) and "uren" in str(info.value)
    (result,) = results
    assert "bereik" in result.metadata["mislukt_blokkerend"].value


def test_a_failed_warn_toets_fails_the_suite_check_without_blocking():
    """Hand-made outcomes: one WARN toets failed, one ERROR toets passed. The suite's check
    fails as a warning (Dagster blocks only on ERROR), and nothing is named as blocking."""
    from vth_pipeline.validation import check_results
    from vth_pipeline.validation.results import DatasetUitkomst, ToetsUitkomst, Uitkomst

    def outcome(toets: str, ernst: str, ok: bool) -> ToetsUitkomst:
        u = Uitkomst(1, toets, ernst, "rijen", "expect_x", "uren", {}, f"{toets} klopt", ok)
        return ToetsUitkomst("stg_controles", toets, ernst, toets, [u])

    result = DatasetUitkomst(
        "stg_controles",
        "stg.controles",
        2023,
        [outcome("bereik", "ERROR", True), outcome("jaar_op_jaar_controles", "WARN", False)],
    )
    (check,) = check_results(result)
    assert not check.passed and check.severity.value == "WARN"
    assert check.metadata["mislukt_blokkerend"].value == ""
    assert check.metadata["mislukt_waarschuwing"].value == "jaar_op_jaar_controles"
    raise_for_blocking([check])  # no ERROR toets failed: nothing to raise
    lines = failed_check_messages([check])
    assert len(lines) == 1 and lines[0].startswith("[WARN] stg_controles / jaar_op_jaar")
    assert failed_check_messages([check], blocking_only=True) == []
