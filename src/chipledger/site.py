"""The HTML report's pages (build/report/): one page per notebook, index.html (the overview), a page
of every source and how it was read, and a page on how verdicts are decided.

Everything is offline: nbconvert's basic template (no scripts) inside our own page with inline CSS,
charts embedded as data URIs. Code cells are folded in <details> elements (open with a click, no
script needed); a cell tagged `fold` has its output folded too. Verdicts and grades in tables become
coloured labels; bare URLs become links; notebook names link to their pages.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from .files import replace_atomically

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0;
       color: #222; line-height: 1.45; }
nav { background: #232f3e; padding: 0.6em 1.2em; position: sticky; top: 0; z-index: 2; }
nav a { color: #fff; margin-right: 1.1em; text-decoration: none; font-size: 0.92em; }
nav a.current { border-bottom: 2px solid #e47911; }
main { max-width: 1100px; margin: 0 auto; padding: 1em 1.5em 4em; }
img { max-width: 100%; height: auto; }
table.dataframe, table.sources { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0; display: block;
       overflow-x: auto; }
table.dataframe th, table.dataframe td, table.sources th, table.sources td { border: 1px solid #ddd;
       padding: 0.25em 0.5em; vertical-align: top; }
table.dataframe thead th, table.sources thead th { background: #f3f3f3; }
details.code > summary, details.output > summary { cursor: pointer; color: #555; font-size: 0.8em; margin: 0.3em 0; }
.input_area pre, .highlight pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.8em; }
.output_stream pre { white-space: pre-wrap; font-family: inherit; font-size: 0.95em; line-height: 1.5;
       background: #f6f8fa; border-left: 3px solid #e47911; padding: 0.5em 0.8em; }
.output_text pre { white-space: pre-wrap; font-size: 0.85em; }
table.dataframe td { max-width: 30em; overflow-wrap: anywhere; }
table.sources td { max-width: 24em; overflow-wrap: anywhere; }
.anchor-link { visibility: hidden; margin-left: 0.3em; text-decoration: none; }
h1:hover .anchor-link, h2:hover .anchor-link { visibility: visible; }
.verdict, .grade { display: inline-block; border-radius: 0.8em; padding: 0.05em 0.6em; font-weight: 600;
       white-space: nowrap; }
.verdict.supported { background: #d9f0d3; color: #1b5e20; }
.verdict.partly { background: #fff1c2; color: #6d4c00; }
.verdict.contradicted { background: #f9d3d0; color: #8e1b12; }
.verdict.unverifiable { background: #e3e6ea; color: #37414d; }
.grade { background: #fff; border: 1px solid #bbb; color: #444; font-weight: 400; }
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
<footer>chipledger: every number from data/ with its source. {origin}</footer>
</main>
</body>
</html>
"""

_URL = re.compile(r'(?<![="\'>])(https?://[^\s<>"\']+)')  # a bare URL, not one inside an attribute or a link
_NOTEBOOK = re.compile(r"\b(\d\d_[a-z_]+)\.ipynb(#[A-Za-z0-9-]+)?")
_CODE = re.compile(r'<div class="input_area">\s*(<div class="highlight hl-python"><pre>.*?</pre>\s*</div>)\s*</div>',
                   re.DOTALL)
VERDICT_CLASSES = {"supported": "supported", "partly supported": "partly", "contradicted": "contradicted",
                   "not verifiable with public numbers": "unverifiable"}
_VERDICT_CELL = re.compile(r"<td>(" + "|".join(re.escape(v) for v in VERDICT_CLASSES) + r")</td>")
GRADES = ("audited filing", "company statement", "vendor specification", "press report", "analyst estimate",
          "peak-spec ceiling", "model")
_GRADE_CELL = re.compile(r"<td>(" + "|".join(re.escape(g) for g in GRADES) + r")</td>")
EXTRA_PAGES = {"sources": "Sources", "verdicts": "How verdicts are decided"}


def _title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    first = notebook.cells[0].source.splitlines()[0] if notebook.cells else ""
    return first.lstrip("# ").strip() or fallback


