"""`make report`: re-execute every notebook in place and write its charts to build/figures/.

Each notebook runs in a fresh kernel from notebooks/ with CHIPLEDGER_FIGURES set, so that
`plots.export` writes PNG and SVG files. A notebook is rewritten only when its content changed, and
through a temporary file and an atomic rename (files.replace_atomically), so a failed run never
leaves half a notebook.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .files import replace_atomically

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "build" / "figures"
KERNEL = "python3"
# Charts the README shows: copied to docs/img/ (committed) so the README stays current with the data.
README_FIGURES = ["02_dense_compute"]
README_IMAGES = ROOT / "docs" / "img"


def execute(path: Path, figures_dir: Path = FIGURES, timeout_s: int = 600) -> nbformat.NotebookNode:
    """Runs one notebook top to bottom in a fresh kernel; returns it with its new outputs."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout_s, kernel_name=KERNEL, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env={**os.environ, "CHIPLEDGER_FIGURES": str(figures_dir)})
    # Keep what a re-run reproduces on any machine: no interpreter version, no timings.
    notebook.metadata.pop("widgets", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                       "name": KERNEL}
    notebook.metadata["language_info"] = {"name": "python"}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    return notebook


def main() -> int:
    FIGURES.mkdir(parents=True, exist_ok=True)
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        started = time.perf_counter()
        try:
            notebook = execute(path)
        except CellExecutionError as error:
            print(f"{path.relative_to(ROOT)}: a cell failed; the notebook was left as it was.\n{error}",
                  file=sys.stderr)
            return 1
        changed = replace_atomically(path, (nbformat.writes(notebook) + "\n").encode("utf-8"))
        seconds = time.perf_counter() - started
        print(f"{path.relative_to(ROOT)}: executed in {seconds:.1f} s, {'updated' if changed else 'unchanged'}")
    README_IMAGES.mkdir(parents=True, exist_ok=True)
    for name in README_FIGURES:
        replace_atomically(README_IMAGES / f"{name}.png", (FIGURES / f"{name}.png").read_bytes())
    print(f"figures: {FIGURES.relative_to(ROOT)}/ ({len(list(FIGURES.glob('*.png')))} PNG, "
          f"{len(list(FIGURES.glob('*.svg')))} SVG)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
