"""What a SQL model reads, read from the SQL itself with a SQL parser (sqlglot, as SQLMesh does).

The asset graph takes each model's dependencies from here, so a new `staat` table is one SQL
file: nothing beside it lists what it reads. For each table the model names (`schema.table`;
CTEs have no schema) it also answers how many earlier years of that table the model reads, which
becomes the dependency's partition mapping (the comparison reads the previous year, the Seveso
three-year window the two before):

- a reference's own query and every query around it are searched for `$jaar - k` (CTE bodies
  of an enclosing query excluded, they are other queries): the largest k is how far back it
  reads;
- a reference whose own query has no condition on `jaar` at all may read any year the model
  names, so it gets the largest k of the whole model.

This over-approximates rather than misses: a dependency declared one year too wide only marks a
partition stale that did not need it; one too narrow would leave a figure stale unseen.
`tests/test_model_reads.py` holds the rule against the models' SQL.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import jinja2
import sqlglot
from sqlglot import exp

from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.sql import CONTEXT, _environment

# Side tables that several assets write, each the rows of its file kind (`soort`): a reader
# depends on the writers of the kinds its query names (`soort = 'controles'`), else on all.
# Every other table `<schema>.<name>` is written by the asset `<schema>_<name>`.
SHARED_TABLES: dict[str, str] = {
    "meta.inlezing": "raw_{soort}",
    "stg.bestanden": "stg_{soort}",
    "stg.quarantaine": "stg_{soort}",
    "stg.meldingen": "stg_{soort}",
}
KIND_COLUMN = "soort"
YEAR_PARAMETER = "jaar"  # `$jaar`, the year a model is built for
PREVIOUS_YEAR_PARAMETER = "vorig_jaar"  # `$vorig_jaar` of the validation views: `$jaar - 1`
YEAR_COLUMN = "jaar"  # the partition column of every yearly table


class _Sample(jinja2.ChainableUndefined):
    """Stands in for a placeholder only the warehouse fills (the codes of a code list): one
    item of any shape, so that loops render once and the SQL around them can be parsed."""

    def __iter__(self):
        yield _Sample(name="voorbeeld")

    def __str__(self) -> str:
        return "voorbeeld"

    def __bool__(self) -> bool:
        return True

    def __add__(self, other: Any) -> list:
        return [_Sample(name="voorbeeld"), *other]

    def __radd__(self, other: Any) -> list:
        return [*other, _Sample(name="voorbeeld")]


def writers_of(table: str, kinds: frozenset[str] | None = None) -> tuple[str, ...]:
    """The assets that write `table` (`staat.seveso` -> `staat_seveso`); of a shared side table
    those of `kinds` (every kind when None)."""
    if table not in SHARED_TABLES:
        return (table.replace(".", "_", 1),)
    chosen = sorted(FILE_KINDS) if kinds is None else sorted(kinds & set(FILE_KINDS))
    return tuple(SHARED_TABLES[table].format(soort=k) for k in chosen)


def kinds_read(tree: exp.Expression) -> dict[str, frozenset[str] | None]:
    """Per shared side table: the kinds its references name (`soort = 'x'`, `soort IN (...)`
    in the reference's own query), None when one reference names none (it reads every kind)."""
    out: dict[str, frozenset[str] | None] = {}
    for table in tree.find_all(exp.Table):
        name = f"{table.db}.{table.name}"
        if name not in SHARED_TABLES:
            continue
        kinds = _kinds_named(_query_of(table))
        before = out.get(name, frozenset())
        out[name] = None if kinds is None or before is None else before | kinds
    return out


def sql_reads(sql: str) -> dict[str, int]:
    """`tables_read` of a query given as text (a validation view)."""
    return tables_read(sqlglot.parse_one(sql, read="duckdb"))


def sql_writers(sql: str) -> set[str]:
    """The assets whose tables a query given as text reads (kinds of side tables heeded)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    kinds = kinds_read(tree)
    return {w for t in tables_read(tree) for w in writers_of(t, kinds.get(t))}


@functools.cache
def _sample_environment() -> jinja2.Environment:
    base = _environment()
    env = jinja2.Environment(
        loader=base.loader, undefined=_Sample, keep_trailing_newline=True, autoescape=False
    )
    env.filters.update(base.filters)
    return env


def tables_read(tree: exp.Expression) -> dict[str, int]:
    """`schema.table` -> how many years before `$jaar` the query reads of it (0: the year)."""
    widest = max((_offset(s) for s in _offsets(tree)), default=0)
    out: dict[str, int] = {}
    for table in tree.find_all(exp.Table):
        if not table.db:  # a CTE or a registered frame: no table of the warehouse
            continue
        name = f"{table.db}.{table.name}"
        back = widest if not _names_year(_query_of(table)) else _years_back(table)
        out[name] = max(out.get(name, 0), back)
    return dict(sorted(out.items()))


@functools.cache
def model_reads(name: str) -> dict[str, int]:
    """`tables_read` of the model `sql/<name>.sql` (cached: the graph asks once per model)."""
    return tables_read(parse(name))


@functools.cache
def model_kinds(name: str) -> dict[str, frozenset[str] | None]:
    """`kinds_read` of the model `sql/<name>.sql`."""
    return kinds_read(parse(name))


@functools.cache
def parse(name: str) -> exp.Expression:
    """The model `sql/<name>.sql` as a syntax tree, placeholders of the contract filled."""
    sql = _sample_environment().get_template(f"{name}.sql").render(CONTEXT)
    return sqlglot.parse_one(sql, read="duckdb")


def _query_of(node: exp.Expression) -> exp.Select | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, exp.Select):
        parent = parent.parent
    return parent


def _in_cte_of(node: exp.Expression, query: exp.Select) -> bool:
    """Whether `node` sits in a CTE body of `query` (another query, with its own conditions)."""
    parent = node.parent
    while parent is not None and parent is not query:
        if isinstance(parent, exp.CTE):
            return True
        parent = parent.parent
    return False


def _years_back(table: exp.Table) -> int:
    back, query = 0, _query_of(table)
    while query is not None:
        offsets = (_offset(s) for s in _offsets(query) if not _in_cte_of(s, query))
        back = max(back, *offsets, 0)
        query = _query_of(query)
    return back


def _is_parameter(node: exp.Expression, name: str) -> bool:
    return isinstance(node, exp.Parameter | exp.Placeholder) and node.name == name


def _offset(node: exp.Expression) -> int:
    """k of `$jaar - k` (a literal k); 1 for `$vorig_jaar`; else 0."""
    if _is_parameter(node, PREVIOUS_YEAR_PARAMETER):
        return 1
    if not isinstance(node, exp.Sub) or not _is_parameter(node.this, YEAR_PARAMETER):
        return 0
    right = node.expression
    return int(right.this) if isinstance(right, exp.Literal) and right.is_int else 0


def _offsets(tree: exp.Expression) -> Iterator[exp.Expression]:
    """The nodes that may name an earlier year: `$jaar - k` and `$vorig_jaar`."""
    yield from tree.find_all(exp.Sub, exp.Parameter, exp.Placeholder)


def _conditions(query: exp.Select) -> list[exp.Expression]:
    joins = query.args.get("joins") or []
    found = [query.args.get("where"), *(j.args.get("on") for j in joins)]
    return [c for c in found if c is not None]


def _kinds_named(query: exp.Select | None) -> frozenset[str] | None:
    """The string literals a query's own conditions compare `soort` with; None if none."""
    kinds: set[str] = set()
    for cond in _conditions(query) if query is not None else []:
        for node in cond.find_all(exp.EQ, exp.In):
            column = node.this
            if not isinstance(column, exp.Column) or column.name != KIND_COLUMN:
                continue
            values = [node.expression] if isinstance(node, exp.EQ) else node.expressions
            kinds |= {v.this for v in values if isinstance(v, exp.Literal) and v.is_string}
    return frozenset(kinds) or None


def _names_year(query: exp.Select | None) -> bool:
    """Whether the query's own conditions (WHERE, JOIN ... ON) name a `jaar` column."""
    if query is None:
        return False
    return any(
        col.name == YEAR_COLUMN and _query_of(col) is query
        for cond in _conditions(query)
        for col in cond.find_all(exp.Column)
    )