def _fold_tagged_outputs(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the notebook in which each output of a cell tagged `fold` sits in a <details>."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if cell.cell_type != "code" or "fold" not in cell.metadata.get("tags", []):
            continue
        for output in cell.outputs:
            data = output.get("data", {})
            if "text/html" in data:
                data["text/html"] = ('<details class="output"><summary>show the full table</summary>'
                                     + "".join(data["text/html"]) + "</details>")
    return notebook


def labels(body: str) -> str:
    """Verdicts and grades in table cells as coloured labels."""
    body = _VERDICT_CELL.sub(lambda m: f'<td><span class="verdict {VERDICT_CLASSES[m.group(1)]}">{m.group(1)}</span></td>',
                             body)
    return _GRADE_CELL.sub(lambda m: f'<td><span class="grade">{m.group(1)}</span></td>', body)


def _page(out: Path, name: str, title: str, body: str, nav: str, origin: str) -> Path:
    page = PAGE.format(title=html.escape(title), css=CSS, nav=nav, body=body, origin=origin)
    replace_atomically(out / name, page.encode("utf-8"))
    return out / name


def _nav(titles: dict[str, str], current: str) -> str:
    return "".join(f'<a href="{stem}.html"{" class=current" if stem == current else ""}>{html.escape(t.split(":")[0])}</a>'
                   for stem, t in titles.items())


def build_html(paths: list[Path], out: Path) -> list[Path]:
    """Writes one page per notebook, index.html (the overview), sources.html and verdicts.html into
    `out`; returns the pages written."""
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    notebooks = {path.stem: nbformat.read(path, as_version=4) for path in paths}
    titles = {stem: _title(nb, stem) for stem, nb in notebooks.items()} | EXTRA_PAGES
    pages = []
    for stem, notebook in notebooks.items():
        body, _ = exporter.from_notebook_node(_fold_tagged_outputs(notebook))
        body = _CODE.sub(r'<details class="code"><summary>code</summary>\1</details>', body)
        body = _URL.sub(r'<a href="\1">\1</a>', body)
        body = body.replace('<img src="data:image/png', '<img alt="chart (see the source note under it)" src="data:image/png')
        body = _NOTEBOOK.sub(lambda m: f'<a href="{m.group(1)}.html{m.group(2) or ""}">{m.group(0)}</a>'
                             if m.group(1) in notebooks else m.group(0), body)
        body = labels(body)
        for name in ([f"{stem}.html", "index.html"] if stem.startswith("00_") else [f"{stem}.html"]):
            pages.append(_page(out, name, titles[stem], body, _nav(titles, stem),
                               f"Generated from notebooks/{stem}.ipynb."))
    pages.append(_page(out, "sources.html", EXTRA_PAGES["sources"], sources_body(), _nav(titles, "sources"),
                       "Generated from data/sources.csv."))
    pages.append(_page(out, "verdicts.html", EXTRA_PAGES["verdicts"], verdicts_body(), _nav(titles, "verdicts"),
                       "Generated from the README's section of the same name."))
    return pages


def _link(text: str) -> str:
    """A URL as a link; an owner/repository:path[@commit] copy as a link to it on GitHub; anything
    else as text."""
    if not text:
        return ""
    if text.startswith(("http://", "https://")):
        return f'<a href="{html.escape(text)}">{html.escape(text)}</a>'
    match = re.fullmatch(r"([\w.-]+/[\w.-]+):([^@]+)(?:@([0-9a-f]{40}))?", text)
    if match:
        repo, path, commit = match.groups()
        url = f"https://github.com/{repo}/blob/{commit or 'HEAD'}/{path}"
        return f'<a href="{html.escape(url)}">{html.escape(text)}</a>'
    return html.escape(text)


def sources_body() -> str:
    """Every document of data/sources.csv: what it is, where the original is, how we read it."""
    import pandas as pd

    from . import data

    sources = data.load("sources")

    def text(value) -> str:
        return "" if value is None or pd.isna(value) else str(value)

    rows = []
    for row in sources.itertuples():
        published = "" if pd.isna(row.published) else f"{row.published:%Y-%m-%d}"
        rows.append(
            f'<tr id="{html.escape(row.source_id)}"><td><code>{html.escape(row.source_id)}</code></td>'
            f"<td>{html.escape(text(row.title))}<br><small>{html.escape(text(row.publisher))}</small></td>"
            f"<td>{_link(text(row.url))}</td><td>{published}</td><td>{row.accessed:%Y-%m-%d}</td>"
            f"<td>{html.escape(text(row.kind).replace('_', ' '))}</td><td>{html.escape(text(row.copy_kind) or 'original')}</td>"
            f"<td>{_link(text(row.read_via))}</td><td>{html.escape(text(row.notes))}</td></tr>")
    head = ("<tr><th>source</th><th>document</th><th>original</th><th>published</th><th>read on</th><th>kind</th>"
            "<th>copy read</th><th>read via</th><th>notes</th></tr>")
    return (f"<h1>Sources</h1><p>Every document the ledger cites ({len(sources)}), with the address of the "
            "original, when we read it, and how: the original itself, a mirror (a faithful copy), a transcription, "
            "a compilation or a summary, and where that copy was read. Charts mark a figure resting only on a "
            "compilation or a summary with a dagger (†).</p>"
            f'<table class="sources"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>')


def verdicts_body(readme: Path | None = None) -> str:
    """The README's section "How verdicts are decided", as HTML."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    readme = readme or Path(__file__).resolve().parents[2] / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.index("## How verdicts are decided")
    end = text.index("\n## ", start + 1)
    return markdown2html_mistune(text[start:end].replace("## ", "# ", 1))
