"""Hand-written XLSX workbooks (zip + XML) for the reading-limit tests and the fuzzer.

Written part by part, not with xlsxwriter, so that a test can say what no writer would: a cell
at XFD1048576, a used range beyond the grid, a DTD, a part that lies about its size.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import CONTROLES_HEADER, ROOT

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship '
    f'Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
    '<sheets><sheet name="controles" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship '
    f'Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER_CELLS = [(f"{chr(65 + i)}1", name) for i, name in enumerate(CONTROLES_HEADER.split(","))]


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(cells: list[tuple[str, str]], dimension: str | None = None, extra: str = "") -> str:
    """A worksheet with inline-text cells, grouped into rows by the row number of each ref."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells:
        rows.setdefault(int("".join(ch for ch in ref if ch.isdigit())), []).append(cell(ref, text))
    body = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}'
        f"<sheetData>{body}{extra}</sheetData></worksheet>"
    )


def workbook(path: Path, sheet: str | bytes, parts: dict[str, str | bytes] | None = None) -> Path:
    """A workbook whose one sheet `controles` is `sheet`; `parts` adds or replaces entries
    (a value None drops one)."""
    entries: dict[str, str | bytes | None] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
        **(parts or {}),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            if data is not None:
                z.writestr(name, data)
    return path


_ISOLATED = """
import json, resource, sys
from pathlib import Path
from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.ingest.readers import read_delivery
for arg in sys.argv[1:]:
    kind, path = arg.split("=", 1)
    r = read_delivery(Path(path), FILE_KINDS[kind], 100 * 1024 * 1024)
    print(json.dumps({"path": path, "rejected": r.rejected,
                      "rows": None if r.frame is None else r.frame.height}), flush=True)
print(json.dumps({"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def read_isolated(files: list[tuple[str, Path]], timeout: int = 120) -> tuple[dict, float]:
    """read_delivery of each (kind, path) in a child process, so that a native abort (calamine
    failing to allocate) is a failed assertion, not a dead pytest: ({path: result}, peak RSS MB).
    """
    proc = subprocess.run(
        [sys.executable, "-c", _ISOLATED, *(f"{k}={p}" for k, p in files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, f"reader died ({proc.returncode}): {proc.stderr[-2000:]}"
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return {line["path"]: line for line in lines[:-1]}, lines[-1]["maxrss_mb"]
