"""``dida-view analyze --engine``: which engine ran is in the JSON, both give the same maps,
and a model that cannot run incrementally says so once."""

import json

import numpy as np
import pytest
from onnx_models import make_region_model
from onnx_nets import make_net
from PIL import Image

from dida_view.cli import main


@pytest.fixture
def scans(tmp_path):
    paths = []
    for i in range(2):
        img = np.random.default_rng(i).integers(0, 256, (40, 48), dtype=np.uint8)
        paths.append(tmp_path / f"scan{i}.png")
        Image.fromarray(img).save(paths[-1])
    return paths


def _records(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_json_names_the_engine_and_both_engines_write_the_same_maps(tmp_path, scans, capsys):
    net = make_net(tmp_path / "net.onnx", "residual", size=(40, 48))
    d = {}
    for engine in ("full", "incremental"):
        out = tmp_path / engine
        rc = main(["analyze", str(scans[0]), "--model", str(net), "--grids", "3,5,7",
                   "--out", str(out), "--json", "--no-cache", "--engine", engine])
        assert rc == 0
        (rec,) = _records(capsys)
        assert rec["engine"] == engine and rec["engine_note"] is None
        d[engine] = np.load(next(o for o in rec["outputs"] if o.endswith("_dida.npz")))["d_7"]
    assert np.abs(d["full"] - d["incremental"]).max() <= 1e-4 * np.abs(d["full"]).max()


def test_a_model_without_a_local_prefix_says_so_once(tmp_path, scans, capsys):
    model = make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (0, 32, 0, 32)],
                              metadata={"preprocessing": {"input_size": [32, 32]}})
    rc = main(["analyze", *map(str, scans), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "o"), "--no-cache", "--engine", "incremental"])
    assert rc == 0
    notes = [ln for ln in capsys.readouterr().err.splitlines() if "full inference" in ln]
    assert len(notes) == 1 and notes[0].startswith("note: full inference: no useful local")
    rc = main(["analyze", str(scans[0]), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "o"), "--no-cache", "--json", "--engine", "incremental"])
    (rec,) = _records(capsys)
    assert rec["engine"] == "full" and "no useful local prefix" in rec["engine_note"]


def test_a_cached_result_names_the_engine_of_its_run(tmp_path, scans, capsys):
    net = make_net(tmp_path / "net.onnx", "plain", size=(40, 48))
    args = ["analyze", str(scans[0]), "--model", str(net), "--grids", "3",
            "--out", str(tmp_path / "o"), "--json"]
    main([*args, "--engine", "incremental"])
    main([*args, "--engine", "full"])  # the same result: from the cache
    live, hit = _records(capsys)
    assert live["engine"] == "incremental" and not live["from_cache"]
    assert hit["from_cache"] and hit["engine"] is None
    assert hit["cached_run"]["engine"] == "incremental"


def test_a_bad_engine_is_refused(tmp_path, scans, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(scans[0]), "--engine", "fast"])
    assert exc.value.code == 2 and "invalid choice: 'fast'" in capsys.readouterr().err
