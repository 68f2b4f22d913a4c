"""One case, one answer on the command line: each case its own model, one score space for
the whole set (volumes too), probabilities everywhere, outputs that never destroy an input
or another run's files, and no names of DICOM files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from dicom_files import OPHTHALMIC_TOMOGRAPHY, write_dicom
from onnx_models import make_region_model
from PIL import Image

from dida_view import paths
from dida_view.cli import main
from dida_view.render.scoretext import format_score

POPPLER = shutil.which("pdftotext")
REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32)]


@pytest.fixture
def model(tmp_path):
    return make_region_model(tmp_path / "m.onnx", REGIONS, gain=60.0,
                             metadata={"labels": ["upper", "lower"]})


def _img(value):
    a = np.full((32, 32), 60, np.uint8)
    a[:16, :16] = value
    return a


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed (.ci/run installs it)")
def test_the_samples_report_agrees_on_all_22_in_probabilities(qapp, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    rc = main(["report", str(paths.samples_dir()), "--out", str(out), "--grids", "3"])
    assert rc == 0, capsys.readouterr().err
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                          capture_output=True, text=True).stdout
    cover = text.split("\f")[0]
    rows = [ln for ln in cover.splitlines() if " img-" in ln]
    assert len(rows) == 22
    assert all(ln.rstrip().endswith("agree") and "disagree" not in ln for ln in rows), rows
    assert "logit" not in cover and "log-odds" not in cover  # the scores are probabilities
    assert all(("0." in ln or ">0.999" in ln) for ln in rows)


def test_a_volume_has_one_score_space_across_its_b_scans(tmp_path, model, capsys):
    frames = np.stack([_img(70), _img(250), _img(250)])  # B-scan 1 alone does not saturate
    write_dicom(tmp_path / "opt.dcm", frames, frames=True, sop_class=OPHTHALMIC_TOMOGRAPHY)
    rc = main(["analyze", str(tmp_path / "opt.dcm"), "--model", str(model), "--grids", "2",
               "--slices", "all", "--json", "--no-cache", "--out", str(tmp_path / "o")])
    assert rc == 0
    recs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    emap = recs[-1]["evidence_map"]
    spaces = {r["score_space"] for r in recs[:-1]}
    assert spaces == {"logit"} and emap["score_space"] == "logit"
    assert str(np.load(emap["outputs"][1])["score_space"]) == "logit"
    # the band of B-scan 1 is in the same unit as the others, not 1/50 of them
    red = np.load(emap["outputs"][1])["red"]
    assert red[0].sum() > 0.05 * red[1].sum()


def test_shown_scores_are_probabilities(tmp_path, model, capsys):
    p = tmp_path / "s.png"
    Image.fromarray(_img(250)).save(p)
    rc = main(["analyze", str(p), "--model", str(model), "--grids", "2", "--json",
               "--no-cache", "--out", str(tmp_path / "o")])
    assert rc == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["score_space"] == "logit"  # the maps' unit
    assert rec["top"][0] == {"label": "upper",
                             "probability": pytest.approx(rec["probabilities"]["upper"])}
    rc = main(["analyze", str(p), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "o")])
    line = capsys.readouterr().out
    shown = format_score(rec["probabilities"]["upper"], "probability")
    assert f"upper {shown}" in line and "logit" not in line


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed (.ci/run installs it)")
def test_report_never_writes_over_an_input_and_keeps_the_old_report(qapp, tmp_path, model,
                                                                    capsys, monkeypatch):
    victim = tmp_path / "victim.png"
    Image.fromarray(_img(200)).save(victim)
    before = victim.read_bytes()
    rc = main(["report", str(victim), "--model", str(model), "--grids", "2",
               "--out", str(victim)])
    assert rc == 2 and victim.read_bytes() == before
    assert "error:" in capsys.readouterr().err
    rc = main(["report", str(victim), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "r.txt")])
    assert rc == 2 and not (tmp_path / "r.txt").exists()
    out = tmp_path / "r.pdf"
    out.write_bytes(b"%PDF the old report")
    from dida_view.cli import report as report_cli

    def interrupted(*a, **k):
        assert out.read_bytes() == b"%PDF the old report"  # untouched while it runs
        raise KeyboardInterrupt

    monkeypatch.setattr(report_cli, "build_entries", interrupted)
    assert main(["report", str(victim), "--model", str(model), "--grids", "2",
                 "--out", str(out)]) == 130
    assert out.read_bytes() == b"%PDF the old report"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_report_takes_dicom_from_folders_and_names_no_path(qapp, tmp_path, model, capsys):
    folder = tmp_path / "Doe_Jane_PID-99817"
    folder.mkdir()
    write_dicom(folder / "Doe_Jane_PID-99817.dcm", _img(200))
    Image.fromarray(_img(90)).save(folder / "b.jpeg")
    rc = main(["report", str(folder), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "r.html")])
    assert rc == 0, capsys.readouterr().err
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("<h2>") == 2  # both cases
    assert "Doe" not in page and "99817" not in page and str(tmp_path) not in page


def test_dicom_names_stay_out_of_stdout_and_json(tmp_path, model, capsys):
    p = tmp_path / "Doe_Jane_PID-99817.dcm"
    uid = write_dicom(p, _img(200))
    rc = main(["analyze", str(p), "--model", str(model), "--grids", "2", "--json",
               "--no-cache", "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert rc == 0 and "Doe" not in out and "99817" not in out
    rec = json.loads(out)
    assert rec["image"] == rec["case"] and rec["case"].startswith("dcm-")
    main(["analyze", str(p), "--model", str(model), "--grids", "2", "--no-cache",
          "--out", str(tmp_path / "o")])
    assert "Doe" not in capsys.readouterr().out
    main(["analyze", str(p), "--model", str(model), "--grids", "2", "--no-cache", "--json",
          "--keep-names", "--out", str(tmp_path / "o")])
    rec = json.loads(capsys.readouterr().out)
    assert rec["case"] == "Doe_Jane_PID-99817" and rec["image"] == str(p) and uid


def test_two_runs_into_one_folder_keep_their_own_files(tmp_path, model):
    imgs = []
    for i in range(6):
        p = tmp_path / f"s{i}.png"
        Image.fromarray(_img(80 + 30 * i)).save(p)
        imgs.append(str(p))
    cmd = [sys.executable, "-m", "dida_view", "analyze", *imgs, "--model", str(model),
           "--grids", "2,4,8", "--json", "--no-cache", "--out", str(tmp_path / "o")]
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outs = [r.communicate(timeout=300) for r in runs]
    assert all(r.returncode == 0 for r in runs), [o[1] for o in outs]
    recs = [json.loads(line) for out, _ in outs for line in out.splitlines()]
    files = [f for r in recs for f in r["outputs"]]
    assert len(recs) == 12 and len(files) == len(set(files))  # no file shared by two runs
    for r in recs:
        npz = np.load(r["outputs"][-1])
        assert npz["scores"] == pytest.approx(list(r["scores"].values()))
        for png in r["outputs"][:-1]:
            Image.open(png).load()  # none half-written
    left = [p.name for p in (tmp_path / "o").iterdir() if p.name.startswith(".")]
    assert left == []  # no lock or temporary file left behind


def test_the_audit_and_analyze_give_one_answer_per_case(tmp_path, capsys):
    """The same real scans through ``analyze --json`` and ``audit``: the same case ids,
    probabilities, top class, score space and domain check (one session, one model rule,
    one id, one result)."""
    folder = tmp_path / "scans"
    folder.mkdir()
    for f in sorted(paths.samples_dir().glob("00_kermany_*_1.jpeg")):
        shutil.copy(f, folder / f.name)  # with no sidecar: the default (real-data) model
    rc = main(["analyze", str(folder), "--grids", "3,5", "--json", "--out",
               str(tmp_path / "o")])
    assert rc == 0
    analysed = {r["case"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert main(["audit", str(folder), "--grids", "3,5", "--out", str(tmp_path / "a"),
                 "--workers", "1", "--no-html"]) == 0
    audited = {r["case"]: r for r in map(json.loads, (tmp_path / "a" / "cases.jsonl")
                                          .read_text().splitlines())}
    assert audited.keys() == analysed.keys() and len(audited) == 4
    for case, a in audited.items():
        r = analysed[case]
        assert a["top"] == r["top"][0]["label"]
        assert a["probabilities"] == pytest.approx(r["probabilities"], abs=1e-6)
        assert a["score_space"] == r["score_space"]
        assert a["domain_check"] == r["domain_check"]
