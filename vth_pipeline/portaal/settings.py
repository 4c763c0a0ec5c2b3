"""Every setting of the portal, read from the environment in one place (VTH_PORTAAL_*).

The raw folder and the pipeline's file-size bound are the pipeline's own settings
(`VTH_RAW_DIR`, `VTH_MAX_FILE_BYTES`), so an accepted file lands where the sensor looks and is
judged within the same bound as in a build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vth_pipeline.paths import DEFAULT_MAX_FILE_BYTES, reference_dir

# A setting's variable is VTH_PORTAAL_<NAME>, except these: the portal's folder, and the
# pipeline's own settings, which the portal shares with the pipeline (docs/portaal.md lists all).
VARIABLES = {
    "folder": "VTH_PORTAAL_DIR",
    "raw_dir": "VTH_RAW_DIR",
    "reference_dir": "VTH_REFERENCE_DIR",
    "max_file_bytes": "VTH_MAX_FILE_BYTES",
}


def variable(name: str) -> str:
    return VARIABLES.get(name) or f"VTH_PORTAAL_{name.upper()}"


@dataclass(frozen=True)
class Settings:
    db: str = ""  # database URL; empty: SQLite portaal.sqlite in the folder
    folder: Path = Path("data/portaal")  # database, received files, reports, locks, tmp
    raw_dir: Path = Path("data/raw")  # where accepted files land (the pipeline's raw folder)
    reference_dir: Path | None = None  # partners.csv; None: the pipeline's reference folder
    max_mb: int = 50  # largest upload (1 MB = 1,048,576 bytes)
    upload_seconds: float = 300.0  # time to receive one upload's body
    check_seconds: float = 300.0  # time for the check of one file
    checks: int = 2  # checks at once (worker processes)
    max_findings: int = 1000  # findings in the JSON and the page; the XLSX has all
    login_max: int = 10  # failed logins (page or API) per address per window
    login_window_minutes: float = 15.0
    session_hours: float = 8.0
    insecure: bool = False  # 1: cookies without Secure (plain http on a host not localhost)
    proxy_ips: str = "127.0.0.1"  # proxies whose X-Forwarded-For/-Proto uvicorn trusts
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES  # the pipeline's bound on one file

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024

    @property
    def database_url(self) -> str:
        return self.db or f"sqlite:///{(self.folder / 'portaal.sqlite').resolve()}"

    @property
    def tmp(self) -> Path:
        """Uploads being received and files about to land: on the raw folder's volume, so a
        rename moves a finished file into place at once."""
        return self.folder / "tmp"

    @property
    def copies(self) -> Path:
        """Every received file by its sha256, accepted or not: what a partner sent stays
        traceable after a later upload replaced it in the raw folder."""
        return self.folder / "bestanden"

    @property
    def reports(self) -> Path:
        return self.folder / "rapporten"

    @property
    def locks(self) -> Path:
        return self.folder / "locks"

    @property
    def partners_csv(self) -> Path:
        return (self.reference_dir or reference_dir()) / "partners.csv"

    @property
    def cookie_secure(self) -> bool:
        return not self.insecure


def _value(name: str, text: str):
    """The environment's text as the field's type (the dataclass default tells the type)."""
    default = Settings.__dataclass_fields__[name].default
    if isinstance(default, bool):
        return text.strip().lower() in ("1", "ja", "true", "aan")
    if name in ("folder", "raw_dir", "reference_dir"):
        return Path(text)
    return type(default)(text) if isinstance(default, int | float) else text


def from_env(environ: dict[str, str] | None = None, **overrides) -> Settings:
    """Settings from the environment (unset or empty: the default), then explicit values."""
    env = os.environ if environ is None else environ
    values = {}
    for name in Settings.__dataclass_fields__:
        text = env.get(variable(name))
        if text:
            values[name] = _value(name, text)
    return Settings(**(values | overrides))
