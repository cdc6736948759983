"""`disclosures show`: the provenance chain of a value, and its box drawn on the page."""

from __future__ import annotations

import pytest


def red_box(png) -> tuple[float, float, float, float, int]:
    """Pixel bounds of the drawn box (the renderer's pure red, which the page does not
    use) and the image width."""
    np = pytest.importorskip("numpy")
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    red = (pixels[:, :, 0] > 200) & (pixels[:, :, 1] < 40) & (pixels[:, :, 2] < 40)
    ys, xs = np.nonzero(red)
    assert len(xs), "no box drawn"
    return xs.min(), ys.min(), xs.max(), ys.max(), pixels.shape[1]


def text_in_box(pdf_path, page_number: int, png) -> str:
    """The PDF page's text inside the box drawn on the PNG, the box mapped back to points."""
    import pdfplumber

    x0, top, x1, bottom, width = red_box(png)
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[page_number - 1]
        scale = width / float(page.width)
        crop = page.within_bbox((x0 / scale, top / scale, (x1 + 1) / scale, (bottom + 1) / scale))
        return "".join((crop.extract_text() or "").split())


def test_png_boxes_the_value_on_its_page(reference, cli, seed_files, tmp_path):
    png = tmp_path / "value.png"
    # 行政运行 in the PDF: /budget_lines/4 of the document, 939.21万元 on page 3
    result = cli("show", f"{reference.pdf_sha[:12]}#/budget_lines/4", "--png", png,
                 "--raw-dir", reference.raw_dir, "--db", reference.url)
    assert result.exit_code == 0, result.output
    assert "page 3" in result.stdout and "'939.21万元'" in result.stdout
    assert "match: exact (score 100.0)" in result.stdout
    boxed = text_in_box(seed_files[1], 3, png)
    assert "939.21万" in boxed
    # the box is the value's paragraph line, not the page: the next item's amount is outside
    assert "522.88" not in boxed


def test_png_of_a_table_cell(reference, cli, seed_files, tmp_path):
    png = tmp_path / "target.png"
    ref = f"{reference.pdf_sha}#/projects/1/indicators/0/target"
    result = cli("show", ref, "--png", png, "--raw-dir", reference.raw_dir, "--db", reference.url)
    assert result.exit_code == 0, result.output
    line = next(s for s in result.stdout.splitlines() if s.startswith(" *target"))
    value = line.split("text '")[1].split("'")[0]
    page = int(line.split("page ")[1].split(",")[0])
    assert value and value in text_in_box(seed_files[1], page, png)


def test_table_ref_and_pointer_ref_agree(reference, cli):
    by_pointer = cli("show", f"{reference.docx_sha[:10]}#/budget_lines/4", "--raw-dir",
                     reference.raw_dir, "--db", reference.url)
    assert by_pointer.exit_code == 0, by_pointer.output
    table_ref = by_pointer.stdout.splitlines()[0].split()[0]
    assert table_ref.startswith("budget_lines:")
    by_table = cli("show", table_ref, "--raw-dir", reference.raw_dir, "--db", reference.url)
    assert by_table.stdout.splitlines()[1:] == by_pointer.stdout.splitlines()[1:]
    assert "file: luzhou-zfw-2024-final-accounts.docx (docx)" in by_table.stdout
    assert "paragraph" in by_table.stdout and "no page" in by_table.stdout


def test_word_values_have_no_image(reference, cli, tmp_path):
    png = tmp_path / "none.png"
    result = cli("show", f"{reference.docx_sha}#/facts/0", "--png", png,
                 "--raw-dir", reference.raw_dir, "--db", reference.url)
    assert result.exit_code == 2
    assert "no image" in result.output and "locator: paragraph" in result.output
    assert not png.exists()


def test_bad_refs_are_refused(reference, cli):
    for ref, message in (("budget_lines:999999", "no budget_lines row"),
                         ("secrets:1", "not a record table"),
                         (f"{reference.pdf_sha}#/budget_lines/999", "no such record"),
                         (f"{reference.pdf_sha}#/nowhere/1", "not a pointer"),
                         ("facts:1:amount", "no provenance for field 'amount'"),
                         ("hello", "give TABLE:ID")):
        result = cli("show", ref, "--db", reference.url)
        assert result.exit_code == 2 and message in result.output, (ref, result.output)
