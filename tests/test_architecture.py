"""The house: imports run one way, no cycles, and every figure is declared once.

`lint-imports` (import-linter, configured in pyproject.toml) checks the layers; the cycle and
function-local import checks below read the import graph and the source themselves.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import grimp

from tests.conftest import ROOT
from vth_pipeline.contract.publication import FIGURES, NATIONAL_SEVESO_PREFIX
from vth_pipeline.sql import sql_names, sql_path

PACKAGE = ROOT / "vth_pipeline"
# The command line defers Dagster, GX and polars to the command that needs them, so that
# `vth --help` and `vth docs` start at once; nowhere else may a module import the package late.
LATE_IMPORTS_ALLOWED = {"vth_pipeline/cli.py"}


def test_layers_hold_as_import_linter_reads_them():
    linter = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(linter), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 kept, 0 broken" in done.stdout


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            groups.append(group)

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_no_module_imports_itself_through_others():
    g = grimp.build_graph("vth_pipeline")
    graph = {m: g.find_modules_directly_imported_by(m) for m in g.modules}
    # a package's __init__ importing its own submodules is not a cycle between concerns
    for m, deps in graph.items():
        graph[m] = {d for d in deps if not m.startswith(d + ".") and not d.startswith(m + ".")}
    cycles = [sorted(c) for c in _strongly_connected(graph) if len(c) > 1]
    assert not cycles, cycles


def test_the_cycle_check_finds_a_cycle():
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        {"a", "b", "c"},
        {"d"},
    ]


def test_no_late_import_of_the_package_outside_the_command_line():
    late = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in LATE_IMPORTS_ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "vth_pipeline"
                ):
                    late.append(f"{rel}:{node.lineno} {node.module}")
    assert not late, late


def test_every_figure_is_computed_in_the_sql_file_its_declaration_names():
    assert set(sql_names()) >= {f.sql for f in FIGURES.values()}
    for f in FIGURES.values():
        text = sql_path(f.sql).read_text(encoding="utf-8")
        for fragment in re.findall(r'{% include "(_\w+)\.sql" %}', text):
            text += sql_path(fragment).read_text(encoding="utf-8")
        assert re.search(rf"\bAS {f.name}\b", text), (f.name, f.sql)


def test_every_national_figure_of_the_first_table_is_in_the_landelijk_sql():
    text = sql_path("staat_landelijk").read_text(encoding="utf-8")
    for f in FIGURES.values():
        if f.sql == "staat_omgevingsdiensten":
            assert f"'{f.name}'" in text, f.name
    assert f"'{NATIONAL_SEVESO_PREFIX}" in text


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def test_figures_are_not_declared_outside_the_output_contract():
    """A figure's Dutch definition lives in contract/publication.py only."""
    constants = {
        p.relative_to(ROOT).as_posix(): _string_constants(p) for p in PACKAGE.rglob("*.py")
    }
    for f in FIGURES.values():
        owners = [path for path, strings in constants.items() if f.definition in strings]
        assert owners == ["vth_pipeline/contract/publication.py"], (f.name, owners)


def test_figure_labels_are_taken_from_the_output_contract():
    """A chart or table takes a figure's Dutch label from `contract.publication.label`: no
    module repeats a label of more than one word (with or without its unit)."""
    constants = {
        p.relative_to(ROOT).as_posix(): _string_constants(p) for p in PACKAGE.rglob("*.py")
    }
    labels = [f.label for f in FIGURES.values() if " " in f.label]
    assert len(labels) > 20
    for text in labels:
        forms = {text, text.removesuffix(" (%)")}
        owners = [path for path, strings in constants.items() if forms & strings]
        assert owners == ["vth_pipeline/contract/publication.py"], (text, owners)


# ---------------------------------------------------------------- environment variables


def _package_modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted((ROOT / "vth_pipeline").rglob("*.py"))
    ]


def test_every_environment_variable_is_declared_once_in_environment_py():
    """A variable's name is spelled in environment.py alone (the portal's in its settings.py):
    a string that is exactly such a name anywhere else is a variable read past the list."""
    from vth_pipeline import environment

    declared = {v.name for v in environment.VARIABLES}
    assert len(declared) == len(environment.VARIABLES)
    name = re.compile(r"(VTH_[A-Z_]+|BROWSER_PATH|DAGSTER_PG_URL)")
    elsewhere = [
        (path.relative_to(ROOT).as_posix(), node.value)
        for path, tree in _package_modules()
        if path.name != "environment.py" and "portaal" not in path.parts
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and name.fullmatch(node.value)
    ]
    assert elsewhere == []


