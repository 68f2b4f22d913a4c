"""Unix conventions of ``dida-view analyze`` (issue 9, A8): a closed pipe ends it quietly,
and library warnings reach stderr only as our own ``note:`` lines."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image, features

REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32)]


@pytest.fixture
def model(tmp_path):
    return make_region_model(tmp_path / "m.onnx", REGIONS, metadata={"labels": ["a", "b"]})


@pytest.fixture
def scans(tmp_path):
    paths = []
    for i in range(4):
        img = np.full((40, 80), 50 + 40 * i, np.uint8)
        img[:20, :40] = 240
        paths.append(tmp_path / f"scan{i}.png")
        Image.fromarray(img).save(paths[-1])
    return paths


def _analyze(tmp_path, model, images, *extra):
    return [sys.executable, "-m", "dida_view", "analyze", *map(str, images), "--model",
            str(model), "--out", str(tmp_path / "out"), "--no-cache", "--grids", "2,4,8", *extra]


def _assert_only_our_lines(stderr: str) -> None:
    for line in stderr.splitlines():
        assert line.startswith(("note: ", "error: ")), f"foreign stderr line: {line!r}"


def test_closed_stdout_exits_quietly_with_141(tmp_path, model, scans):
    # the reader is gone before the first line: as `... | head -c0`, deterministically
    proc = subprocess.Popen(_analyze(tmp_path, model, scans, "--json"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141, err
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err
    _assert_only_our_lines(err)


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("head") is None,
                    reason="needs bash and head")
@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_head_c1_pipeline_has_no_traceback(tmp_path, model, scans, fmt):
    cmd = " ".join(f"'{a}'" for a in _analyze(tmp_path, model, scans * 3, *fmt))
    r = subprocess.run(["bash", "-c", f"{cmd} | head -c1; echo \" ${{PIPESTATUS[0]}}\""],
                       capture_output=True, text=True, timeout=300)
    assert r.stdout.split()[-1] in ("0", "141")  # 0 when all was written before head quit
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr
    _assert_only_our_lines(r.stderr)


def test_nan_pixels_become_one_note(tmp_path, model):
    a = np.linspace(0, 1, 64 * 64, dtype=np.float32).reshape(64, 64)
    a[3, 3] = np.nan  # a float TIFF with a NaN pixel: windowed, with the NaN said once
    tif = tmp_path / "nan.tif"
    Image.fromarray(a, mode="F").save(tif)
    r = subprocess.run(_analyze(tmp_path, model, [tif]), capture_output=True, text=True,
                       timeout=120, env=dict(os.environ, PYTHONWARNINGS=""))
    assert r.returncode == 0, r.stderr
    assert "RuntimeWarning" not in r.stderr and ".py:" not in r.stderr
    assert f"note: {tif}: float data windowed" in r.stderr
    assert "1 NaN/infinite pixel(s) ignored" in r.stderr and "numpy:" not in r.stderr
    _assert_only_our_lines(r.stderr)


def test_pillow_warning_becomes_a_note(tmp_path, model):
    # Pillow's DecompressionBombWarning: the limit lowered to just below this scan's size
    # (twice the limit would be an error, which the figure's text masks stay far below)
    img = np.full((200, 400), 60, np.uint8)
    img[:100, :200] = 240
    big = tmp_path / "big.png"
    Image.fromarray(img).save(big)
    code = ("import sys, PIL.Image; PIL.Image.MAX_IMAGE_PIXELS = 200 * 400 - 1; "
            "from dida_view.cli import main; sys.exit(main(sys.argv[1:]))")
    cmd = [sys.executable, "-c", code, *_analyze(tmp_path, model, [big])[3:]]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "DecompressionBombWarning" not in r.stderr and ".py:" not in r.stderr
    assert f"note: {big}: very large image" in r.stderr
    _assert_only_our_lines(r.stderr)


@pytest.mark.skipif(not features.check("libtiff"), reason="Pillow without libtiff")
def test_libtiff_messages_become_notes(tmp_path, model, scans):
    # an LZW TIFF with damaged strip data: libtiff prints "Using code not yet in table."
    # straight to file descriptor 2, past Python's warnings
    a = np.random.default_rng(0).integers(0, 255, (200, 200)).astype(np.uint8)
    good = tmp_path / "lzw.tif"
    Image.fromarray(a).save(good, compression="tiff_lzw")
    data = good.read_bytes()
    bad = tmp_path / "bad.tif"
    bad.write_bytes(data[:5000] + bytes(3000) + data[8000:])
    r = subprocess.run(_analyze(tmp_path, model, [bad, scans[0]]), capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 1  # the damaged one failed, the batch went on
    assert f"note: {bad}: libtiff: " in r.stderr and f"error: {bad}: cannot read" in r.stderr
    _assert_only_our_lines(r.stderr)
