"""Deterministic generator of realistic sample deliveries (``data/raw`` layout).

``generate_sample`` writes ``out/<jaar>/<partner_code>/<soort>[_<YYYY-MM-DD>].<csv|xlsx>`` as
the delivery contract (``aanlevering.md``) describes, with format variations per partner, a
few supersession cases, some missing deliveries, deliberate bad rows and bad files, and returns
a :class:`SampleManifest` that says where everything is.

Everything is drawn from ``numpy.random.default_rng`` streams keyed by (seed, purpose, year,
partner), so the data of a year do not depend on which other years are generated (only where
the deliberate scenarios land does: a scenario whose preferred year is not generated moves to
the nearest generated year), and the same arguments give byte-identical files. XLSX files get
fixed document properties, so no timestamp of the run lands in them.

Bulk columns (controles, Seveso inspections) are built with numpy/polars; Python loops run over
partners, files and the few planted defects only. Layout: ``context`` (seeds, sizes, the
writer), ``scenarios`` (what goes wrong where), ``deliveries/<kind>`` (the files of one kind),
``controles``/``seveso``/``aggregates`` (the tables), ``formats``/``render`` (how files look).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .context import FIRST_YEAR, S_REGISTER, Ctx, assign_profiles
from .deliveries.controles import make_pools, write_controles
from .deliveries.extra import write_early_year, write_notities, write_unknown_partner
from .deliveries.kengetallen import write_od_kengetallen, write_provincie_kengetallen
from .deliveries.seveso_inrichtingen import write_registers
from .deliveries.seveso_inspecties import write_inspecties
from .deliveries.uitkomsten import write_od_uitkomsten, write_provincie_uitkomsten
from .geo import Geo
from .manifest import SampleManifest
from .reference import load_reference
from .scenarios import make_plans
from .seveso import build_register
from .year import Year


def generate_sample(
    out: Path,
    years: Sequence[int] = (2021, 2022, 2023, 2024),
    scale: float = 0.05,
    seed: int = 2024,
    reference_dir: Path | None = None,
) -> SampleManifest:
    """Write a deterministic sample of partners' deliveries under ``out``; see module doc."""
    years_t = _check_arguments(years, scale, seed)
    ref = load_reference(reference_dir)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ctx = Ctx(ref, Geo(ref), out, int(seed), float(scale), years_t)
    ctx.profiles = assign_profiles(ref)
    plans = make_plans(ctx)
    register = build_register(ref, ctx.rng(S_REGISTER))
    pools = make_pools(ctx)
    for jaar in years_t:
        _write_year(Year.build(ctx, plans[jaar], register, pools))
    write_early_year(ctx, pools)
    return SampleManifest(
        out=str(out),
        years=years_t,
        scale=ctx.scale,
        seed=ctx.seed,
        files=sorted(ctx.files, key=lambda f: f.path),
        defects=sorted(ctx.defects, key=lambda d: (d.path, d.row or 0, d.column or "", d.klasse)),
        missing=sorted(ctx.missing, key=lambda m: (m.jaar, m.partner_code, m.soort)),
    )


def _check_arguments(years: Sequence[int], scale: float, seed: int) -> tuple[int, ...]:
    years_t = tuple(sorted({int(y) for y in years}))
    if not years_t:
        raise ValueError("no years to generate")
    if years_t[0] < FIRST_YEAR:
        raise ValueError(f"reporting years start in {FIRST_YEAR}: {years_t}")
    if not scale > 0:
        raise ValueError(f"scale must be positive: {scale}")
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    return years_t


def _write_year(year: Year) -> None:
    """Every delivery of one reporting year, kind by kind."""
    stats = write_controles(year)
    write_od_kengetallen(year, stats)
    write_od_uitkomsten(year)
    write_provincie_kengetallen(year)
    write_registers(year)
    write_provincie_uitkomsten(year)
    write_inspecties(year)
    if year.plan.has("onbekende_partner"):
        write_unknown_partner(year)
    if year.plan.has("onbekende_soort"):
        write_notities(year)
