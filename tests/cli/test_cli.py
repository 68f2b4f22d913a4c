"""``dida-view analyze`` end to end on a tiny known-answer ONNX model."""

import json
import subprocess
import sys

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

from dida_view.cli import main

REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32), (0, 32, 0, 32), (0, 8, 24, 32)]
LABELS = ["top left", "bottom/right", "whole", "corner"]


@pytest.fixture
def model(tmp_path):
    return make_region_model(tmp_path / "m.onnx", REGIONS, metadata={
        "labels": LABELS, "preprocessing": {"squeeze_x": 0.5}})


@pytest.fixture
def scan(tmp_path):
    img = np.full((40, 80), 50, np.uint8)
    img[:20, :40] = 240
    p = tmp_path / "scan.png"
    Image.fromarray(img).save(p)
    (tmp_path / "scan.json").write_text(json.dumps({"diagnosis": "top left"}))
    return p


def test_analyze_writes_figure_panels_npz_and_json(tmp_path, model, scan, capsys):
    out = tmp_path / "out"
    rc = main(["analyze", str(scan), "--keep-names", "--model", str(model), "--grids", "2,4,8",
               "--out", str(out), "--json", "--batch-size", "5"])
    assert rc == 0
    rec = json.loads(capsys.readouterr().out.strip())
    for key in ("image", "model", "labels", "scores", "top", "grids", "weights",
                "score_space", "probabilities", "from_cache", "evaluations", "seconds",
                "outputs"):
        assert key in rec
    assert rec["top"][0]["label"] == "top left" and len(rec["top"]) == 3
    assert rec["grids"] == [2, 4, 8] and rec["evaluations"] == 4 + 16 + 64
    assert abs(sum(rec["weights"]) - 1) < 1e-9
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["scan_dida.png", "scan_dida.npz", "scan_top_left.png",
                            "scan_whole.png", "scan_bottom_right.png"])
    fig = Image.open(out / "scan_dida.png")
    assert fig.width > 4 * 80 and fig.height > 40
    npz = np.load(out / "scan_dida.npz")
    assert list(npz["labels"]) == LABELS and npz["scores"].shape == (4,)
    assert npz["d_8"].shape == (4, 8, 8) and list(npz["grids"]) == [2, 4, 8]
    assert json.loads(str(npz["preprocessing"]))["squeeze_x"] == 0.5
    assert npz["probabilities"].shape == (4,) and npz["saturated"].shape == (0,)
    # the top-left class is red on the top-left of the content, nowhere else
    d2 = npz["d_2"][0]
    assert d2[0, 0] > 0 and d2[1, 1] <= 0


def test_chosen_classes_and_text_output(tmp_path, model, scan, capsys):
    rc = main(["analyze", str(scan), "--keep-names", "--model", str(model), "--grids", "2",
               "--class", "corner", "--out", str(tmp_path / "o")])
    assert rc == 0
    assert "top left" in capsys.readouterr().out
    assert (tmp_path / "o" / "scan_corner.png").exists()
    assert not (tmp_path / "o" / "scan_whole.png").exists()


def test_bad_image_does_not_stop_the_batch(tmp_path, model, scan, capsys):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png")
    rc = main(["analyze", str(bad), str(tmp_path / "missing.png"), str(scan), "--model",
               str(model), "--grids", "2", "--out", str(tmp_path / "o"), "--json"])
    assert rc != 0
    cap = capsys.readouterr()
    errs = cap.err.strip().splitlines()
    assert len(errs) == 2 and all(e.startswith("error: ") for e in errs)
    assert "broken.png" in errs[0] and "missing.png" in errs[1]
    assert json.loads(cap.out.strip())["image"] == str(scan)


@pytest.mark.parametrize("args, match", [
    (["--grids", "7,x"], "grid"),
    (["--grids", "0"], "grid"),
    (["--class", "nope"], "nope"),
    (["--weights", "1,2"], "weights"),
])
def test_bad_settings_one_line_error(tmp_path, model, scan, capsys, args, match):
    rc = main(["analyze", str(scan), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "o"), *args])
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and match in err and "\n" not in err


