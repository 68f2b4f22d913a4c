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
