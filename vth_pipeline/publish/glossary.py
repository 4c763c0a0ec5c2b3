"""The definitions annex of the report: one group per table of rekenregels.md, in its order.

Labels and definitions are those declared in `contract.publication`; this only groups them
the way a reader meets them.
"""

from __future__ import annotations

from vth_pipeline.contract.publication import (
    CONTROLE_FIGURES,
    KENGETAL_FIGURES,
    PROVINCIE_KENGETALLEN,
    SEVESO_FIGURES,
    definition,
    label,
)


def _items(figures: list[str], handhaving: dict[str, str] | None = None) -> list[dict]:
    return [
        {
            "figuur": f,
            "label": label(f, handhaving),
            "definitie": definition(f, handhaving),
        }
        for f in figures
    ]


def definition_groups(handhaving: dict[str, str]) -> list[dict]:
    seveso = [*SEVESO_FIGURES, *(f"handhaving_{c}" for c in handhaving)]
    return [
        {
            "titel": "Output van de omgevingsdiensten",
            "items": _items([*CONTROLE_FIGURES, *KENGETAL_FIGURES]),
        },
        {"titel": "Provincies", "items": _items(list(PROVINCIE_KENGETALLEN))},
        {"titel": "Geïntegreerd Seveso-toezicht", "items": _items(seveso, handhaving)},
    ]
