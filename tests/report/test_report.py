"""The report: case lists, anonymous ids, agreement, the PDF (rendered with poppler) and HTML."""

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from dida_view import catalogue, cli, paths
from dida_view.catalogue import terms
from dida_view.render import figure
from dida_view.report import text as report_text
from dida_view.session import cases, labels

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed "
                                   "(.ci/run installs it)")


@pytest.fixture
def folder(tmp_path):
    """Two sample scans renamed as a patient might name them; the first (Wet AMD) read as
    CNV, the same finding; the second (CME) read as DME, another one."""
    src = paths.samples_dir()
    d = tmp_path / "scans"
    d.mkdir()
    shutil.copy(src / "01_Wet_AMD.png", d / "Yamada_Taro.png")
    shutil.copy(src / "02_CME.png", d / "Suzuki_Hanako.png")
    (d / "Yamada_Taro.json").write_text(json.dumps(
        {"seed": 1, "reading": {"diagnosis": "CNV", "note": "fluid under the RPE"}}))
    (d / "Suzuki_Hanako.json").write_text(json.dumps({"diagnosis": "DME"}))
    return d


def pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def pages(pdf, tmp_path) -> list[np.ndarray]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "pg")], check=True)
    return [np.asarray(Image.open(p).convert("L")) for p in sorted(tmp_path.glob("pg-*.png"))]


def test_case_lists_resolve_against_their_folder(tmp_path, folder):
    (tmp_path / "list.csv").write_text("path,diagnosis\nscans/Yamada_Taro.png,DME\n")
    (tmp_path / "list.json").write_text(json.dumps(
        ["scans/Suzuki_Hanako.png", {"path": "scans/Yamada_Taro.png", "diagnosis": "CNV"}]))
    got = cases.read_cases([tmp_path / "list.csv", tmp_path / "list.json", folder]).cases
    assert [c.path.name for c in got] == ["Yamada_Taro.png", "Suzuki_Hanako.png",
                                          "Yamada_Taro.png", "Suzuki_Hanako.png",
                                          "Yamada_Taro.png"]
    assert got[0].path == tmp_path / "scans" / "Yamada_Taro.png" and got[0].diagnosis == "DME"
    assert got[2].diagnosis == "CNV" and got[1].diagnosis == ""


@pytest.mark.parametrize("name,body", [("a.csv", "file\nx.png\n"), ("a.json", '{"x": 1}'),
                                       ("a.json", "[1]"), ("a.json", "{broken")])
def test_bad_case_list_is_one_message(tmp_path, name, body):
    (tmp_path / name).write_text(body)
    got = cases.read_cases([tmp_path / name])
    assert got.cases == () and len(got.problems) == 1 and name in got.problems[0]


@pytest.mark.parametrize("top,diagnosis,want", [
    ("CNV", "cnv", "agree"), ("CNV", "脈絡膜新生血管", "agree"), ("Wet AMD", "wet_amd", "agree"),
    ("CNV", "DME", "disagree"), ("CNV", " ", "not_read"), (None, "CNV", "disagree")])
def test_agreement(top, diagnosis, want):
    assert labels.agreement(top, diagnosis) == want


def test_japanese_terms():
    assert terms.term("CNV", "ja") == "脈絡膜新生血管（CNV）"
    assert terms.term("DME", "ja").startswith("糖尿病黄斑浮腫")
    assert terms.term("DRUSEN", "ja").startswith("ドルーゼン")
    assert terms.term("normal", "ja").startswith("正常")
    assert terms.term("CNV", "en") == "CNV"
    # every text of the report has its Japanese in the catalogue (a count may add its
    # singular: "cases_one")
    for key, english in report_text.TEXTS.items():
        ja = catalogue.lookup(english.context, english, "ja")
        assert ja != english or not any(c.isalpha() for c in english), key
        assert key.removesuffix("_one") in report_text.TEXTS, key


def test_bundled_font_has_every_catalogue_character():
    """Every Japanese message of the catalogue (report, figures, notes) draws with the
    bundled font."""
    from PIL import ImageFont

    from dida_view.render.fonts import bundled_font_path

    f = ImageFont.truetype(str(bundled_font_path()), 24)
    notdef = np.asarray(f.getmask("\ue000")).tobytes()  # a private-use code: not in the font
    missing = {c for c in "".join(catalogue.translations("ja")) + "0123456789"
               if not c.isspace() and np.asarray(f.getmask(c)).tobytes() == notdef}
    assert not missing, f"rerun resources/fonts/make_subset.py: {sorted(missing)}"
    assert bundled_font_path().stat().st_size < 3_000_000


def test_figure_font_draws_japanese_not_tofu():
    """Each kanji drawn with figure.font is its own shape: tofu boxes would all be equal."""
    f = figure.font(32, "脈絡膜")
    shapes = {np.asarray(f.getmask(c)).tobytes() for c in "脈絡膜新生血管"}
    assert len(shapes) == 7
    panel = figure.label_panel(np.zeros((120, 300), np.uint8), "診断: 脈絡膜新生血管",
                               corner="top-left")
    assert panel.max() > 200


