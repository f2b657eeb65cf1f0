"""Speed of the foundation, measured (not asserted): run with `.venv/bin/python benchmarks/bench_foundation.py`.

Targets (issue 2): `chipledger validate` on the whole ledger < 2 s; executing 02_chips.ipynb < 10 s;
`make test` in a warm .venv < 60 s (pass --make-test to time it too; it takes a while).
Prints the median of several runs and the peak resident memory of the measured child processes.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall time in seconds over `runs` runs, and the children's peak RSS in MB so far."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return statistics.median(times), peak_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--make-test", action="store_true", help="also time `make test` (warm .venv)")
    args = parser.parse_args()

    seconds, peak = timed([str(BIN / "chipledger"), "validate"], args.runs)
    print(f"chipledger validate: median {seconds:.2f} s over {args.runs} runs (target < 2 s); "
          f"peak RSS {peak:.0f} MB")

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "02_chips.ipynb"
        shutil.copy(ROOT / "notebooks" / "02_chips.ipynb", copy)
        code = ("import sys; from pathlib import Path; from chipledger import report; "
                "report.execute(Path(sys.argv[1]), Path(sys.argv[2]))")
        seconds, peak = timed([str(BIN / "python"), "-c", code, str(copy), scratch], max(1, args.runs // 2))
    print(f"execute 02_chips.ipynb (fresh kernel, incl. start-up): median {seconds:.2f} s "
          f"(target < 10 s); peak RSS {peak:.0f} MB")

    if args.make_test:
        seconds, peak = timed(["make", "test"], 1)
        print(f"make test (warm .venv): {seconds:.1f} s (target < 60 s); peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
