"""Delivery files and a portal for the portal's tests: a hand-checked controles file, its XLSX
twin, and a Starlette app with fresh folders and accounts."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from starlette.testclient import TestClient

from tests.conftest import CONTROLES_HEADER
from vth_pipeline.portaal import auth
from vth_pipeline.portaal.app import create_app
from vth_pipeline.portaal.settings import Settings

ROW = "C1,GM0518,I1,2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,1.5"
# Three rows; C2 (line 3 of the file) lies in 2022, outside the folder's year 2023: by the spec
# ("a row whose date lies outside the reporting year of its folder is quarantined") 3 read,
# 2 accepted, 1 quarantined, on row 3, column datum.
THREE_ROWS = (
    "\n".join(
        [
            CONTROLES_HEADER,
            ROW,
            ROW.replace("C1", "C2").replace("2023-03-05", "2022-03-05"),
            ROW.replace("C1", "C3").replace("I1", "I2"),
        ]
    )
    + "\n"
)
HEADER_ONLY = CONTROLES_HEADER + "\n"


def xlsx_of(csv_text: str, path: Path) -> bytes:
    """The same rows as a workbook with one sheet `controles`, every cell text."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("controles")
    for r, line in enumerate(csv_text.strip().split("\n")):
        for c, value in enumerate(line.split(",")):
            if value:
                sheet.write_string(r, c, value)
    book.close()
    return path.read_bytes()


@dataclass
class Portal:
    client: TestClient
    settings: Settings
    tokens: dict[str, str]
    app: object

    def bearer(self, code: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[code]}"}

    def upload(self, code: str, content: bytes, name="levering.csv", jaar="2023", soort=None):
        return self.client.post(
            "/api/leveringen",
            headers=self.bearer(code),
            data={"jaar": jaar, "soort": soort or "controles"},
            files={"bestand": (name, content, "application/octet-stream")},
        )


@contextmanager
def portal(folder: Path, accounts: dict[str, bool], client=("testclient", 50000), **settings):
    """A portal on fresh folders with an account per code (True: beheer), over https (so the
    Secure cookies travel as in production)."""
    values = {"folder": folder / "portaal", "raw_dir": folder / "raw", "checks": 2} | settings
    app = create_app(Settings(**values))
    with TestClient(app, base_url="https://testserver", client=client) as c:
        tokens = {}
        with app.state.db.session() as s:
            for code, beheer in accounts.items():
                tokens[code] = auth.create_or_rotate(s, code, beheer)[0]
        yield Portal(c, app.state.settings, tokens, app)
