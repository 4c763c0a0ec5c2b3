"""`make test` on a clone without the shared folder (`../shared`) beside it.

The tests that need a file of the shared folder are marked `needs_shared`: skipped with the
reason when it is absent, run when it is present (CI has it, and fails without it). Here the
folder is made invisible with VTH_SHARED_DIR; /work/shared itself is never touched.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import ROOT, needs_shared

# The tests that read a file of the shared folder, found by reading the test sources.
NEEDING_SHARED = [
    "tests/test_audit.py::test_the_partners_checker_passes",
    "tests/test_pipeline.py::test_the_partners_checker_passes_on_the_publication",
]


def test_only_conftest_locates_the_shared_folder():
    """A new test that reads ../shared directly would fail on a clone without it."""
    direct = re.compile(r"""ROOT\.parent|["']\.\./shared|/work/shared|["']shared["']""")
    offenders = [
        p.name
        for p in (ROOT / "tests").glob("*.py")
        if p.name not in ("conftest.py", "test_clone.py")
        and direct.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_mark_skips_only_when_the_file_is_absent(tmp_path, monkeypatch):
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "check_publication.py").write_text("", encoding="utf-8")
    monkeypatch.delenv("VTH_REQUIRE_SHARED", raising=False)
    monkeypatch.setenv("VTH_SHARED_DIR", str(tmp_path))
    assert needs_shared("tools", "check_publication.py").args[0] is False  # present: runs
    monkeypatch.setenv("VTH_SHARED_DIR", str(tmp_path / "elders"))
    mark = needs_shared("tools", "check_publication.py")
    assert mark.args[0] is True
    assert str(tmp_path / "elders" / "tools" / "check_publication.py") in mark.kwargs["reason"]
    monkeypatch.setenv("VTH_REQUIRE_SHARED", "1")  # CI: absent is a failure, not a skip
    assert needs_shared("tools", "check_publication.py").args[0] is False


def test_those_tests_skip_with_the_reason_when_the_shared_folder_is_invisible(tmp_path):
    absent = tmp_path / "geen-shared"
    env = {k: v for k, v in os.environ.items() if k != "VTH_REQUIRE_SHARED"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *NEEDING_SHARED],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "VTH_SHARED_DIR": str(absent), "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    skipped = re.findall(r"^SKIPPED \[(\d+)\] \S+: (.*)$", done.stdout, re.M)
    assert sum(int(n) for n, _ in skipped) >= len(NEEDING_SHARED), done.stdout
    checker = absent / "tools" / "check_publication.py"
    assert all(reason.startswith(f"{checker} ontbreekt") for _, reason in skipped), skipped
    assert " passed" not in done.stdout and " failed" not in done.stdout
