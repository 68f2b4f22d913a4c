"""The domain check (issue 18) everywhere a result is shown: one answer, the result's
(``DidaResult.domain``), in the viewer's banner, the case browser's column and filter, the
report's page and cover, teaching mode's badge after the reveal, the patient page, and a
volume's count. Known answers: the real-data model's shipped reference finds its own
bundled samples typical and DiDA View's synthetic scans not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from dida_view import paths, synthetic
from dida_view.gui.patient import make_page
from dida_view.model.domain import HEADLINE
from dida_view.report.html import case_html, cover_html
from dida_view.report.pages import make_entry
from dida_view.session.caselist import ATYPICAL
from dida_view.session.reading import Reading

REAL_MODEL = paths.bundled_model(paths.REAL_MODEL_NAME).path()
SAMPLES = paths.samples_dir() or Path("/nonexistent")
pytestmark = pytest.mark.skipif(REAL_MODEL is None or not any(SAMPLES.glob("00_kermany_*")),
                                reason="the real-data model or its samples are not here")
GRIDS = (2,)


def cases(folder: Path) -> tuple[Path, Path]:
    """A real bundled scan and a synthetic one, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    real = folder / "a_real.jpeg"
    shutil.copy(SAMPLES / "00_kermany_DME_1.jpeg", real)
    fake = folder / "b_synthetic.png"
    Image.fromarray(synthetic.generate_scan("CME", seed=3).image).save(fake)
    return real, fake


def window(make_window, qtbot):
    win = make_window(size=(1200, 700), grids=GRIDS)
    win.open_model(REAL_MODEL)
    qtbot.waitUntil(lambda: win.model.classifier is not None and not win.busy(), timeout=20000)
    return win


def analysed(qtbot, win, path: Path):
    assert win.open_image(path)
    qtbot.waitUntil(lambda: win.model.result is not None and win.model.result.complete
                    and not win.busy(), timeout=20000)
    return win.model.result


def test_the_viewer_banner_teaching_badge_and_patient_page(make_window, qtbot, tmp_path):
    real, fake = cases(tmp_path / "c")
    win = window(make_window, qtbot)
    banner = win.domains.scan_banner
    res = analysed(qtbot, win, fake)
    assert res.domain is not None and not res.domain.typical
    assert banner.isVisible() and HEADLINE in banner.label.text()
    assert "unlike the model's reference scans" in banner.label.text()  # the detail
    plain = "does not look like the scans the computer learned from"
    assert any(plain in t for t in make_page(win.model).texts())
    win.teaching.set_active(True, full_screen=False)  # a quiz: nothing before the reveal
    assert not banner.isVisible() and HEADLINE not in win.teaching.banner.text()
    win.actions_.reveal.trigger()
    assert HEADLINE in win.teaching.banner.text()  # the badge, after the reveal
    win.teaching.set_active(False)
    res = analysed(qtbot, win, real)
    assert res.domain is not None and res.domain.typical
    assert not banner.isVisible()
    assert not any(plain in t for t in make_page(win.model).texts())


def test_the_case_browser_has_a_column_and_a_filter(make_window, qtbot, tmp_path):
    real, fake = cases(tmp_path / "c")
    win = window(make_window, qtbot)
    assert win.cases.open(tmp_path / "c")
    qtbot.waitUntil(lambda: win.cases.queue.idle() and not win.busy()
                    and all(r.typical is not None for r in win.cases.cases.cases),
                    timeout=30000)
    rows = {r.path.name: r for r in win.cases.cases.cases}
    assert rows[real.name].typical is True and rows[fake.name].typical is False
    table = win.cases.browser.table
    col = [table.headerData(c, Qt.Orientation.Horizontal) for c in
           range(table.columnCount())].index("Domain")
    shown = {table.rows[r]: table.data(table.index(r, col)) for r in range(table.rowCount())}
    assert sorted(shown.values()) == ["", "⚠"]
    box = win.cases.browser.filter
    at = box.findData(ATYPICAL)
    assert at >= 0
    box.setCurrentIndex(at)
    box.activated.emit(at)  # as a user's choice
    qtbot.waitUntil(lambda: table.rowCount() == 1)
    assert win.cases.cases.cases[table.rows[0]].path.name == fake.name


def test_the_report_says_it_on_the_page_and_the_cover(make_window, qtbot, tmp_path):
    real, fake = cases(tmp_path / "c")
    win = window(make_window, qtbot)
    entries = []
    for i, p in enumerate((real, fake)):
        res = analysed(qtbot, win, p)
        entries.append(make_entry(win.model.image, res, Reading(), case_id=p.stem,
                                  agreement="not_read", folder=tmp_path, number=i))
    assert not entries[0].atypical and entries[1].atypical.startswith(HEADLINE)
    src = {"img0": "", "img1": "", "img2": "", "img3": "", "legend": ""}
    page = case_html(entries[1], "today", "en", src=src, image_width=10, legend_width=10)
    assert HEADLINE in page
    assert HEADLINE not in case_html(entries[0], "today", "en", src=src, image_width=10,
                                     legend_width=10)
    cover = cover_html(entries, [], "today", "en")
    assert "b_synthetic ▲" in cover and "a_real ▲" not in cover
    ja = make_entry(win.model.image, win.model.result, Reading(), case_id="x",
                    agreement="not_read", folder=tmp_path, number=9, lang="ja")
    assert ja.atypical.startswith("このスキャンはモデルの学習に使われたスキャンと異なります")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_cli_report_marks_the_atypical_case(qapp, tmp_path, capsys):
    from dida_view.cli import main

    cases(tmp_path / "c")
    out = tmp_path / "r.pdf"
    assert main(["report", str(tmp_path / "c"), "--out", str(out), "--grids", "2",
                 "--no-cache"]) == 0, capsys.readouterr().err
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert text.count("This scan is unlike the scans the model was trained on") == 1


def test_a_volume_counts_its_atypical_b_scans(make_window, qtbot, tmp_path):
    from dicom_files import OPHTHALMIC_TOMOGRAPHY, write_dicom

    real = np.asarray(Image.open(SAMPLES / "00_kermany_NORMAL_1.jpeg").convert("L"))
    fake = np.asarray(Image.fromarray(synthetic.generate_scan("CME", seed=4).image).resize(
        real.shape[::-1]))
    frames = np.stack([real, fake, real])
    write_dicom(tmp_path / "v.dcm", frames, frames=True, sop_class=OPHTHALMIC_TOMOGRAPHY)
    win = window(make_window, qtbot)
    assert win.open_image(tmp_path / "v.dcm")
    win.volumes.analyse_all()
    qtbot.waitUntil(lambda: win.model.volume.all_done() and not win.busy(), timeout=60000)
    assert win.model.volume.domain_counts() == (3, 1)
    assert "1 of 3 B-scans are unlike the model's reference scans" in \
        win.volumes.bar.notes.text()
