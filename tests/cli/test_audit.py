"""``dida-view audit`` end to end: real scans (the bundled Spectralis exports) with a case
list, the three outputs, agreement by hand count, resuming, a killed run, volumes, failures
and what never reaches the outputs."""

import csv
import json
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

from dida_view import paths
from dida_view.cli import main

GRIDS = "3,5"  # few masked inferences: the answers tested do not depend on them


@pytest.fixture
def real_model():
    return paths.models_dir() / paths.REAL_MODEL_NAME


@pytest.fixture
def cohort(tmp_path):
    """The 8 real scans under names of their own, without their sidecars (so the case
    list's diagnoses are the readings), and a case list."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    truth = {}
    for i, f in enumerate(sorted(paths.samples_dir().glob("00_kermany_*.jpeg"))):
        dest = folder / f"patient smith {i}.jpeg"  # a name that must not leak
        shutil.copy(f, dest)
        truth[dest.name] = f.stem.split("_")[2]  # CNV, DME, DRUSEN, NORMAL
    return folder, truth


def write_list(folder, rows):
    path = folder / "cases.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "diagnosis"])
        w.writerows(rows)
    return path


def lines(out):
    return [json.loads(line) for line in (out / "cases.jsonl").read_text().splitlines()]


def test_audit_of_real_scans_with_a_case_list(tmp_path, cohort, real_model, capsys):
    folder, truth = cohort
    names = sorted(truth)
    # readings: the data set's label, but one read as something else, one by a synonym,
    # one not read, one a finding the model does not know
    readings = {n: truth[n] for n in names}
    readings[names[0]] = "drusen"  # CNV scan read as drusen: disagree
    readings[names[1]] = "choroidal neovascularisation"  # CNV by another name: agree
    readings[names[2]] = ""  # not read
    readings[names[3]] = "epiretinal membrane"  # no class of the model: disagree
    case_list = write_list(folder, [(n, readings[n]) for n in names])
    out = tmp_path / "audit"
    rc = main(["audit", str(case_list), "--model", str(real_model), "--out", str(out),
               "--grids", GRIDS])
    err = capsys.readouterr()
    assert rc == 0, err.err
    for name in ("cases.jsonl", "summary.json", "audit.html"):
        assert (out / name).is_file()
    recs = lines(out)
    assert len(recs) == 8 and all(r["status"] == "ok" for r in recs)
    # the hand count, from the model's own top classes (every sample is called right by it)
    by_reading = {r["reading"] or "": r for r in recs}
    assert {r["top"] for r in recs} == {"CNV", "DME", "DRUSEN", "NORMAL"}
    assert sorted(r["top"] for r in recs) == sorted(truth.values())
    agree = sum(1 for n in names if readings[n] and readings[n] not in (
        "drusen", "epiretinal membrane"))
    s = json.loads((out / "summary.json").read_text())
    assert (s["agree"], s["disagree"], s["unread"]) == (agree, 2, 1) == (5, 2, 1)
    assert s["accuracy"] == pytest.approx(5 / 7, abs=1e-4)
    assert by_reading["drusen"]["agreement"] == "disagree"
    assert by_reading["choroidal neovascularisation"]["agreement"] == "agree"
    assert by_reading[""]["agreement"] == "not_read"
    assert sum(s["confusion"]["matrix"][4]) == 1  # 'epiretinal membrane': no model class
    assert s["cases"] == 8 and s["failed"] == 0 and s["computed"] == 8
    assert s["model"]["file"] == "oct_kermany.onnx"
    # every record has what the issue lists
    r = recs[0]
    for key in ("case", "probabilities", "top", "close_call", "reading", "agreement",
                "domain_check", "evidence", "seconds", "engine", "model_fingerprint",
                "settings_fingerprint"):
        assert key in r
    assert set(r["evidence"]) >= {"padding", "bands", "border", "shortcut"}
    # the real model has reference scans: every record has the domain check's answer, and
    # the summary counts the atypical ones among them
    assert all(set(x["domain_check"]) >= {"typical", "score", "percentile", "reference"}
               for x in recs)
    assert s["domain_checked"] == 8
    assert s["atypical"] == sum(1 for x in recs if not x["domain_check"]["typical"])
    assert abs(sum(r["probabilities"].values()) - 1) < 1e-4
    assert all(r["case"].startswith("img-") for r in recs)
    # the DME scan with the export band is the one whose evidence lies most in bands
    assert s["evidence"]["bands"]["max"] > 0.2
    # no path, no file name in any output
    for f in ("cases.jsonl", "summary.json", "audit.html"):
        text = (out / f).read_text()
        assert "smith" not in text and str(tmp_path) not in text
    html = (out / "audit.html").read_text()
    assert "Not for diagnosis" in html and "data:image/png;base64," in html
    assert "@font-face" not in html  # an English page takes the reader's fonts
    assert "src='http" not in html and "src=\"http" not in html
    assert err.out.strip().startswith(str(out))

    # the same command again: everything is skipped, nothing is added
    before = (out / "cases.jsonl").read_bytes()
    rc = main(["audit", str(case_list), "--model", str(real_model), "--out", str(out),
               "--grids", GRIDS])
    assert rc == 0
    assert (out / "cases.jsonl").read_bytes() == before
    s2 = json.loads((out / "summary.json").read_text())
    assert (s2["skipped"], s2["computed"], s2["agree"]) == (8, 0, 5)
    assert "8 of 8 cases already in cases.jsonl" in capsys.readouterr().err

    # other settings are another audit in the same folder: run again, lines added
    rc = main(["audit", str(case_list), "--model", str(real_model), "--out", str(out),
               "--grids", "3", "--workers", "1", "--limit", "2"])
    assert rc == 0
    assert len(lines(out)) == 10
    s3 = json.loads((out / "summary.json").read_text())
    assert (s3["cases"], s3["skipped"], s3["computed"]) == (2, 0, 2)


def test_a_reading_changed_since_counts_as_it_is_now(tmp_path, cohort, real_model):
    folder, truth = cohort
    names = sorted(truth)[:2]
    out = tmp_path / "audit"
    args = ["--model", str(real_model), "--out", str(out), "--grids", "3", "--workers", "1"]
    assert main(["audit", str(write_list(folder, [(n, "") for n in names])), *args]) == 0
    assert json.loads((out / "summary.json").read_text())["unread"] == 2
    assert main(["audit", str(write_list(folder, [(n, truth[n]) for n in names])),
                 *args]) == 0
    s = json.loads((out / "summary.json").read_text())
    assert (s["skipped"], s["unread"], s["agree"]) == (2, 0, 2)


def test_the_page_in_japanese(tmp_path, cohort, real_model):
    """--lang ja: the page's words, the charts' and the figures' from the one catalogue;
    the ledger and summary stay as they are (English keys, for scripts)."""
    folder, truth = cohort
    names = sorted(truth)[:2]
    out = tmp_path / "audit"
    case_list = write_list(folder, [(n, "drusen") for n in names])  # both disagree: figures
    assert main(["audit", str(case_list), "--model", str(real_model), "--out", str(out),
                 "--grids", "3", "--workers", "1", "--lang", "ja"]) == 0
    page = (out / "audit.html").read_text(encoding="utf-8")
    assert "<html lang='ja'>" in page
    assert "data:font/otf;base64," in page  # the bundled Japanese font, inside the page
    style = page.split("<style>")[1].split("</style>")[0]
    assert style.count("{") == style.count("}")  # a stray brace drops the rules after it
    for words in ("DiDA View コホート監査", "医療機器ではありません。診断には使用できません。",
                  "医師の読影との一致", "最も強い不一致", "モデルの経験の外にあるスキャン"):
        assert words in page
    for words in ("Agreement with the clinicians' readings", "Not for diagnosis",
                  "strongest disagreements", "Does it lean on"):
        assert words not in page
    summary = json.loads((out / "summary.json").read_text())
    assert summary["disclaimer"] == "Not a medical device. Not for diagnosis."
    assert summary["disagree"] == 2


def region_model(tmp_path):
    return make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 32), (16, 32, 0, 32)],
                             metadata={"labels": ["top", "bottom"]})


def scan(path, bright_top: bool, seed=0):
    img = np.random.default_rng(seed).integers(0, 60, (64, 64), dtype=np.uint8)
    if bright_top:
        img[:32] += 150
    else:
        img[32:] += 150
    Image.fromarray(img).save(path)
    return path


def test_failures_volumes_limit_and_copies(tmp_path, capsys):
    model = region_model(tmp_path)
    d = tmp_path / "scans"
    d.mkdir()
    scan(d / "a.png", True, 1)
    scan(d / "b.png", False, 2)
    shutil.copy(d / "a.png", d / "a copy.png")  # the same scan twice: audited once
    (d / "broken.png").write_bytes(b"\x89PNG not really")
    pages = [Image.fromarray(np.asarray(Image.open(d / f))) for f in ("a.png", "b.png",
                                                                     "a.png")]
    pages[0].save(d / "vol.tif", save_all=True, append_images=pages[1:])
    out = tmp_path / "out"
    rc = main(["audit", str(d), "--model", str(model), "--out", str(out), "--grids", "2,4",
               "--slices", "all", "--workers", "1"])
    err = capsys.readouterr().err
    assert rc == 1  # the broken file
    assert "broken.png" in err and "copies of others" in err
    recs = lines(out)
    ids = [r["case"] for r in recs]
    assert len(ids) == 5  # a, b, and the volume's three B-scans
    vol = [r for r in recs if r["slices"] == 3]
    assert sorted(r["slice"] for r in vol) == [1, 2, 3]
    assert all(r["case"].endswith(f"_s00{r['slice']}") for r in vol)
    assert [r["top"] for r in sorted(vol, key=lambda r: r["slice"])] == ["top", "bottom",
                                                                          "top"]
    s = json.loads((out / "summary.json").read_text())
    assert s["failed"] == 1 and s["analysed"] == 5 and s["unreadable"] == 1
    out2 = tmp_path / "out2"
    assert main(["audit", str(d), "--model", str(model), "--out", str(out2), "--grids", "2",
                 "--limit", "3", "--workers", "1"]) == 0
    assert len(lines(out2)) == 2  # the first three: 'a copy', 'a' (the same scan) and 'b'


def test_bad_options_are_one_line_before_any_work(tmp_path, capsys):
    model = region_model(tmp_path)
    img = scan(tmp_path / "a.png", True)
    for extra, words in ((["--limit", "0"], "--limit must be >= 1, got 0"),
                         (["--workers", "0"], "--workers must be >= 1, got 0"),
                         (["--ray-address", "auto"], "--ray-address needs --executor ray")):
        rc = main(["audit", str(img), "--model", str(model), "--out", str(tmp_path / "o"),
                   *extra])
        err = capsys.readouterr().err
        assert rc == 2 and err.strip() == f"error: {words}"
    assert not (tmp_path / "o").exists()
    # each bundled sample names its own model: a set needs one
    samples = paths.samples_dir()
    rc = main(["audit", str(samples / "01_Wet_AMD.png"), str(samples / "00_kermany_CNV_1.jpeg"),
               "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and err.strip().startswith("error: the audit reads its set with one model")
    assert "give --model" in err and not (tmp_path / "o").exists()


def test_a_killed_run_leaves_whole_lines_and_resumes(tmp_path):
    """Kill the command (SIGKILL) once it has written a line: every line is whole, and the
    next run skips exactly what was written."""
    model = region_model(tmp_path)
    d = tmp_path / "scans"
    d.mkdir()
    for i in range(40):
        scan(d / f"s{i:02d}.png", i % 2 == 0, i)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "dida_view", "audit", str(d), "--model", str(model),
           "--out", str(out), "--grids", "2,4,8,16", "--workers", "1", "--no-cache"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ledger = out / "cases.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if ledger.is_file() and ledger.read_bytes().count(b"\n") >= 3:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    data = ledger.read_bytes()
    written = [json.loads(x) for x in data.splitlines()]
    assert data.endswith(b"\n") and len(written) >= 3
    rc = subprocess.run(cmd, capture_output=True, text=True)
    assert rc.returncode == 0, rc.stderr
    s = json.loads((out / "summary.json").read_text())
    assert s["skipped"] == len(written) and s["computed"] == 40 - len(written)
    assert s["analysed"] == 40 and len(lines(out)) == 40
