"""`make report`: re-execute every notebook in place, write its charts to build/figures/ and build the
HTML report in build/report/ (index.html and one page per notebook, self-contained: no script, font
or style is fetched from the network, so it opens offline from disk or any static server).

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

import html
import re

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from nbclient.exceptions import CellExecutionError

from .files import replace_atomically

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



# --- the HTML report -----------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0;
       color: #222; line-height: 1.45; }
nav { background: #232f3e; padding: 0.6em 1.2em; position: sticky; top: 0; z-index: 2; }
nav a { color: #fff; margin-right: 1.1em; text-decoration: none; font-size: 0.92em; }
nav a.current { border-bottom: 2px solid #e47911; }
main { max-width: 1100px; margin: 0 auto; padding: 1em 1.5em 4em; }
img { max-width: 100%; height: auto; }
table.dataframe { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0; display: block; overflow-x: auto; }
table.dataframe th, table.dataframe td { border: 1px solid #ddd; padding: 0.25em 0.5em; vertical-align: top; }
table.dataframe thead th { background: #f3f3f3; }
.input_area pre, .highlight pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.8em; }
.output_stream pre, .output_text pre { white-space: pre-wrap; font-size: 0.85em; }
.anchor-link { visibility: hidden; margin-left: 0.3em; text-decoration: none; }
h1:hover .anchor-link, h2:hover .anchor-link { visibility: visible; }
footer { color: #666; font-size: 0.8em; margin-top: 3em; }
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · chipledger</title>
<link rel="icon" href="data:,">
<style>{css}</style>
</head>
<body>
<nav>{nav}</nav>
<main>
{body}
<footer>chipledger: every number from data/ with its source. Generated from notebooks/{notebook}.</footer>
</main>
</body>
</html>
"""

_URL = re.compile(r'(?<![="\'])(https?://[^\s<>"\']+)')  # a bare URL, not one inside an attribute
_NOTEBOOK = re.compile(r"\b(\d\d_[a-z_]+)\.ipynb(#[A-Za-z0-9-]+)?")


def _title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    first = notebook.cells[0].source.splitlines()[0] if notebook.cells else ""
    return first.lstrip("# ").strip() or fallback


def build_html(paths: list[Path], out: Path) -> list[Path]:
    """Writes one page per notebook and index.html (the overview) into `out`; returns the pages.

    Pages use nbconvert's basic template (no scripts) inside our own page with inline CSS; charts are
    embedded as data URIs; URLs in outputs become links, and notebook names links to their pages.
    """
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    notebooks = {path.stem: nbformat.read(path, as_version=4) for path in paths}
    titles = {stem: _title(nb, stem) for stem, nb in notebooks.items()}
    pages = []
    for stem, notebook in notebooks.items():
        body, _ = exporter.from_notebook_node(notebook)
        body = _URL.sub(r'<a href="\1">\1</a>', body)
        body = body.replace('<img src="data:image/png', '<img alt="chart (see the source note under it)" src="data:image/png')
        body = _NOTEBOOK.sub(lambda m: f'<a href="{m.group(1)}.html{m.group(2) or ""}">{m.group(0)}</a>'
                             if m.group(1) in notebooks else m.group(0), body)
        for name in ([f"{stem}.html", "index.html"] if stem.startswith("00_") else [f"{stem}.html"]):
            nav = "".join(
                f'<a href="{other}.html"{" class=current" if other == stem else ""}>{html.escape(t.split(":")[0])}</a>'
                for other, t in titles.items())
            page = PAGE.format(title=html.escape(titles[stem]), css=CSS, nav=nav, body=body, notebook=f"{stem}.ipynb")
            replace_atomically(out / name, page.encode("utf-8"))
            pages.append(out / name)
    return pages


CLAIMS_START, CLAIMS_END = "<!-- claims table: written by make report -->", "<!-- end of claims table -->"
COPIES_START, COPIES_END = "<!-- copy kinds: written by make report -->", "<!-- end of copy kinds -->"


def claims_markdown() -> str:
    """The overview's claims table as Markdown, for the README."""
    from . import overview

    verdicts = overview.all_verdicts()
    lines = ["| claim | whose | verdict | grade | checked in |", "|---|---|---|---|---|"]
    for row in verdicts.itertuples():
        claim = row.claim.replace("|", "\\|")
        notebook, section = row.link.split("#", 1)
        lines.append(f"| {claim} | {row.whose_claim} | **{row.verdict}** | {row.grade} | "
                     f"[`{notebook}`](notebooks/{notebook}) § {section.replace('-', ' ')} |")
    return "\n".join(lines)


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
