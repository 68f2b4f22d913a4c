"""Every JSON the program reads (image sidecars for the case's model and its reading, a
model's sidecar for the About page) is read bounded:
``'[' * 100000`` is a broken optional file, never a RecursionError."""

import json

import numpy as np
from PIL import Image

from dida_view import paths
from dida_view.report import about
from dida_view.session import models
from dida_view.session.reading import load_reading

NESTED = "[" * 100000 + "]" * 100000


def image_with_sidecar(tmp_path, text: str):
    p = tmp_path / "scan.png"
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(p)
    (tmp_path / "scan.json").write_text(text)
    return p


def test_default_model_for_an_image_with_a_nested_sidecar(tmp_path):
    p = image_with_sidecar(tmp_path, NESTED)
    assert models.own_model_file(p) is None
    assert models.model_for_case(p) == paths.default_model_path()


def test_image_sidecar_with_a_byte_order_mark_names_its_model(tmp_path):
    p = image_with_sidecar(tmp_path, "")
    (tmp_path / "scan.json").write_bytes(json.dumps({"model": "x.onnx"}).encode("utf-8-sig"))
    assert models.own_model_file(p) == "x.onnx"


def test_diagnosis_sidecar_nested_or_utf16(tmp_path):
    p = image_with_sidecar(tmp_path, NESTED)
    assert load_reading(p).diagnosis == ""
    (tmp_path / "scan.json").write_bytes(json.dumps({"diagnosis": "CNV"}).encode("utf-16"))
    assert load_reading(p).diagnosis == "CNV"


def test_about_page_of_a_model_with_a_nested_sidecar(tmp_path):
    model = tmp_path / "mine.onnx"
    model.write_bytes(b"")
    (tmp_path / "mine.dida.json").write_text(NESTED)
    text = about.model_section(model)
    assert "gives no description" in text

