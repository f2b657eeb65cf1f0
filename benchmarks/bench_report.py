"""Speed of `make report`, against the floor a notebook cannot go below: a kernel that starts and
imports pandas, seaborn and chipledger. Run with `.venv/bin/python benchmarks/bench_report.py`.

Target (issue 14): the whole of `python -m chipledger.report` (every notebook, the HTML pages, the
README's tables) in at most (number of notebooks x floor) on two cores. Also times the notebooks one
at a time (CHIPLEDGER_WORKERS=1) as the baseline the parallel run is compared with. All three are
measured in the same run; `make report` itself rewrites notebooks only when they change, so a run on
unchanged data leaves git clean.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"


def floor_seconds(runs: int = 3) -> float:
    """Median time for a fresh kernel (IPC sockets, as the report uses) to start and import the stack."""
    code = """
import os, tempfile, time
from pathlib import Path
import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas, seaborn, chipledger")])
with tempfile.TemporaryDirectory() as d:
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(d) / "k"))
    started = time.perf_counter()
    NotebookClient(nb, km=km, timeout=120).execute()
    print(time.perf_counter() - started)
    km.shutdown_kernel(now=True)
"""
    times = []
    for _ in range(runs):
        out = subprocess.run([str(PYTHON), "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def report_seconds(workers: int) -> float:
    started = time.perf_counter()
    subprocess.run([str(PYTHON), "-m", "chipledger.report"], cwd=ROOT, check=True, capture_output=True,
                   env={**os.environ, "CHIPLEDGER_WORKERS": str(workers)})
    return time.perf_counter() - started


def main() -> int:
    notebooks = len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    floor = floor_seconds()
    sequential = report_seconds(1)
    parallel = report_seconds(2)
    budget = notebooks * floor
    print(f"bare kernel + imports (floor): {floor:.1f} s; {notebooks} notebooks -> budget {budget:.1f} s")
    print(f"make report, one worker:  {sequential:.1f} s ({sequential / floor:.1f} x floor)")
    print(f"make report, two workers: {parallel:.1f} s ({parallel / floor:.1f} x floor; "
          f"{parallel / sequential:.2f} x one worker) -> {'within' if parallel <= budget else 'OVER'} budget")
    return 0 if parallel <= budget else 1


if __name__ == "__main__":
    sys.exit(main())
