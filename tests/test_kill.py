"""Kill -9 at random moments of ingest, concepts --rebuild and an incremental refresh; the rerun repairs the store.

The bounded form of ``benchmarks/kill.py`` (the full run, 20 kills on the bulk corpus, is in the closing
note of the speed issue and in docs/performance.md).
"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import EXAMPLES, ROOT, SCANS, TEST_DATA


def test_six_kills_leave_stores_equal_to_a_clean_build_once_rerun(tmp_path) -> None:  # type: ignore[no-untyped-def]
    corpus = SCANS if SCANS.is_dir() else EXAMPLES
    if corpus is EXAMPLES:
        print(f"the scan corpus is not at {SCANS}; killing ingests of the examples instead")
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "kill.py"), "--corpus", str(corpus),
                             "--extra", str(TEST_DATA / "mini.md"), "--kills", "6", "--seed", "11",
                             "--work", str(tmp_path)], capture_output=True, text=True, timeout=600)
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 of 6 stores equal to a clean build" in result.stdout
