"""Render what researchers and annotators open, as PNG images to look at before a release.

* ``report.html`` from ``evaluate --test`` with headless Chromium (Debian package ``chromium``);
* the review workbook from ``prelabel`` with LibreOffice (``libreoffice --headless --convert-to pdf``,
  Debian package ``libreoffice-calc-nogui``) and ``pdftoppm`` (``poppler-utils``), one PNG per page.

This is a maintainer script, not part of ``make test``: it needs those programs, and the images have to be
looked at by a person (column widths, wrapped rows, where the drop-down column is). Run from the project
root::

    .venv/bin/python scripts/screenshot_check.py            # writes screenshots/*.png (gitignored)

It exits 2 with a one-line message when a program is missing, and prints every image it wrote.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [
    ROOT / "examples" / "leerverslag_economie.docx",
    ROOT / "examples" / "leerverslagen_team_zorg.xlsx",
    ROOT / "examples" / "leerverslagen_team_techniek.csv",
]
TEST_FILE = ROOT / "data" / "test_out_of_brief.csv"


def _program(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit(f"screenshot_check: {' or '.join(names)} not found; install it (see the module docstring)")


def _run(cmd: list[str], timeout: int = 300) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise SystemExit(f"screenshot_check: {Path(cmd[0]).name} failed ({done.returncode}): {last[0]}")


def _cli(*args: str) -> None:
    _run([sys.executable, "-m", "activity_classifier.cli", *args])


def _print_copy(xlsx: Path, out: Path, area: str | None) -> Path:
    """Return a copy of the workbook printed landscape on A3, one page wide (``area``: only these cells)."""
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A3
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        if area and ws.title == "Review":
            ws.print_area = area
    wb.save(out)
    return out


def render_report(work: Path, images: Path) -> list[Path]:
    """Write ``report.html`` with ``evaluate --test`` and screenshot it with headless Chromium."""
    chromium = _program("chromium", "chromium-browser", "google-chrome")
    report = work / "report"
    _cli("evaluate", "--test", str(TEST_FILE), "--report", str(report), "--bootstrap", "200")
    png = images / "report_html.png"
    _run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1280,4000",
            f"--screenshot={png}",
            (report / "report.html").as_uri(),
        ]
    )
    return [png]


def render_review(work: Path, images: Path) -> list[Path]:
    """Write the review workbook with ``prelabel`` and render every sheet with LibreOffice and pdftoppm."""
    office = _program("libreoffice", "soffice")
    pdftoppm = _program("pdftoppm")
    review = work / "review.xlsx"
    _cli("prelabel", *map(str, EXAMPLES), "-o", str(review))
    # The annotator's part of the sheet (the first columns: order, text, label_reviewed, the prediction)
    # legible, and every column fitted to the page width, to see whole rows.
    written = []
    renderings = (("review_first_columns", "A1:I25", 100), ("review_all_columns", None, 80))
    for name, area, dpi in renderings:
        path = _print_copy(review, work / f"{name}.xlsx", area)
        pdf_dir = work / name
        profile = f"-env:UserInstallation={(work / 'lo').as_uri()}"
        _run([office, "--headless", profile, "--convert-to", "pdf", "--outdir", str(pdf_dir), str(path)])
        (pdf,) = pdf_dir.glob("*.pdf")
        _run([pdftoppm, "-png", "-r", str(dpi), "-l", "4", str(pdf), str(images / name)])
        written += sorted(images.glob(f"{name}-*.png"))
    return written


def main(argv: list[str] | None = None) -> int:
    """Render report.html and review.xlsx to PNG files; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "screenshots"), help="folder for the PNGs (gitignored)")
    parser.add_argument("--only", choices=["report", "review"], help="render one of the two")
    args = parser.parse_args(argv)
    images = Path(args.output)
    images.mkdir(parents=True, exist_ok=True)
    for old in images.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="screenshot_check.") as tmp:
        work = Path(tmp)
        written = []
        if args.only in (None, "report"):
            written += render_report(work, images)
        if args.only in (None, "review"):
            written += render_review(work, images)
    for png in written:
        print(png)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            sys.exit(2)
        raise