def test_every_declared_variable_is_read_and_documented():
    from vth_pipeline import environment

    used = {
        node.attr
        for path, tree in _package_modules()
        if path.name != "environment.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "environment"
    }
    constants = {k for k, v in vars(environment).items() if isinstance(v, environment.Variable)}
    assert constants - used == set()  # none declared and never read
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == environment.render_markdown(), "run `vth docs`"


# ---------------------------------------------------------------- the SQL of the toetsen

# Modules of validation that query tables of their own, never over a year parameter: the runner
# (evaluate.py: the code lists, a value set's rows) and the results store (results.py,
# report.py: staat.validatie*). Every query a toets judges is a file of sql/toetsen/.
OWN_QUERIES = {"evaluate.py", "results.py", "report.py"}
SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)


def _string_literals(tree: ast.Module) -> list[str]:
    """Every string literal, an f-string as its literal parts joined; docstrings left out."""
    bare = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    parts = {id(p) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for p in n.values}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            out.append("".join(p.value for p in node.values if isinstance(p, ast.Constant)))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in bare | parts
        ):
            out.append(node.value)
    return out


def test_no_view_of_a_toets_is_written_in_python():
    """A view or value set of a suite is a file of sql/toetsen/, rendered, parsed and versioned
    as a model is; none is a string in validation/, where it would drift from the models. The
    runner and the results store query their own tables, and never a year (`$jaar`), as views
    do."""
    found = {}
    for path in sorted((PACKAGE / "validation").glob("*.py")):
        literals = [
            s for s in _string_literals(ast.parse(path.read_text("utf-8"))) if SELECT.search(s)
        ]
        if path.name in OWN_QUERIES:
            literals = [s for s in literals if "$" in s]
        if literals:
            found[path.name] = literals
    assert found == {}
    # the test sees a view where one was: the f-strings of before
    view = 'sql = f"""\nWITH k AS ({k})\nSELECT partner_code FROM k WHERE jaar = $jaar\n"""'
    assert [s for s in _string_literals(ast.parse(view)) if SELECT.search(s)]


def test_files_that_read_a_shared_build_are_one_unit_of_work_for_xdist():
    """A test file that reads the publication or the audit sample built once per worker is
    listed in `SHARED_BUILDS` (conftest.py), so that xdist runs it on the worker that has the
    build; a listed file reads it."""
    from tests.conftest import SHARED_BUILDS

    # a file reads a shared build through its fixture, or through a fixture of another test
    # file that reads it (test_vergelijking takes test_publication's `pub`)
    seeds = {"publicatie": {("tests.publication_data", "published")}, "audit": set()}
    trees = {
        f"tests.{path.stem}": ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "tests").glob("*.py"))
    }

    def imported(tree: ast.Module) -> dict[str, tuple[str, str]]:
        return {
            alias.asname or alias.name: (node.module, alias.name)
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names
        }

    def fixtures(tree: ast.Module) -> dict[str, set[str]]:
        """Each fixture of a file and every name its signature and body use."""
        return {
            node.name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            | {a.arg for a in node.args.args}
            for node in tree.body
            if isinstance(node, ast.FunctionDef)
            and any("fixture" in ast.unparse(d) for d in node.decorator_list)
        }

    imports = {module: imported(tree) for module, tree in trees.items()}
    defined = {module: fixtures(tree) for module, tree in trees.items()}
    readers: dict[str, set[str]] = {"publicatie": set(), "audit": set()}
    for unit, reading in seeds.items():
        while True:  # until no fixture of a test file adds a reading fixture
            more = {
                (module, name)
                for module, names in defined.items()
                for name, used in names.items()
                if any(imports[module].get(u) in reading for u in used)
            } - reading
            if not more:
                break
            reading |= more
        for module, names in imports.items():
            if module.startswith("tests.test_") and set(names.values()) & reading:
                readers[unit].add(module.removeprefix("tests."))
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        tree = trees[f"tests.{path.stem}"]
        fixtures_used = {
            a.arg
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef)
            for a in node.args.args
        }
        if "audit_year" in fixtures_used:  # the session fixture of tests/audit_support.py
            readers["audit"].add(path.stem)
    assert {unit: set(files) for unit, files in SHARED_BUILDS.items()} == readers


def test_the_longest_units_named_for_xdist_exist():
    """`UNIT_SECONDS` (conftest.py) orders the units longest first; a renamed file would drop
    out of the order unnoticed."""
    from tests.conftest import SHARED_BUILDS, UNIT_OF_FILE, UNIT_SECONDS

    files = {f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py")}
    units = (files - set(UNIT_OF_FILE)) | set(SHARED_BUILDS)
    assert set(UNIT_SECONDS) <= units, set(UNIT_SECONDS) - units
