"""Model > Labels and Preprocessing never loses a sidecar it cannot read."""

import json

from dida_view.gui.dialogs.model import write_sidecar

NESTED = "[" * 100000 + "]" * 100000


def test_a_broken_sidecar_is_kept_as_bak_when_the_dialog_saves(tmp_path):
    side = tmp_path / "m.dida.json"
    side.write_text(NESTED)
    assert write_sidecar(tmp_path / "m.onnx", {"labels": ["a", "b"]}) == side
    assert json.loads(side.read_text()) == {"labels": ["a", "b"]}
    assert (tmp_path / "m.dida.json.bak").read_text() == NESTED


def test_a_readable_sidecar_keeps_its_other_keys(tmp_path):
    side = tmp_path / "m.dida.json"
    side.write_bytes(json.dumps({"description": "mine", "labels": ["x"]}).encode("utf-8-sig"))
    write_sidecar(tmp_path / "m.onnx", {"labels": ["a", "b"]})
    assert json.loads(side.read_text()) == {"description": "mine", "labels": ["a", "b"]}
    assert not (tmp_path / "m.dida.json.bak").exists()


def test_the_viewer_says_when_part_of_a_models_configuration_was_not_used(
        make_window, qtbot, tmp_path, scan_path):
    from guitools import wait_done
    from onnx_models import make_region_model

    model = make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 32), (16, 32, 0, 32)],
                              metadata={"labels": ["top", "bottom"], "preprocessing": {}})
    (tmp_path / "m.dida.json").write_text(NESTED)
    win = make_window()
    win.open_model(model)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    assert win.model.result.labels == ["top", "bottom"]
    assert "1 model note" in win.status.model.text()
    assert "m.dida.json not used (nested more than 64 levels deep)" in \
        win.status.model.toolTip()
