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

# setting -> (environment variable, default, what it is; docs/portaal.md lists this table)
ENV: dict[str, tuple[str, str, str]] = {
    "db": ("VTH_PORTAAL_DB", "", "database URL; empty: SQLite file portaal.sqlite in the folder"),
    "folder": ("VTH_PORTAAL_DIR", "data/portaal", "the portal's files: database, copies, reports"),
    "raw_dir": ("VTH_RAW_DIR", "data/raw", "where accepted files land (the pipeline's raw folder)"),
    "reference_dir": ("VTH_REFERENCE_DIR", "", "partners.csv; empty: the pipeline's reference"),
    "max_mb": ("VTH_PORTAAL_MAX_MB", "50", "largest upload in MB (1 MB = 1,048,576 bytes)"),
    "upload_seconds": ("VTH_PORTAAL_UPLOAD_SECONDS", "300", "time to receive one upload"),
    "check_seconds": ("VTH_PORTAAL_CHECK_SECONDS", "300", "time for the check of one file"),
    "checks": ("VTH_PORTAAL_CHECKS", "2", "checks running at once (each a child process)"),
    "max_findings": ("VTH_PORTAAL_MAX_FINDINGS", "1000", "findings in JSON and page; XLSX has all"),
    "login_max": ("VTH_PORTAAL_LOGIN_MAX", "10", "failed logins per address per window"),
    "login_window_minutes": ("VTH_PORTAAL_LOGIN_WINDOW_MINUTES", "15", "the rate limit's window"),
    "session_hours": ("VTH_PORTAAL_SESSION_HOURS", "8", "a session's lifetime"),
    "insecure": (
        "VTH_PORTAAL_INSECURE",
        "",
        "1: cookies without Secure (plain http)",
    ),
    "proxy_ips": ("VTH_PORTAAL_PROXY_IPS", "127.0.0.1", "proxies whose X-Forwarded-For is trusted"),
    "max_file_bytes": ("VTH_MAX_FILE_BYTES", str(DEFAULT_MAX_FILE_BYTES), "the pipeline's bound"),
}


@dataclass(frozen=True)
class Settings:
    db: str = ""
    folder: Path = Path("data/portaal")
    raw_dir: Path = Path("data/raw")
    reference_dir: Path | None = None
    max_mb: int = 50
    upload_seconds: float = 300.0
    check_seconds: float = 300.0
    checks: int = 2
    max_findings: int = 1000
    login_max: int = 10
    login_window_minutes: float = 15.0
    session_hours: float = 8.0
    insecure: bool = False
    proxy_ips: str = "127.0.0.1"
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES

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
        return Path(text) if text else None
    return type(default)(text) if isinstance(default, int | float) else text


def from_env(environ: dict[str, str] | None = None, **overrides) -> Settings:
    """Settings from the environment (empty values take the default), then explicit values."""
    env = os.environ if environ is None else environ
    values = {}
    for name, (variable, default, _) in ENV.items():
        value = _value(name, env.get(variable) or default)
        if value is not None:
            values[name] = value
    return Settings(**(values | overrides))