def run_report(capsys, *args):
    # these scans are synthetic ones renamed (their sidecars name no model): the synthetic
    # model, given explicitly (the default for an image of unknown domain is the real one)
    model = [] if "--model" in args else ["--model", str(paths.demo_model_path())]
    rc = cli.main(["report", *map(str, args), *model, "--grids", "7,9"])
    return rc, capsys.readouterr()


@needs_poppler
def test_pdf_report_pages_text_and_fonts(qapp, tmp_path, folder, capsys):
    out = tmp_path / "r.pdf"
    rc, cap = run_report(capsys, folder, tmp_path / "missing.png", "--out", out)
    assert rc == 1  # the missing case fails ...
    assert cap.err.count("error:") == 1 and "missing.png: no such file" in cap.err
    text = pdf_text(out)  # ... and the report still has every case
    assert "DiDA View report" in text and "Not a medical device" in text
    assert "disagree" in text and "agree" in text and "failed" in text
    assert "fluid under the RPE" in text and "Evidence for Wet AMD" in text
    assert "Trained on synthetic OCT B-scans (generator 1.0)" in text
    for name in ("Yamada", "Suzuki", "Hanako", "missing"):  # no file names, no patient names
        assert name not in text
    imgs = pages(out, tmp_path)
    assert len(imgs) == 1 + 3  # cover + one page per case
    w, h = imgs[0].shape[1], imgs[0].shape[0]
    assert abs(h / w - 297 / 210) < 0.01  # A4 portrait
    for img in imgs:
        assert img.min() < 80 and (img < 200).mean() > 0.002  # not blank
    assert (imgs[1] < 100).mean() > 0.1  # a case page holds the scans
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    rows = [ln.split() for ln in fonts.splitlines()[2:]]
    assert rows and all(r[-5] == "yes" for r in rows), fonts  # every font embedded
    assert any("DiDANotoSansJP" in r[0] for r in rows)


@needs_poppler
def test_japanese_pdf_report(qapp, tmp_path, folder, capsys):
    out = tmp_path / "ja.pdf"
    rc, cap = run_report(capsys, folder, "--out", out, "--lang", "ja")
    assert rc == 0, cap.err
    text = pdf_text(out)
    assert "脈絡膜新生血管" in text  # the clinician's CNV
    assert "滲出型加齢黄斑変性" in text and "医療機器ではありません" in text
    imgs = pages(out, tmp_path)
    assert len(imgs) == 3
    # the cover's title line is drawn, not empty boxes: many distinct dark pixels
    assert (imgs[0][: imgs[0].shape[0] // 8] < 128).sum() > 200


def test_html_report_embeds_pictures_and_names_no_file(tmp_path, folder, capsys):
    out = tmp_path / "handout.html"
    rc, cap = run_report(capsys, folder, "--out", out, "--lang", "ja")
    assert rc == 0, cap.err
    page = out.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2 * 4 + 2  # 4 panels + legend per case
    assert "脈絡膜新生血管" in page and "Yamada" not in page
    assert page.count("page-break-before") == 2
    # the Japanese font is inside the page: a reader without one sees no boxes
    assert page.count("@font-face") == 1 and "data:font/otf;base64," in page
    style = page.split("<style>")[1].split("</style>")[0]
    assert style.count("{") == style.count("}")  # a stray brace drops the rules after it


def test_report_bad_options_are_one_line(tmp_path, capsys):
    rc, cap = run_report(capsys, tmp_path / "none.csv", "--out", tmp_path / "r.pdf")
    assert rc == 2 and cap.err.startswith("error: ") and "Traceback" not in cap.err
    (tmp_path / "empty").mkdir()
    rc, cap = run_report(capsys, tmp_path / "empty", "--out", tmp_path / "r.pdf")
    assert rc == 2 and "no scans" in cap.err
    rc, cap = run_report(capsys, folder_path_of_sample(), "--out", tmp_path / "no" / "r.pdf")
    assert rc == 2 and "cannot write" in cap.err and "Traceback" not in cap.err


def folder_path_of_sample():
    return paths.samples_dir() / "01_Wet_AMD.png"


def test_the_bundled_models_card_is_japanese_in_a_japanese_report():
    """Issue 17: under 「学習データ：」 stood English. A bundled model's card is translated
    (checked against its own metadata); another model's words stay as they are."""
    from dida_view.model.onnx import OnnxClassifier
    from dida_view.report.html import ModelCard, cover_html

    for m in paths.BUNDLED_MODELS:
        card = ModelCard.from_classifier(OnnxClassifier(m.path(), device="cpu"), m.path())
        assert card.file == m.file and card.trained_on
        ja = cover_html([], [card], "2026-12-03", "ja")
        model_part = ja[ja.index("モデル"):]
        assert "学習データ：" in model_part
        after = model_part[model_part.index("学習データ："):]
        assert not re.search(r"\b(trained|patients|(?<!\.)synthetic|Not for)\b", model_part), after
        assert "trained" in cover_html([], [card], "2026-12-03", "en")
    other = ModelCard(name="mine", description="A model trained on my scans.",
                      trained_on="my scans", file="oct_kermany.onnx")
    assert "my scans" in cover_html([], [other], "2026-12-03", "ja")