def test_unusable_model_subprocess_no_traceback(tmp_path, scan):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"garbage")
    r = subprocess.run([sys.executable, "-m", "dida_view", "analyze", str(scan), "--model",
                        str(bad), "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert r.returncode != 0
    assert r.stderr.startswith("error: ") and "bad.onnx" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_grid_finer_than_an_image_names_that_image(tmp_path, model, scan, capsys):
    rc = main(["analyze", str(scan), "--model", str(model), "--grids", "2,500",
               "--out", str(tmp_path / "o")])
    assert rc == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {scan}: grid size 500 is finer") and "\n" not in err


def _analyze_json(tmp_path, model, *images, extra=()):
    r = subprocess.run([sys.executable, "-m", "dida_view", "analyze", *map(str, images),
                        "--model", str(model), "--grids", "2,4", "--out", str(tmp_path / "o"),
                        "--json", *extra], capture_output=True, text=True)
    return r, [json.loads(line) for line in r.stdout.splitlines()]


def test_a_cached_result_says_so_and_gives_the_time_the_lookup_took(tmp_path, model, scan):
    r, (live,) = _analyze_json(tmp_path, model, scan)
    assert r.returncode == 0
    assert live["from_cache"] is False and live["cached_run"] is None
    assert live["evaluations"] == 4 + 16
    r, (hit,) = _analyze_json(tmp_path, model, scan)
    assert r.returncode == 0 and hit["from_cache"] is True
    assert hit["evaluations"] == 0  # nothing was run now
    assert hit["cached_run"]["evaluations"] == 4 + 16  # the original run, labelled as such
    assert 0 <= hit["seconds"] < 60 and hit["scores"] == live["scores"]


def test_a_damaged_cache_entry_is_recomputed_without_a_traceback(tmp_path, model, scan):
    cache = tmp_path / "result-cache"  # the folder tests/conftest.py points the cache at
    r, _ = _analyze_json(tmp_path, model, scan)
    (entry,) = cache.glob("*.npz")
    entry.write_bytes(entry.read_bytes()[:100])  # truncated: BadZipFile
    r, (rec,) = _analyze_json(tmp_path, model, scan)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "error" not in r.stderr
    assert rec["from_cache"] is False and rec["evaluations"] == 4 + 16
    (again,) = cache.glob("*.npz")
    assert again.stat().st_size > 100  # the bad file was replaced by a good one


def test_a_batch_has_one_score_space_and_always_probabilities(tmp_path):
    soft = make_region_model(tmp_path / "soft.onnx", REGIONS, softmax=True, gain=60.0,
                             metadata={"labels": LABELS})
    grey, bright = tmp_path / "grey.png", tmp_path / "bright.png"
    Image.fromarray(np.full((32, 32), 128, np.uint8)).save(grey)
    img = np.full((32, 32), 60, np.uint8)
    img[:16, :16] = 250
    Image.fromarray(img).save(bright)
    # the unsaturated image comes first: the space must hold for the whole batch anyway
    r, recs = _analyze_json(tmp_path, soft, grey, bright, extra=["--no-cache"])
    assert r.returncode == 0, r.stderr
    assert [rec["score_space"] for rec in recs] == ["log-odds", "log-odds"]
    assert all(rec["score_space_requested"] == "auto" for rec in recs)
    assert "whole set" in recs[0]["note"]
    for rec in recs:
        assert set(rec["probabilities"]) == set(LABELS)
        assert abs(sum(rec["probabilities"].values()) - 1) < 1e-5
        assert rec["saturated"] == []
    r, (alone,) = _analyze_json(tmp_path, soft, grey, extra=["--no-cache"])
    assert alone["score_space"] == "probability" and alone["probabilities"]


def test_a_score_no_space_can_resolve_is_flagged_in_the_json(tmp_path):
    soft = make_region_model(tmp_path / "soft.onnx", REGIONS, softmax=True, gain=400.0,
                             metadata={"labels": LABELS})
    img = np.full((32, 32), 60, np.uint8)
    img[:16, :16] = 250
    p = tmp_path / "bright.png"
    Image.fromarray(img).save(p)
    r, (rec,) = _analyze_json(tmp_path, soft, p, extra=["--no-cache"])
    assert r.returncode == 0, r.stderr
    assert rec["top"][0]["label"] in rec["saturated"] and "no map possible" in rec["note"]


def test_analyze_pictures_name_the_model_and_say_not_for_diagnosis(tmp_path, model, scan,
                                                                   capsys, monkeypatch):
    """Every picture analyze writes ends with the model line (issue 17): the figure and
    each class panel, whose scan stays untouched above it."""
    from dida_view.render import figure

    lines = []
    real = figure.assemble_figure

    def spy(*args, **kw):
        lines.append(kw.get("model"))
        return real(*args, **kw)

    monkeypatch.setattr(figure, "assemble_figure", spy)
    out = tmp_path / "out"
    assert main(["analyze", str(scan), "--model", str(model), "--grids", "2,4", "--keep-names",
                 "--out", str(out)]) == 0
    assert lines == [figure.model_line(model, "unknown training data")]
    assert lines[0].startswith("Not for diagnosis. Model: m.onnx")
    panel = np.asarray(Image.open(out / "scan_top_left.png").convert("RGB"))
    assert panel.shape[0] > 192 + 40  # the scan (enlarged to 192 high), its caption, the line
    assert (panel[-12:] < 120).any()  # the model line's letters in the last rows
