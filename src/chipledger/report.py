"""`make report`: re-execute every notebook in place, write its charts to build/figures/ and build the
HTML report in build/report/ (index.html and one page per notebook, self-contained: no script, font
or style is fetched from the network, so it opens offline from disk or any static server).

Each notebook runs in a fresh kernel from notebooks/ with CHIPLEDGER_FIGURES set, so that
`plots.export` writes PNG and SVG files; $CHIPLEDGER_WORKERS notebooks (default: 2, at most the number
of cores) run at once, each in its own process. Kernels talk over local IPC sockets in a temporary
folder where the system has them (no TCP port, so no "running over TCP without encryption" warning).
A notebook is rewritten only when its content changed, and through a temporary file and an atomic
rename (files.replace_atomically), so a failed run never leaves half a notebook; if any notebook
fails, none is rewritten.

The report's pages put each code cell in a folded <details> element (no script needed), show verdicts
as coloured labels with their grade, and add two pages of their own: every source and how it was read
(sources.html), and how verdicts are decided (verdicts.html, from the README's section).
"""

from __future__ import annotations

import html
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .files import replace_atomically
from .site import build_html  # noqa: F401 (the report's pages; tests build them alone)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "build" / "figures"
HTML = ROOT / "build" / "report"
KERNEL = "python3"
# Charts the README shows: copied to docs/img/ (committed) so the README stays current with the data.
README_FIGURES = ["02_dense_compute", "00_usd_per_bf16_pflop_hour"]
README_IMAGES = ROOT / "docs" / "img"


def execute(path: Path, figures_dir: Path = FIGURES, timeout_s: int = 600) -> nbformat.NotebookNode:
    """Runs one notebook top to bottom in a fresh kernel; returns it with its new outputs."""
    from jupyter_client.manager import KernelManager

    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="chipledger-kernel-") as sockets:
        km = (KernelManager(kernel_name=KERNEL, transport="ipc", ip=str(Path(sockets) / "kernel"))
              if os.name == "posix" else KernelManager(kernel_name=KERNEL))
        client = NotebookClient(notebook, km=km, timeout=timeout_s, kernel_name=KERNEL, record_timing=False,
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute(env={**os.environ, "CHIPLEDGER_FIGURES": str(figures_dir)})
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
    # Keep what a re-run reproduces on any machine: no interpreter version, no timings.
    notebook.metadata.pop("widgets", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                       "name": KERNEL}
    notebook.metadata["language_info"] = {"name": "python"}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    return notebook


def _run(path: Path) -> tuple[str | None, str, float]:
    """(the executed notebook as text, or None; the error; seconds): one worker's job."""
    started = time.perf_counter()
    try:
        return nbformat.writes(execute(path)) + "\n", "", time.perf_counter() - started
    except CellExecutionError as error:
        return None, str(error), time.perf_counter() - started


def workers() -> int:
    """How many notebooks run at once: $CHIPLEDGER_WORKERS, else 2, never more than the cores."""
    wanted = os.environ.get("CHIPLEDGER_WORKERS", "2")
    if not wanted.isdigit() or int(wanted) < 1:
        raise SystemExit(f"CHIPLEDGER_WORKERS: value {wanted!r} is not a whole number of at least 1")
    return max(1, min(int(wanted), os.cpu_count() or 1))


def execute_all(paths: list[Path]) -> int:
    """Runs the notebooks in parallel; rewrites them only if every one ran. Returns an exit code."""
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=min(workers(), len(paths))) as pool:
        results = list(pool.map(_run, paths))
    failed = [(path, error) for path, (text, error, _) in zip(paths, results) if text is None]
    for path, error in failed:
        print(f"{path.relative_to(ROOT)}: a cell failed; no notebook was rewritten.\n{error}", file=sys.stderr)
    if failed:
        return 1
    for path, (text, _, seconds) in zip(paths, results):
        changed = replace_atomically(path, text.encode("utf-8"))
        print(f"{path.relative_to(ROOT)}: executed in {seconds:.1f} s, {'updated' if changed else 'unchanged'}")
    print(f"notebooks: {len(paths)} in {time.perf_counter() - started:.1f} s with {min(workers(), len(paths))} workers")
    return 0


def main() -> int:
    FIGURES.mkdir(parents=True, exist_ok=True)
    code = execute_all(sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))
    if code:
        return code
    pages = build_html(sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), HTML)
    print(f"report: {HTML.relative_to(ROOT)}/ ({len(pages)} pages; open index.html)")
    if update_readme_claims(ROOT / "README.md"):
        print("README.md: claims table and copy kinds updated")
    README_IMAGES.mkdir(parents=True, exist_ok=True)
    for name in README_FIGURES:
        replace_atomically(README_IMAGES / f"{name}.png", (FIGURES / f"{name}.png").read_bytes())
    print(f"figures: {FIGURES.relative_to(ROOT)}/ ({len(list(FIGURES.glob('*.png')))} PNG, "
          f"{len(list(FIGURES.glob('*.svg')))} SVG)")
    return 0



CLAIMS_START, CLAIMS_END = "<!-- claims table: written by make report -->", "<!-- end of claims table -->"
COPIES_START, COPIES_END = "<!-- copy kinds: written by make report -->", "<!-- end of copy kinds -->"


def claims_markdown() -> str:
    """The overview's claims table as Markdown, for the README."""
    from . import overview

    verdicts = overview.all_verdicts()
    lines = ["| claim | whose | verdict | grade | checked in |", "|---|---|---|---|---|"]
    for row in verdicts.itertuples():
        notebook, section = row.link.split("#", 1)
        lines.append(f"| {markdown_cell(row.claim)} | {markdown_cell(row.whose_claim)} | **{row.verdict}** | {row.grade} | "
                     f"[`{notebook}`](notebooks/{notebook}) § {markdown_cell(section.replace('-', ' '))} |")
    return "\n".join(lines)


def markdown_cell(text: object) -> str:
    """Text from the ledger as one Markdown table cell: HTML escaped, pipes escaped, on one line."""
    return html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|")


def copy_kinds_markdown() -> str:
    """How the preferred chip figures were read, as a one-row Markdown table, for the README."""
    from . import data

    counts = data.preferred_by_copy_kind()
    return ("| " + " | ".join(counts.index) + " |\n|" + "---|" * len(counts) + "\n| "
            + " | ".join(str(int(n)) for n in counts) + " |")


def update_readme_claims(readme: Path) -> bool:
    """Rewrites the README's generated blocks (claims table, copy kinds) between their markers; True if
    the text changed."""
    text = readme.read_text(encoding="utf-8")
    for start, end, body in ((CLAIMS_START, CLAIMS_END, claims_markdown), (COPIES_START, COPIES_END, copy_kinds_markdown)):
        if start not in text or end not in text:
            continue
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{body()}\n{end}{tail}"
    return replace_atomically(readme, text.encode("utf-8"))


if __name__ == "__main__":
    sys.exit(main())
