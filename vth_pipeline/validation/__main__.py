"""`python -m vth_pipeline.validation suites | valideer`.

- `suites`: regenerate `expectations/*.json` from the declarations.
- `valideer --warehouse W --jaar J [--html MAP]`: run every suite on a built warehouse for the
  given years, record the results in staat.validatie and print the time per suite.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from vth_pipeline.validation.evaluate import validate_year
from vth_pipeline.validation.gx import gx_import_seconds
from vth_pipeline.validation.report import write_validation_report
from vth_pipeline.validation.suites import write_suites
from vth_pipeline.warehouse import connect


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m vth_pipeline.validation")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("suites", help="schrijf expectations/*.json opnieuw")
    s.add_argument("--map", default=None)
    v = sub.add_parser("valideer", help="voer de suites uit op een gebouwd warehouse")
    v.add_argument("--warehouse", required=True)
    v.add_argument("--jaar", type=int, action="append", required=True)
    v.add_argument("--html", default=None, help="map voor validatie.html per jaar")
    v.add_argument("--factor", type=float, default=None)
    args = p.parse_args(argv)

    if args.command == "suites":
        for path in write_suites(Path(args.map) if args.map else None):
            print(path)
        return 0

    print(f"GX geïmporteerd in {gx_import_seconds():.1f} s")
    failed = False
    with connect(args.warehouse) as conn:
        for year in args.jaar:
            t0 = time.perf_counter()
            results = validate_year(conn, year, factor=args.factor)
            for r in results:
                statuses = [t.status for t in r.toetsen]
                print(
                    f"{year} {r.dataset:<26} {r.seconden:6.2f} s (overdracht "
                    f"{r.seconden_overdracht:.2f}, GX {r.seconden_gx:.2f}) "
                    f"{statuses.count('geslaagd')} geslaagd, "
                    f"{statuses.count('waarschuwing')} waarschuwing, "
                    f"{statuses.count('mislukt')} mislukt"
                )
                for t in r.toetsen:
                    if not t.geslaagd:
                        print(f"    [{t.ernst}] {t.toets}: {t.toelichting[:300]}")
                failed |= bool(r.blokkerend_mislukt)
            print(f"{year}: validatie {time.perf_counter() - t0:.2f} s")
            if args.html:
                print(write_validation_report(conn, year, Path(args.html) / str(year)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
