"""Packaging: where the data is found, the wheel carries it, --self-test, the About text."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

from dida_view import __version__, paths
from dida_view.cli import self_test as selftest
from dida_view.report import about

ROOT = Path(__file__).resolve().parents[1]
LABELS = ["Wet AMD", "CME", "normal"]
REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32), (0, 32, 0, 32)]
DEMO = paths.DEMO_MODEL_NAME
REAL = paths.REAL_MODEL_NAME


def _tiny_model(path: Path) -> Path:
    return make_region_model(path, REGIONS, softmax=True, metadata={
        "labels": LABELS, "description": "A tiny test model."})


def _scan(path: Path, diagnosis: str | None = "Wet AMD", model: str | None = None) -> Path:
    img = np.full((40, 80), 30, np.uint8)
    img[:20, :40] = 240  # the "Wet AMD" region of the tiny model is bright
    Image.fromarray(img).save(path)
    if diagnosis is not None:
        sidecar = {"diagnosis": diagnosis, **({"model": model} if model else {})}
        path.with_suffix(".json").write_text(json.dumps(sidecar))
    return path


def _data_tree(root: Path, card: str | None = "# Demo card\n\nTrained on **synthetic** scans.\n",
               real: bool = False):
    """root/models/<demo>.onnx (+ card), root/resources/samples/01_Wet_AMD.png (+ json);
    ``real``: also a stand-in <real>.onnx and its sample 00_kermany_Wet_AMD_1.png, and the
    sidecars name their models."""
    (root / "models").mkdir(parents=True)
    (root / "resources" / "samples").mkdir(parents=True)
    _tiny_model(root / "models" / DEMO)
    if card is not None:
        (root / "models" / "README.md").write_text(card)
    _scan(root / "resources" / "samples" / "01_Wet_AMD.png", model=DEMO if real else None)
    if real:
        _tiny_model(root / "models" / REAL)
        _scan(root / "resources" / "samples" / "00_kermany_Wet_AMD_1.png", model=REAL)
    return root


@pytest.fixture
def no_data(monkeypatch, tmp_path):
    """paths sees no frozen app, an empty package and no checkout."""
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    pkg = tmp_path / "site" / "dida_view"
    pkg.mkdir(parents=True)
    monkeypatch.setattr(paths, "_PACKAGE", pkg)
    return pkg


# -- paths --------------------------------------------------------------------------------
def test_frozen_bundle_is_found_first(monkeypatch, tmp_path, no_data):
    bundle = _data_tree(tmp_path / "bundle")
    _data_tree(no_data / "_data")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert paths.demo_model_path() == bundle / "models" / DEMO
    assert paths.sample_images() == [bundle / "resources" / "samples" / "01_Wet_AMD.png"]
    assert paths.data_source() == "frozen"


def test_wheel_data_inside_the_package(no_data):
    _data_tree(no_data / "_data")
    assert paths.demo_model_path() == no_data / "_data" / "models" / DEMO
    assert paths.model_card_path() == no_data / "_data" / "models" / "README.md"
    assert [p.name for p in paths.sample_images()] == ["01_Wet_AMD.png"]
    assert paths.data_source() == "wheel"


def test_checkout_needs_its_pyproject(no_data):
    site = no_data.parent
    _data_tree(site)  # a stray models/ + resources/ in site-packages: not ours
    assert paths.demo_model_path() is None and paths.sample_images() == []
    assert paths.data_source() == "none"
    (site / "pyproject.toml").write_text("[project]\nname = 'dida-view'\n")
    assert paths.demo_model_path() == site / "models" / DEMO
    assert paths.data_source() == "checkout"


def test_nothing_installed(no_data):
    assert paths.models_dir() is None and paths.resources_dir() is None
    assert paths.demo_model_path() is None and paths.samples_dir() is None
    assert paths.sample_images() == [] and paths.icon_path() is None


def test_this_checkout_has_its_icons():
    for suffix in (".png", ".ico", ".icns"):
        p = ROOT / "resources" / "icons" / f"dida_view{suffix}"
        assert p.is_file() and p.stat().st_size < 1_000_000, p
    with Image.open(ROOT / "resources" / "icons" / "dida_view.png") as im:
        assert im.size == (256, 256) and im.mode == "RGBA"
    with Image.open(ROOT / "resources" / "icons" / "dida_view.ico") as im:
        assert (16, 16) in im.info["sizes"] and (256, 256) in im.info["sizes"]


def test_shipped_files_leave_out_scripts_and_caches(tmp_path):
    _data_tree(tmp_path)
    for name in ("models/train_demo.py", "models/checkpoint.pt", "models/.hidden.onnx",
                 "resources/icons/make_icons.py", "resources/__pycache__/x.pyc",
                 "resources/icons/dida_view.png", "models/dida_demo_oct.dida.json",
                 "models/oct_kermany.domain.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    rels = [rel for _src, rel in paths.shipped_data_files(tmp_path)]
    assert rels == sorted(rels)
    assert set(rels) == {"models/README.md", f"models/{DEMO}",
                         "models/dida_demo_oct.dida.json", "models/oct_kermany.domain.json",
                         "resources/icons/dida_view.png", "resources/samples/01_Wet_AMD.json",
                         "resources/samples/01_Wet_AMD.png"}


# -- the wheel ----------------------------------------------------------------------------
def _setuptools_can_build_wheels() -> bool:
    """setuptools >= 70.1 builds wheels by itself (no 'wheel' package, no download)."""
    try:
        v = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return False
    nums = [int(x) for x in re.findall(r"\d+", v)[:2]] + [0]
    return tuple(nums[:2]) >= (70, 1)


def _copy_checkout(dst: Path) -> Path:
    """The files a clean clone has that the build needs, without build leftovers."""
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "_data", "*.egg-info", ".*")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, dst / name)
    for name in ("dida_view", "models", "resources"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dst / name, ignore=skip)
    return dst


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if not (ROOT / "setup.py").is_file():
        pytest.skip("no setup.py: not a full checkout")
    src = _copy_checkout(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(out)]
    offline = _setuptools_can_build_wheels()
    if offline:
        cmd.insert(cmd.index("--no-deps"), "--no-build-isolation")
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    except subprocess.TimeoutExpired:
        pytest.skip("building the wheel took over 300 s")
    if proc.returncode != 0:
        text = proc.stdout + proc.stderr
        if "No module named pip" in text:
            pytest.skip("pip is not available to build the wheel")
        if not offline and re.search(r"No matching distribution|Could not find a version|"
                                     r"Failed to establish|Network is unreachable|"
                                     r"Temporary failure in name resolution", text):
            pytest.skip("cannot build the wheel: setuptools >= 70.1 is not installed and "
                        "the package index cannot be reached")
        pytest.fail(f"building the wheel failed:\n{text[-4000:]}")
    wheels = sorted(out.glob("dida_view-*.whl"))
    assert len(wheels) == 1, list(out.iterdir())
    return wheels[0]


def test_wheel_carries_the_model_card_and_samples(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    shipped = paths.shipped_data_files(ROOT)
    assert shipped, "the checkout has no models/ or resources/ to ship"
    for _src, rel in shipped:
        assert f"dida_view/_data/{rel}" in names, rel
    data = {n for n in names if n.startswith("dida_view/_data/")}
    assert len(data) == len(shipped)  # nothing else: no scripts, no caches
    assert not any(n.endswith(".py") for n in data)
    if (ROOT / "models" / DEMO).is_file():
        assert f"dida_view/_data/models/{DEMO}" in names
        assert "dida_view/_data/models/README.md" in names
    samples = sorted(p.name for p in (ROOT / "resources" / "samples").glob("*.png"))
    assert samples == sorted(Path(n).name for n in data
                             if n.startswith("dida_view/_data/resources/samples/")
                             and n.endswith(".png"))
    for s in samples:
        assert f"dida_view/_data/resources/samples/{Path(s).stem}.json" in names
    assert "dida_view/cli/self_test.py" in names and "dida_view/report/about.py" in names
    # the message catalogue, inside the package: the .ts core reads, the .qm Qt reads
    cat = sorted(p.name for p in (ROOT / "dida_view" / "catalogue").glob("*.[qt][ms]"))
    assert cat == ["dida_view_ja.qm", "dida_view_ja.ts"]
    assert {f"dida_view/catalogue/{q}" for q in cat} <= names
    assert not any(n.split("/")[0] in ("models", "resources", "tests") for n in names)
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        entry = z.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert f"Version: {__version__}" in meta
    assert "dida-view = dida_view.cli:main" in entry


def test_wheel_carries_both_models_every_sample_and_the_fonts(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    data = "dida_view/_data/"
    for m in paths.BUNDLED_MODELS:
        if (ROOT / "models" / m.file).is_file():
            assert f"{data}models/{m.file}" in names, m.file
    samples = ROOT / "resources" / "samples"
    kinds = set()
    for p in samples.iterdir():  # the real .jpeg scans too, each with its sidecar
        if p.suffix.lower() in paths.IMAGE_SUFFIXES:
            kinds.add(p.suffix.lower())
            assert f"{data}resources/samples/{p.name}" in names, p.name
            assert f"{data}resources/samples/{p.stem}.json" in names, p.name
    if any(p.name.startswith("00_kermany_") for p in samples.iterdir()):
        assert ".jpeg" in kinds and f"{data}resources/samples/README.md" in names
    fonts = ROOT / "resources" / "fonts"
    for p in fonts.glob("*") if fonts.is_dir() else ():
        shipped = f"{data}resources/fonts/{p.name}" in names
        assert shipped == (p.suffix != ".py"), p.name  # the font and its licence, no script
    for p in (ROOT / "dida_view" / "catalogue").glob("*.[qt][ms]"):
        assert f"dida_view/catalogue/{p.name}" in names, p.name


def test_build_spec_ships_what_the_wheel_ships():
    """build.spec takes its data from paths.shipped_data_files, as setup.py does."""
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert "shipped_data_files(ROOT)" in spec and "BUNDLED_MODELS" in spec
    rels = {rel for _src, rel in paths.shipped_data_files(ROOT)}
    for m in paths.BUNDLED_MODELS:
        if (ROOT / "models" / m.file).is_file():
            assert f"models/{m.file}" in rels
    assert {f"resources/samples/{p.name}" for p in paths.sample_images()} <= rels


def test_unpacked_wheel_finds_its_own_data(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    code = ("import json; from dida_view import paths; print(json.dumps({"
            "'source': paths.data_source(), 'models': str(paths.models_dir()), "
            "'samples': [p.name for p in paths.sample_images()]}))")
    env = dict(os.environ, PYTHONPATH=str(site))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert found["source"] == "wheel"
    has_models = any(rel.startswith("models/") for _src, rel in paths.shipped_data_files(ROOT))
    assert found["models"] == (str(site / "dida_view" / "_data" / "models") if has_models
                               else "None")
    assert found["samples"] == sorted(p.name for p in (ROOT / "resources" / "samples").iterdir()
                                      if p.suffix in paths.IMAGE_SUFFIXES)


# -- --self-test --------------------------------------------------------------------------
def test_self_test_passes_on_a_known_answer_model(tmp_path, capsys):
    model = _tiny_model(tmp_path / "m.onnx")
    scan = _scan(tmp_path / "01_Wet_AMD.png")
    rc = selftest.run(["--model", str(model), "--image", str(scan), "--grids", "2,4", "--cpu"])
    out = capsys.readouterr().out.strip()
    assert rc == 0, out
    # a 16 x 32 content box: square cells, grids 2 and 4 have 1 x 2 and 2 x 4 of them
    assert re.fullmatch(r"self-test ok: 01_Wet_AMD\.png -> Wet AMD \d\.\d\d "
                        r"\(10 evaluations, \d+\.\d s, CPUExecutionProvider\)", out), out


def test_self_test_checks_each_bundled_model_with_its_sample(no_data, capsys):
    _data_tree(no_data / "_data", real=True)
    assert selftest.run(["--grids", "2", "-v"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert "data from wheel" in out
    assert [line.split(" (")[0][:-5] for line in lines if line.startswith("self-test ok")] == [
        "self-test ok: 00_kermany_Wet_AMD_1.png -> Wet AMD",
        "self-test ok: 01_Wet_AMD.png -> Wet AMD"]
    models = [line.split("/")[-1] for line in lines if line.startswith("model: ")]
    assert models == [REAL, DEMO]


def test_self_test_of_this_checkout_checks_both_real_models(capsys):
    if paths.bundled_model(paths.default_model_path()) is None:
        pytest.skip("no bundled models in this checkout")
    assert selftest.run(["--grids", "3", "--cpu"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "00_kermany_" in out and "01_Wet_AMD.png -> Wet AMD" in out
    assert out.count("self-test ok: ") == len(paths.BUNDLED_MODELS) == 2


@pytest.mark.parametrize("case, reason", [
    ("no model", "the bundled model dida_demo_oct.onnx is missing"),
    ("no real model", "the bundled model oct_kermany.onnx is missing"),
    ("no sample", "no sample scans of dida_demo_oct.onnx"),
    ("wrong class", "top class Wet AMD"),
    ("unknown class", "is not one of the model's classes"),
    ("no diagnosis", "no diagnosis"),
    ("not onnx", "self-test failed: "),
])
def test_self_test_fails_with_a_reason(tmp_path, no_data, capsys, case, reason):
    data = _data_tree(no_data / "_data", real=True)
    sample = data / "resources" / "samples" / "01_Wet_AMD.png"
    if case == "no model":
        (data / "models" / DEMO).unlink()
    elif case == "no real model":
        (data / "models" / REAL).unlink()
    elif case == "no sample":
        sample.unlink()
    elif case == "wrong class":
        sample.with_suffix(".json").write_text(json.dumps({"diagnosis": "CME", "model": DEMO}))
    elif case == "unknown class":
        sample.with_suffix(".json").write_text(json.dumps({"diagnosis": "Glaucoma",
                                                           "model": DEMO}))
    elif case == "no diagnosis":  # no diagnosis in it: only the model it belongs to
        sample.with_suffix(".json").write_text(json.dumps({"model": DEMO}))
    elif case == "not onnx":
        (data / "models" / DEMO).write_bytes(b"not a model")
    assert selftest.run(["--grids", "2"]) == 1
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert captured.out == "" and len(err.splitlines()) == 1, err
    assert err.startswith("self-test failed: ") and reason in err, err


def test_self_test_through_the_cli_does_not_import_qt(tmp_path):
    model = _tiny_model(tmp_path / "m.onnx")
    scan = _scan(tmp_path / "s.png", diagnosis=None)
    code = ("import sys; from dida_view.cli import main; "
            f"rc = main(['--self-test', '--model', {str(model)!r}, '--image', {str(scan)!r}, "
            "'--expect', 'Wet AMD', '--grids', '3']); "
            "from dida_view.report.about import about_markdown; about_markdown(); "
            "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))); "
            "print('qt modules:', qt); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "self-test ok: s.png -> Wet AMD" in proc.stdout
    assert "qt modules: []" in proc.stdout


# -- About ---------------------------------------------------------------------------------
def test_about_shows_version_card_licences_and_notice(tmp_path, no_data):
    card = ("# DiDA demo model\n\nA CNN trained on *synthetic* scans; `10` classes.\n\n"
            "| class | recall |\n|---|---|\n| Wet AMD | 0.95 |\n\n- not for diagnosis\n"
            "- <script>alert(1)</script>\n\n```\n# not a heading\n```\n")
    data = _data_tree(no_data / "_data", card=card)
    text = about.about_markdown()
    assert text.startswith(f"# DiDA View {__version__}\n")
    # the card as it is (Qt renders it), its headings under the page's own
    assert "### DiDA demo model" in text and "# not a heading" in text
    assert "| Wet AMD | 0.95 |" in text and "- <script>alert(1)</script>" in text
    assert "(the demo model)" in text
    for needle in ("LGPL v3", "PySide6", "ONNX Runtime", "MIT", "NumPy", "BSD 3-Clause",
                   "Pillow", "HPND", "not a medical device", "replace"):
        assert needle.lower() in text.lower(), needle
    assert "| NumPy " in text  # the licences are a table
    # the same file by another path is still the demo model
    assert about.about_markdown(str(data / "models" / ".." / "models" / DEMO)) == text


def test_about_other_model_shows_its_description(tmp_path, no_data):
    _data_tree(no_data / "_data")
    other = _tiny_model(tmp_path / "mine.onnx")
    text = about.about_markdown(other, "My retina model.\n\nTrained on 12 scans.")
    assert "mine.onnx" in text and "My retina model." in text
    in_use = text.split("## Data attribution")[0]  # the bundled cards come after it
    assert "Demo card" not in in_use and "Demo card" in text.split("## Bundled models")[1]
    # without a description: the sidecar's, else a plain note
    (tmp_path / "mine.dida.json").write_text(json.dumps({"description": "From the sidecar."}))
    assert "From the sidecar." in about.about_markdown(other)
    (tmp_path / "mine.dida.json").unlink()
    assert "no description" in about.about_text(other)
    assert "unknown training data" in about.about_text(other)


def test_about_without_any_model(no_data):
    text = about.about_text()
    assert "no bundled model is installed" in text and "Not a medical device" in text
    assert "not installed)" in text  # the bundled models are listed as missing


def test_about_has_the_attribution_and_each_bundled_models_card():
    import onnxruntime as ort

    real = paths.bundled_model(paths.REAL_MODEL_NAME).path()
    if real is None or paths.model_card_path() is None:
        pytest.skip("no bundled real-data model in this checkout")
    text = about.about_markdown(real)
    assert "## Model in use: `oct_kermany.onnx`" in text
    assert "Kermany" in text and "CC BY 4.0" in text and "doi:10.17632/rscbjbr9sj.2" in text
    assert "### Model card: `oct_kermany.onnx`" in text
    assert "### Model card: `dida_demo_oct.onnx`" in text
    assert text.index("## Bundled models") < text.index("### Model card: `oct_kermany.onnx`")
    meta = ort.InferenceSession(str(real), providers=["CPUExecutionProvider"]
                                ).get_modelmeta().custom_metadata_map
    assert json.loads(meta["dida_view"])["attribution"] == about.KERMANY_ATTRIBUTION


def test_card_sections_split_by_the_models_headings():
    card = ("# Model card: `dida_demo_oct.onnx`\n\nsynthetic\n\n## Samples\n\n```\n"
            "# Model card: `oct_kermany.onnx` in a fence\n```\n\n"
            "# Model card: `oct_kermany.onnx`\n\nreal\n")
    cards = about.card_sections(card)
    assert cards[DEMO].startswith("# Model card: `dida_demo_oct.onnx`")
    assert "in a fence" in cards[DEMO] and "real\n" not in cards[DEMO]
    assert cards[REAL] == "# Model card: `oct_kermany.onnx`\n\nreal"
    assert about.card_sections("# An old card\n\ntext") == {DEMO: "# An old card\n\ntext"}


def test_frozen_app_takes_the_translations():
    """build.spec adds the catalogue (dida_view/catalogue/*.qm and *.ts) at the same path
    (read as text: running the spec needs PyInstaller)."""
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert '"dida_view" / "catalogue").glob("*.[qt][ms]")' in spec
    assert '"dida_view/catalogue"' in spec
