"""`vth build` that pauses after writing a year's charts, before drawing its images.

The kill and stop tests need a build that is surely halfway through publishing: the new tables
are in the staging folder, the previous publication not yet replaced. The pause is patched in
here, in the tests, so that the pipeline carries no test hook.

    python -m tests.paused_build SECONDS build --raw-dir ... (the arguments of `vth`)
"""

from __future__ import annotations

import sys
import time

from vth_pipeline import cli
from vth_pipeline.defs import publicatie


def main(seconds: float, argv: list[str]) -> int:
    write_charts = publicatie.write_charts

    def write_then_pause(*args, **kwargs) -> None:
        write_charts(*args, **kwargs)
        time.sleep(seconds)

    publicatie.write_charts = write_then_pause
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]), sys.argv[2:]))
