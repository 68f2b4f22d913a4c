"""One case, one answer in the viewer: the same probability for a case in the panels, the
class list, the case list, teaching mode, the exported figure, the CLI's JSON and the
report; late results of old settings never kept; names kept out of Open Recent and
QSettings; DICOM in folders; the Cases dock not left over; one case id everywhere."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace

from dicom_files import OPHTHALMIC_TOMOGRAPHY, write_dicom
from guitools import SlowClassifier, scan_array, wait_done, wait_model
from PIL import Image
from test_cases_browser import wait_idle

from dida_view.cli import main
from dida_view.gui.qsettings import make_settings
from dida_view.gui.viewer import exports
from dida_view.model.onnx import OnnxClassifier
from dida_view.render import figure
from dida_view.render.scoretext import format_score


def test_the_same_probability_in_every_view(make_window, qtbot, tmp_path, capsys):
    """The case list said 'DME 0.996', the panel 'DME 4.56 logit' and the figure another
    logit: for a case whose probability saturates, every view now shows the probability
    (the maps' unit, logit here, is on the legend)."""
    from guitools import LABELS, REGIONS
    from onnx_models import make_region_model

    model_path = make_region_model(tmp_path / "sat.onnx", REGIONS, gain=200.0,
                                   metadata={"labels": LABELS})
    folder = tmp_path / "cases"
    folder.mkdir()
    scan = folder / "case.png"
    Image.fromarray(scan_array(seed=5)).save(scan)
    (folder / "case.png.json").write_text(json.dumps({"reading": {"diagnosis": "AMD"}}))
    win = make_window(grids=(2, 3))
    win.open_model(model_path)
    wait_model(qtbot, win)
    assert win.cases.open(folder)
    wait_idle(qtbot, win)
    res = win.model.result
    assert res.score_space == "logit"  # saturated: the maps in logit units
    k = res.top(1)[0]
    label, p = res.labels[k], float(res.probabilities[k])
    want = format_score(p, "probability")
    shown = {
        "panel": win.area.panels[1].caption,
        "class list": win.controls.classes.topLevelItem(0).text(2),
        "case list": win.cases.cases.row(0).score,
        "figure": figure.class_title(res, k),
    }
    win.teaching.set_active(True, full_screen=False)
    win.model.revealed = True
    shown["teaching"] = win.teaching.banner.text()
    win.teaching.set_active(False)
    # the CLI and the report, on the same scan with the same model and grids
    assert main(["analyze", str(scan), "--model", str(model_path), "--grids", "2,3",
                 "--json", "--out", str(tmp_path / "o")]) == 0
    rec = json.loads(capsys.readouterr().out)
    shown["json"] = format_score(rec["top"][0]["probability"], "probability")
    assert main(["report", str(folder), "--model", str(model_path), "--grids", "2,3",
                 "--out", str(tmp_path / "r.html")]) == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    shown["report"] = html.unescape(re.search(r"<td>1\. [^<]*</td><td>[^<]*</td><td>([^<]*)</td>",
                                page).group(1))
    assert rec["top"][0]["label"] == label
    for view, text in shown.items():
        assert want in text, (view, text, want)
    assert res.score_space == rec["score_space"]  # one unit for the maps too


def test_changing_the_grids_during_analyse_all_keeps_no_old_result(make_window, qtbot,
                                                                    model_path, tmp_path):
    """A B-scan kept its old-grid result as 'analysed before' when the grids changed
    during Analyse All: the run ledger drops results of settings no longer in use."""
    path = tmp_path / "pages.tif"
    pages = [Image.fromarray(scan_array(seed=i)) for i in range(5)]
    pages[0].save(path, save_all=True, append_images=pages[1:])
    win = make_window(grids=(2, 3))
    win.set_classifier(SlowClassifier(OnnxClassifier(model_path), 0.02))
    win.open_image(path)
    wait_done(qtbot, win)
    win.actions_.analyse_all.trigger()
    vol = win.model.volume
    qtbot.waitUntil(lambda: len(vol.results) >= 2, timeout=20000)
    win.set_analysis_settings(replace(win.model.settings, grid_sizes=(2, 4)))
    win.actions_.analyse_all.trigger()
    qtbot.waitUntil(lambda: vol.all_done() and not win.volumes.batch() and not win.busy(),
                    timeout=30000)
    assert {r.grid_sizes for r in vol.results.values()} == {(2, 4)}
    for i in range(len(vol.results)):
        win.volumes.go_to(i)
        assert win.model.result.grid_sizes == (2, 4)


def test_dicom_names_stay_out_of_open_recent_and_qsettings(make_window, qtbot, model_path,
                                                           tmp_path):
    folder = tmp_path / "Doe_Jane_PID-99817"
    folder.mkdir()
    path = folder / "Doe_Jane_PID-99817.dcm"
    write_dicom(path, scan_array(), sop_class=OPHTHALMIC_TOMOGRAPHY)
    win = make_window()
    win.open_model(model_path)
    wait_model(qtbot, win)
    assert win.open_image(path)
    wait_done(qtbot, win)
    texts = [a.text() + a.toolTip() for a in win.actions_.recent.actions()]
    assert any(t.startswith("dcm-") for t in texts) and not any("Doe" in t for t in texts)
    assert "Doe" not in win.windowTitle()
    assert exports.case_stem(win.model).startswith("dcm-")
    win.close()
    store = make_settings()
    store.sync()
    ini = open(store.fileName(), encoding="utf-8").read()
    assert "Doe" not in ini and "99817" not in ini


def test_a_folder_of_dicom_files_opens_in_the_browser(make_window, qtbot, model_path,
                                                      tmp_path):
    """`dida-view FOLDER` said 'no images in it' for a folder of DICOM files."""
    folder = tmp_path / "export"
    folder.mkdir()
    write_dicom(folder / "Doe_Jane.dcm", scan_array(seed=1))
    Image.fromarray(scan_array(seed=2)).save(folder / "b.jpeg")
    win = make_window()
    win.open_model(model_path)
    wait_model(qtbot, win)
    assert win.cases.open(folder) and len(win.cases.cases) == 2
    table = win.cases.browser.table
    names = [table.data(table.index(r, 0)) for r in range(2)]
    assert names[0] == "b.jpeg" and names[1].startswith("dcm-")  # by file name; no name
    assert win.errors == []
    wait_idle(qtbot, win)


def test_the_cases_dock_is_not_left_over_for_the_next_session(make_window, qtbot,
                                                              model_path, tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    for i in range(2):
        Image.fromarray(scan_array(seed=i)).save(folder / f"c{i}.png")
    win = make_window()
    win.open_model(model_path)
    wait_model(qtbot, win)
    win.cases.open(folder)
    wait_idle(qtbot, win)
    assert win.cases.dock.isVisible()
    win.close()
    again = make_window()
    assert not again.cases.dock.isVisible()


def test_one_case_id_for_a_dicom_in_the_cli_the_report_and_the_viewer(
        make_window, qtbot, model_path, tmp_path, capsys):
    path = tmp_path / "Doe_Jane.dcm"
    write_dicom(path, scan_array(seed=3))
    assert main(["analyze", str(path), "--model", str(model_path), "--grids", "2",
                 "--json", "--out", str(tmp_path / "o")]) == 0
    cid = json.loads(capsys.readouterr().out)["case"]
    assert main(["report", str(path), "--model", str(model_path), "--grids", "2",
                 "--out", str(tmp_path / "r.html")]) == 0
    assert f"<h2>Case {cid}</h2>" in (tmp_path / "r.html").read_text(encoding="utf-8")
    win = make_window()
    win.open_model(model_path)
    wait_model(qtbot, win)
    win.open_image(path)
    wait_done(qtbot, win)
    assert win.model.volume.stem() == cid and cid in win.windowTitle()
    assert sorted(p.name.split("_")[0] for p in (tmp_path / "o").iterdir()) == [cid] * len(
        list((tmp_path / "o").iterdir()))


def test_the_model_sidecar_is_written_through_the_store(tmp_path):
    """Model > Labels and Preprocessing wrote the model sidecar in place."""
    import os
    import stat

    from dida_view.gui.dialogs.model import write_sidecar

    model = tmp_path / "m.onnx"
    side = tmp_path / "m.dida.json"
    side.write_text(json.dumps({"labels": ["a"], "note": "mine"}))
    os.chmod(side, 0o640)
    write_sidecar(model, {"labels": ["x", "y"]})
    assert json.loads(side.read_text()) == {"labels": ["x", "y"], "note": "mine"}
    assert stat.S_IMODE(side.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["m.dida.json"]  # no temporary left
