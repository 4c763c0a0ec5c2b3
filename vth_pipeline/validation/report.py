"""The validation results of a year, for readers: an annex in Dutch and a detailed HTML page.

Both read only `staat.validatie` and `staat.validatie_verwachtingen`, so the publication shows
what the asset checks found without reaching back into GX. The detailed page takes the place
of GX Data Docs: those need a file-backed context and load their CSS and scripts from public
CDNs (unstyled offline), and render one site per validation run; this is one self-contained,
deterministic file per year (no timestamps, no scripts, styles inline).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from vth_pipeline.validation.results import VALIDATIE, VALIDATIE_VERWACHTINGEN
from vth_pipeline.validation.suites import DATASETS
from vth_pipeline.warehouse import rows, table_exists

DATASET_LABELS: dict[str, str] = {
    "stg_controles": "Controles",
    "stg_kengetallen": "Kengetallen",
    "stg_uitkomsten": "Uitkomsten",
    "stg_seveso_inrichtingen": "Seveso-register",
    "stg_seveso_inspecties": "Seveso-inspecties",
    "staat_omgevingsdiensten": "Tabel omgevingsdiensten",
    "staat_landelijk": "Tabel landelijk",
    "staat_provincies": "Tabel provincies",
    "staat_seveso": "Tabel Seveso",
    "staat_interventies": "Tabel interventies",
    "staat_lhso": "Tabel LHSO-matrix",
    "staat_uitkomsten": "Tabel uitkomsten",
}
UITKOMST_LABELS = {"geslaagd": "geslaagd", "mislukt": "MISLUKT", "waarschuwing": "waarschuwing"}
DETAIL_FILE = "validatie.html"


def _rows(conn: duckdb.DuckDBPyConnection, sql: str, year: int) -> list[dict[str, Any]]:
    table = sql.split(" FROM ", 1)[1].split()[0]
    if not table_exists(conn, table):
        return []
    return rows(conn, sql, [year])


def _order() -> str:
    cases = " ".join(f"WHEN '{d}' THEN {i}" for i, d in enumerate(DATASETS))
    return f"CASE dataset {cases} ELSE 99 END"


def annex_rows(conn: duckdb.DuckDBPyConnection, year: int) -> list[dict[str, Any]]:
    """One row per toets that ran for the year, failures first within each dataset."""
    rows = _rows(
        conn,
        f"SELECT * FROM {VALIDATIE} WHERE jaar = ? ORDER BY {_order()}, "
        "uitkomst = 'geslaagd', ernst, toets",
        year,
    )
    for r in rows:
        r["dataset_label"] = DATASET_LABELS.get(r["dataset"], r["dataset"])
        r["uitkomst_label"] = UITKOMST_LABELS.get(r["uitkomst"], r["uitkomst"])
    return rows


def annex_summary(conn: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
    """Counts for the annex: toetsen uitgevoerd, geslaagd, mislukt (ERROR), waarschuwing (WARN)."""
    rows = annex_rows(conn, year)
    return {
        "uitgevoerd": len(rows),
        "geslaagd": sum(r["uitkomst"] == "geslaagd" for r in rows),
        "mislukt": sum(r["uitkomst"] == "mislukt" for r in rows),
        "waarschuwing": sum(r["uitkomst"] == "waarschuwing" for r in rows),
        "verwachtingen": sum(r["verwachtingen"] or 0 for r in rows),
        "datasets": len({r["dataset"] for r in rows}),
    }


_ENV = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
# Counts in Dutch notation (12.791); the publish layer's formatting sits above this one.
_ENV.filters["nl"] = lambda n: "" if n is None else f"{int(n):,}".replace(",", ".")

ANNEX = _ENV.from_string(
    """<section class="validatie" id="validatie">
