"""benchmarks/faithfulness.py's real-scan mode, on a tiny known-answer model and a folder
laid out like kermany-oct (never the real one)."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "faithfulness.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("faithfulness_bench", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def scans(tmp_path):
    """CLASS/CLASS-<patient>-<n>.png, 3 patients per class, two scans each."""
    rng = np.random.default_rng(0)
    root = tmp_path / "scans"
    for k, label in enumerate(["TOP", "BOTTOM"]):
        (root / label).mkdir(parents=True)
        for patient in ("11", "22", "33"):
            for n in (1, 2):
                width = 96 if n == 2 else 48  # real exports vary in width
                img = rng.integers(20, 60, (24, width), dtype=np.uint8)
                img[k * 12 : k * 12 + 12] += 150  # the class's half is bright
                Image.fromarray(img).save(root / label / f"{label}-{patient}-{n}.png")
    return root


@pytest.fixture
def model(tmp_path):
    m = make_region_model(tmp_path / "m.onnx", [(8, 16, 0, 32), (16, 24, 0, 32)],
                          size=(32, 32), channels=1,
                          metadata={"labels": ["TOP", "BOTTOM"]})
    (tmp_path / "m.metrics.json").write_text(json.dumps(
        {"split": {"train_patients": ["11", "33"], "validation_patients": ["22"]}}))
    return m


def test_validation_patients_are_read_from_the_metrics_file(bench, model, tmp_path):
    assert bench.validation_patients(model) == {"22"}
    other = tmp_path / "n.onnx"
    for doc in ({"validation": {"n": 3, "patients": [22, "44"]}},
                {"split": {"val": {"patient_ids": ["22", "44"]}, "train": {"patients": ["1"]}}}):
        (tmp_path / "n.metrics.json").write_text(json.dumps(doc))
        assert bench.validation_patients(other) == {"22", "44"}
    assert bench.validation_patients(tmp_path / "other.onnx") is None
    assert bench.patient_of(Path("CNV-1052341-1.jpeg")) == "1052341"


def test_real_scans_takes_only_validation_patients_classes_in_turn(bench, scans):
    got = bench.real_scans(scans, ["TOP", "BOTTOM"], {"22", "33"}, 5)
    assert [(p.name, k) for p, k in got] == [
        ("TOP-22-1.png", 0), ("BOTTOM-22-1.png", 1), ("TOP-22-2.png", 0),
        ("BOTTOM-22-2.png", 1), ("TOP-33-1.png", 0)]
    assert bench.real_scans(scans, ["TOP", "MISSING"], {"22"}, 10)[-1][0].name == \
        "TOP-22-2.png"


def test_real_mode_runs_on_held_out_patients_only(bench, model, scans, tmp_path, capsys):
    out = tmp_path / "rows.json"
    rc = bench.main(["--real", str(scans), "--model", str(model), "--count", "10",
                     "--grids", "2,4", "--geometries", "content,square,input", "--batch", "7",
                     "--json", str(out)])
    text = capsys.readouterr().out
    assert rc == 0
    assert "4 real scans of 1 validation patients" in text
    for name in ("DiDA 2 grids, content", "DiDA 2 grids, square", "DiDA 2 grids, input",
                 "occlusion 2, square", "occlusion 4, input", "RISE"):
        assert f"| {name} |" in text
    rows = json.loads(out.read_text())["fills"]["black"]
    assert sorted(r["_scan"][0] for r in rows) == ["BOTTOM-22-1.png", "BOTTOM-22-2.png",
                                                   "TOP-22-1.png", "TOP-22-2.png"]
    for r in rows:
        assert r["RISE"][0] == 4 + 16  # the budget of the content geometry's grids
        wide = r["_scan"][0].endswith("-2.png")  # 8 x 32 content, else 16 x 32
        assert r["DiDA 2 grids, square"][0] == (1 * 2 + 1 * 4 if wide else 1 * 2 + 2 * 4)
        assert r["DiDA 2 grids, input"][0] < 4 + 16  # letterbox cells are never run
        assert all(0.0 <= v <= 1.0 for m, v3 in r.items() if not m.startswith("_")
                   for v in v3[1:])
        assert r["_top1"] == [1.0]


def test_real_mode_without_a_patient_list_is_an_error(bench, model, scans, capsys):
    Path(model).with_name("m.metrics.json").unlink()
    rc = bench.main(["--real", str(scans), "--model", str(model), "--grids", "2"])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and "--patients" in err
    rc = bench.main(["--real", str(scans), "--model", str(model), "--grids", "2,4",
                     "--patients", "99"])
    assert rc == 2 and "no scans" in capsys.readouterr().err
