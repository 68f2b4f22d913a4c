"""Which bundled model fits which image: the registry, the default model, the mismatch
rule (no Qt) and the CLI's note for a mismatch."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PIL import Image

from dida_view import paths
from dida_view.cli import main
from dida_view.session import models

REAL, DEMO = paths.REAL_MODEL_NAME, paths.DEMO_MODEL_NAME
needs_models = pytest.mark.skipif(
    any(m.path() is None for m in paths.BUNDLED_MODELS) or not paths.sample_images(),
    reason="the bundled models or samples are not in this checkout")


def _sample(prefix: str):
    return next(p for p in paths.sample_images() if p.name.startswith(prefix))


def _plain_image(tmp_path, sidecar: dict | None = None):
    p = tmp_path / "mine.png"
    Image.fromarray(np.full((60, 100), 90, np.uint8)).save(p)
    if sidecar is not None:
        p.with_name(p.name + ".json").write_text(json.dumps(sidecar))
    return p


@needs_models
def test_the_registry_and_the_default_view():
    real, demo = paths.BUNDLED_MODELS  # the real-data model first: the default
    assert (real.file, demo.file) == (REAL, DEMO) and real.real and not demo.real
    assert paths.default_model_path() == real.path()
    assert models.default_sample().name == "00_kermany_CNV_1.jpeg"
    assert [p.suffix for p in models.samples_of(real)] == [".jpeg"] * 8
    demo_samples = models.samples_of(demo)
    assert len(demo_samples) >= 10 and all(p.suffix == ".png" for p in demo_samples)


@needs_models
def test_the_default_model_of_an_image(tmp_path):
    assert models.model_for_case(_sample("01_Wet_AMD")).name == DEMO
    assert models.model_for_case(_sample("00_kermany_DME")).name == REAL
    # an image of the user's (no sidecar, or one that names no bundled model): the real one
    assert models.model_for_case(_plain_image(tmp_path)).name == REAL
    assert models.model_for_case(_plain_image(tmp_path, {"model": "x.onnx"})).name == REAL
    assert models.model_for_case(None).name == REAL


@needs_models
def test_the_mismatch_rule(tmp_path):
    real, demo = paths.BUNDLED_MODELS
    synthetic, kermany = _sample("01_Wet_AMD"), _sample("00_kermany_CNV")
    assert models.domain_note(real.path(), kermany) is None
    assert models.domain_note(demo.path(), synthetic) is None
    note = models.domain_note(real.path(), synthetic)  # a sample of the other model
    assert (note.model, note.image_model, note.suggested) == (real, demo, demo)
    note = models.domain_note(demo.path(), kermany)  # the synthetic model on a real scan
    assert (note.model, note.image_model, note.suggested) == (demo, real, real)
    assert "real Spectralis" in note.text and "synthetic" in note.text
    mine = _plain_image(tmp_path)  # unknown domain: a note only for the synthetic model
    assert models.domain_note(real.path(), mine) is None
    note = models.domain_note(demo.path(), mine)
    assert note.image_model is None and note.suggested == real
    assert "unknown" in note.text
    # a third-party model: we do not know what it was trained on
    assert models.domain_note(tmp_path / "mine.onnx", kermany) is None
    assert models.trained_on(tmp_path / "mine.onnx", {}) == "unknown training data"
    assert models.trained_on(tmp_path / "m.onnx", {"domain": "fundus"}) == "fundus"


def _analyze(capsys, image, tmp_path, *extra):
    rc = main(["analyze", str(image), "--grids", "2", "--out", str(tmp_path / "out"),
               "--no-cache", *extra])
    return rc, capsys.readouterr()


@needs_models
def test_analyze_picks_the_samples_model_and_notes_a_mismatch(tmp_path, capsys):
    synthetic, kermany = _sample("01_Wet_AMD"), _sample("00_kermany_CNV")
    for image, model in ((synthetic, DEMO), (kermany, REAL)):
        rc, cap = _analyze(capsys, image, tmp_path, "--json")
        rec = json.loads(cap.out.strip())
        assert rc == 0 and rec["model"].endswith(model) and rec["domain_note"] is None
    real = paths.bundled_model(REAL).path()
    rc, cap = _analyze(capsys, synthetic, tmp_path, "--model", str(real))
    assert rc == 0
    # the domain note, once (an engine note may come too: the auto engine's choice is timed)
    notes = [line for line in cap.err.splitlines()
             if line.startswith("note:") and "belongs to" in line]
    assert len(notes) == 1 and "belongs to the synthetic demo model" in notes[0]
    rc, cap = _analyze(capsys, synthetic, tmp_path, "--model", str(real), "--json")
    assert "belongs to the synthetic demo model" in json.loads(cap.out)["domain_note"]


@needs_models
def test_a_copy_of_a_sample_keeps_its_model(tmp_path, capsys):
    """The sidecar travels with the scan: a copied synthetic sample still gets its model."""
    src = _sample("01_Wet_AMD")
    dst = tmp_path / "case.png"
    shutil.copy(src, dst)
    shutil.copy(src.with_suffix(".json"), dst.with_suffix(".json"))
    rc, cap = _analyze(capsys, dst, tmp_path, "--json")
    assert rc == 0 and json.loads(cap.out)["model"].endswith(DEMO)