<h2>Bijlage: validatie van de gegevens</h2>
{% if not s.uitgevoerd %}
<p>Voor {{ jaar }} zijn geen validatieresultaten vastgelegd.</p>
{% else %}
<p>Naast de regels van de aanleverspecificatie, die afzonderlijke rijen in quarantaine
plaatsen, is elke geaccepteerde gegevensset en elke gepubliceerde tabel van {{ jaar }} als geheel
getoetst met verwachtingen (Great Expectations): {{ s.uitgevoerd }} toetsen met samen
{{ s.verwachtingen }} verwachtingen op {{ s.datasets }} gegevenssets. <strong>{{ s.geslaagd }}
geslaagd</strong>, {{ s.waarschuwing }} met een waarschuwing, {{ s.mislukt }} mislukt. Een
mislukte toets van ernst ERROR houdt de publicatie van het jaar tegen; een waarschuwing (WARN)
wordt hier gemeld en houdt niets tegen.</p>
{% if problems %}
<table>
<thead><tr><th>Gegevensset</th><th>Toets</th><th>Ernst</th><th>Uitkomst</th>
<th class="num">Afwijkend</th><th>Toelichting</th></tr></thead>
<tbody>
{% for r in problems %}
<tr class="{{ r.uitkomst }}"><td>{{ r.dataset_label }}</td><td><code>{{ r.toets }}</code></td>
<td class="code">{{ r.ernst }}</td><td>{{ r.uitkomst_label }}</td>
<td class="num">{{ r.afwijkende_rijen | nl }}</td>
<td>{{ r.toelichting }}{% if r.voorbeeld %}<br><small>Voorbeeld: {{ r.voorbeeld }}</small>
{% endif %}</td></tr>
{% endfor %}
</tbody></table>
{% else %}
<p>Alle toetsen zijn geslaagd.</p>
{% endif %}
<p>Per gegevensset:</p>
<table>
<thead><tr><th>Gegevensset</th><th class="num">Toetsen</th><th class="num">Geslaagd</th>
<th class="num">Waarschuwing</th><th class="num">Mislukt</th></tr></thead>
<tbody>
{% for d in per_dataset %}
<tr><td>{{ d.label }}</td><td class="num">{{ d.n }}</td><td class="num">{{ d.geslaagd }}</td>
<td class="num">{{ d.waarschuwing }}</td><td class="num">{{ d.mislukt }}</td></tr>
{% endfor %}
</tbody></table>
{% if detail_href %}
<p>Elke toets en verwachting met wat werd waargenomen staat in
<a href="{{ detail_href }}">het validatierapport</a>.</p>
{% endif %}
{% endif %}
</section>
"""
)


def _per_dataset(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        d = out.setdefault(
            r["dataset"],
            {"label": r["dataset_label"], "n": 0, "geslaagd": 0, "waarschuwing": 0, "mislukt": 0},
        )
        d["n"] += 1
        d[r["uitkomst"]] += 1
    return list(out.values())


def annex_html(
    conn: duckdb.DuckDBPyConnection, year: int, detail_href: str | None = DETAIL_FILE
) -> str:
    """The annex as an HTML fragment (a `<section>`), in Dutch, for the year's report."""
    rows = annex_rows(conn, year)
    return ANNEX.render(
        jaar=year,
        s=annex_summary(conn, year),
        problems=[r for r in rows if r["uitkomst"] != "geslaagd"],
        per_dataset=_per_dataset(rows),
        detail_href=detail_href,
    )


DETAIL = _ENV.from_string(
    """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Validatierapport Staat van VTH {{ jaar }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem;
  color: #1d1d1d; line-height: 1.45; max-width: 80rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem;
  border-bottom: 2px solid #154273; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .3rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccd; padding: .25rem .45rem; text-align: left;
  vertical-align: top; }
th { background: #eef2f7; } td.num, th.num { text-align: right; }
tr.mislukt td { background: #fde8e8; } tr.waarschuwing td { background: #fff6dc; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .8rem; }
.geslaagd { background: #e3f3e6; } .mislukt { background: #f7c9c9; }
.waarschuwing { background: #ffe8a8; }
code { font-size: .85rem; } small { color: #555; }
td { overflow-wrap: anywhere; } a { color: #154273; }
/* short codes (ERROR, WARN) and numbers are never broken inside a word */
td.code, td.num { white-space: nowrap; overflow-wrap: normal; }
@page { size: A4; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 8pt; }
  table { font-size: 6.5pt; }
  code { font-size: 1em; }
  .no-print { display: none; }
  a { color: #1d1d1d; text-decoration: none; }
}
</style></head>
<body>
<p class="no-print"><a href="index.html">← Terug naar de Staat van VTH {{ jaar }}</a></p>
<h1>Validatierapport Staat van VTH {{ jaar }}</h1>
<p>Elke geaccepteerde gegevensset (stg) en elke gepubliceerde tabel (staat) van {{ jaar }} is
getoetst met de verwachtingen van <code>expectations/&lt;gegevensset&gt;.json</code>. Een toets
groepeert verwachtingen met één ernst: <strong>ERROR</strong> houdt de publicatie van het jaar
tegen, <strong>WARN</strong> wordt gemeld. Uitgevoerd: {{ s.uitgevoerd }} toetsen,
{{ s.verwachtingen }} verwachtingen; geslaagd {{ s.geslaagd }}, waarschuwing
{{ s.waarschuwing }}, mislukt {{ s.mislukt }}.</p>
<table>
<thead><tr><th>Gegevensset</th><th>Toets</th><th>Ernst</th><th>Uitkomst</th>
<th class="num">Verwachtingen</th><th class="num">Getoetst</th><th class="num">Afwijkend</th>
<th>Waargenomen</th></tr></thead>
<tbody>
{% for r in rows %}
<tr class="{{ r.uitkomst }}"><td>{{ r.dataset_label }}</td>
<td><a href="#{{ r.dataset }}--{{ r.toets }}"><code>{{ r.toets }}</code></a></td>
<td class="code">{{ r.ernst }}</td><td>{{ r.uitkomst_label }}</td>
<td class="num">{{ r.verwachtingen - r.verwachtingen_mislukt }}/{{ r.verwachtingen }}</td>
<td class="num">{{ r.getoetste_rijen | nl }}</td>
<td class="num">{{ r.afwijkende_rijen | nl }}</td>
<td>{{ r.waargenomen }}</td></tr>
{% endfor %}
</tbody></table>
{% for d in datasets %}
<h2 id="{{ d.dataset }}">{{ d.label }} <small><code>{{ d.tabel }}</code></small></h2>
{% for t in d.toetsen %}
<h3 id="{{ d.dataset }}--{{ t.toets }}"><code>{{ t.toets }}</code>
<span class="badge {{ t.uitkomst }}">{{ t.ernst }} · {{ t.uitkomst_label }}</span></h3>
<p>{{ t.omschrijving }}</p>
<table>
<thead><tr><th>#</th><th>Verwachting</th><th>Kolom</th><th>Argumenten</th><th>Uitkomst</th>
<th class="num">Getoetst</th><th class="num">Afwijkend</th><th>Waargenomen</th>
<th>Voorbeeld</th></tr></thead>
<tbody>
{% for e in t.verwachtingen %}
<tr class="{{ 'geslaagd' if e.geslaagd else t.uitkomst }}"><td>{{ e.volgnummer }}</td>
<td><code>{{ e.verwachting }}</code><br><small>{{ e.toelichting }}</small></td>
<td>{{ e.kolom or "" }}</td><td><small>{{ e.argumenten_text }}</small></td>
<td>{{ "geslaagd" if e.geslaagd else t.uitkomst_label }}</td>
<td class="num">{{ e.getoetste_rijen | nl }}</td>
<td class="num">{{ e.afwijkende_rijen | nl }}</td>
<td>{{ e.waargenomen }}{% if e.fout %}<br><small>{{ e.fout }}</small>{% endif %}</td>
<td><small>{{ e.voorbeeld_list | join("; ") }}</small></td></tr>
{% endfor %}
</tbody></table>
{% endfor %}
{% endfor %}
</body></html>
"""
)


