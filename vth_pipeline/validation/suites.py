"""The suites: assembled from the generated and the hand-declared expectations, written to
`expectations/<dataset>.json` (GX Core 1.x `ExpectationSuite` JSON) and read back from there.

The committed files are what runs; `write_suites()` (or `python -m vth_pipeline.validation
suites`) regenerates them, and a test keeps them equal to what the generator produces.
Reading a file and declaring the Dagster checks needs no Great Expectations import.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from vth_pipeline import environment
from vth_pipeline.contract.columns import CONTRACT_VERSION, FILE_KINDS
from vth_pipeline.validation.contract_suites import (
    DOMAIN_VALUES,
    OTHER_VALUES,
    PUBLISHED_CODES,
    published_dataset,
    stg_dataset,
)
from vth_pipeline.validation.gx import parameter_names
from vth_pipeline.validation.handmatig import STAGED_TOETSEN
from vth_pipeline.validation.handmatig_staat import STAAT_TOETSEN
from vth_pipeline.validation.model import Dataset, Toets

STAGED = tuple(f"stg_{k}" for k in FILE_KINDS)
PUBLISHED = tuple(PUBLISHED_CODES)  # declared once, with their code lists
HAND_TOETSEN = STAGED_TOETSEN | STAAT_TOETSEN
DATASETS = STAGED + PUBLISHED


def expectations_dir() -> Path:
    """`expectations/` of the project (or `$VTH_EXPECTATIONS_DIR`)."""
    env = environment.EXPECTATIONS_DIR.get()
    return Path(env) if env else Path(__file__).resolve().parents[2] / "expectations"


@functools.cache
def generated() -> dict[str, Dataset]:
    """Every dataset with its views and expectations, as the declarations say."""
    out: dict[str, Dataset] = {}
    for name in DATASETS:
        ds = (
            stg_dataset(FILE_KINDS[name.removeprefix("stg_")])
            if name in STAGED
            else published_dataset(name)
        )
        if name in HAND_TOETSEN:
            HAND_TOETSEN[name](ds)
        out[name] = ds
    return out


def suite_sql(dataset: str) -> str:
    """The SQL a dataset's suite runs, rendered: its views and the value sets its expectations
    name. The suite file holds neither (they are files of `sql/toetsen/`), so an asset's code
    version takes this beside the suite file; empty for an asset without a suite."""
    ds = generated().get(dataset)
    if ds is None:
        return ""
    value_sets = {f"domein__{k}": v for k, v in DOMAIN_VALUES.items()} | OTHER_VALUES
    named = sorted(parameter_names(ds.verwachtingen) & set(value_sets))
    return "\n".join(
        [*(f"-- view {v.naam}\n{v.sql}" for v in ds.views)]
        + [f"-- value set {n}\n{value_sets[n]}" for n in named]
    )


def suite_dict(ds: Dataset) -> dict[str, Any]:
    """The GX 1.x suite of a dataset as a JSON-ready dictionary."""
    return {
        "name": ds.naam,
        "expectations": ds.verwachtingen,
        "meta": {
            "dataset": ds.naam,
            "tabel": ds.tabel,
            "omschrijving": ds.omschrijving,
            "contractversie": CONTRACT_VERSION,
            "toetsen": {
                t.naam: {"ernst": t.ernst, "omschrijving": t.omschrijving} for t in ds.toetsen
            },
            "views": {v.naam: v.omschrijving for v in ds.views},
        },
        "notes": (
            "Gegenereerd door vth_pipeline.validation (python -m vth_pipeline.validation "
            "suites): uit vth_pipeline.contract (kolommen, regels, publicatie), plus de "
            "handmatige afstemmings- en jaar-op-jaartoetsen van validation/handmatig.py. Niet "
            "met de hand wijzigen. Parameters ($PARAMETER) worden bij het valideren uit DuckDB "
            "gevuld: codelijsten en registers van het verslagjaar, en de jaar-op-jaarfactor."
        ),
    }


def render(suite: dict[str, Any]) -> str:
    return json.dumps(suite, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def generated_files() -> dict[str, str]:
    """File name -> content, as `write_suites` would write them."""
    return {f"{n}.json": render(suite_dict(ds)) for n, ds in generated().items()}


def write_suites(folder: Path | None = None) -> list[Path]:
    """Write every suite to `folder` (default `expectations/`); returns the paths written."""
    folder = Path(folder) if folder else expectations_dir()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generated_files().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@functools.cache
def load_suite(dataset: str) -> dict[str, Any] | None:
    """The committed suite of a dataset; generated in memory when the file is absent (an
    installation without the project tree). None for an asset without a suite."""
    if dataset not in DATASETS:
        return None
    path = expectations_dir() / f"{dataset}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return json.loads(render(suite_dict(generated()[dataset])))


def toetsen(dataset: str) -> list[Toets]:
    suite = load_suite(dataset)
    if suite is None:
        return []
    return [
        Toets(naam, t["ernst"], t["omschrijving"]) for naam, t in suite["meta"]["toetsen"].items()
    ]