def _arguments_text(arguments: str) -> str:
    """Arguments in short: parameters by name, long lists by their length."""
    parts = []
    for k, v in json.loads(arguments or "{}").items():
        if isinstance(v, dict) and "$PARAMETER" in v:
            v = f"${v['$PARAMETER']}"
        elif k == "row_condition":
            v = "voorwaarde: " + json.dumps(v, ensure_ascii=False)
        elif isinstance(v, list) and len(v) > 8:
            v = f"[{len(v)} waarden]"
        parts.append(f"{k}={v}")
    return "; ".join(parts)


def write_validation_report(conn: duckdb.DuckDBPyConnection, year: int, folder: Path) -> Path:
    """Write `<folder>/validatie.html` (every toets and expectation) and `validatie.json`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = annex_rows(conn, year)
    details = _rows(
        conn,
        f"SELECT * FROM {VALIDATIE_VERWACHTINGEN} WHERE jaar = ? ORDER BY dataset, volgnummer",
        year,
    )
    for e in details:
        e["argumenten_text"] = _arguments_text(e["argumenten"])
        e["voorbeeld_list"] = json.loads(e["voorbeeld"] or "[]")
    datasets: dict[str, dict[str, Any]] = {}
    for r in rows:
        d = datasets.setdefault(
            r["dataset"],
            {
                "dataset": r["dataset"],
                "label": r["dataset_label"],
                "tabel": r["tabel"],
                "toetsen": [],
            },
        )
        d["toetsen"].append(
            r
            | {
                "verwachtingen": [
                    e for e in details if e["dataset"] == r["dataset"] and e["toets"] == r["toets"]
                ]
            }
        )
    html = DETAIL.render(
        jaar=year, s=annex_summary(conn, year), rows=rows, datasets=list(datasets.values())
    )
    path = folder / DETAIL_FILE
    path.write_text(html, encoding="utf-8")
    plain = [
        {k: v for k, v in e.items() if k not in ("argumenten_text", "voorbeeld_list")}
        | {"argumenten": json.loads(e["argumenten"] or "{}"), "voorbeeld": e["voorbeeld_list"]}
        for e in details
    ]
    (folder / "validatie.json").write_text(
        json.dumps(
            {"jaar": year, "toetsen": rows, "verwachtingen": plain},
            ensure_ascii=False,
            indent=1,
            sort_keys=True,
            default=str,
        )
        + "\n",
        encoding="utf-8",
    )
    return path
