"""The model fingerprint covers every file of the model, taken before the session opens."""

import os

import numpy as np
import onnx
import pytest
from onnx import external_data_helper
from onnx_models import make_region_model

from dida_view.errors import ModelError
from dida_view.method.analysis import Settings, analyze
from dida_view.method.cache import ResultCache
from dida_view.model.files import external_locations, fingerprint_model
from dida_view.model.onnx import OnnxClassifier

REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32)]


def external_model(tmp_path, one_file=True):
    """The region model saved with its weights in external files."""
    src = make_region_model(tmp_path / "plain.onnx", REGIONS)
    model = onnx.load(str(src))
    path = tmp_path / "m.onnx"
    onnx.save_model(model, str(path), save_as_external_data=True,
                    all_tensors_to_one_file=one_file,
                    location="m.onnx.data" if one_file else None, size_threshold=0)
    return path


def swap_classes_in_data(path):
    """Swap the two classes' weight columns in place in the external data (same size)."""
    model = onnx.load(str(path), load_external_data=False)
    (w,) = [t for t in model.graph.initializer if t.name == "W"]
    info = dict((e.key, e.value) for e in w.external_data)
    data = path.parent / info["location"]
    raw = bytearray(data.read_bytes())
    start, length = int(info.get("offset", 0)), int(info["length"])
    cols = np.frombuffer(bytes(raw[start:start + length]), np.float32).reshape(-1, 2)
    raw[start:start + length] = np.ascontiguousarray(cols[:, ::-1]).tobytes()
    st = data.stat()
    data.write_bytes(bytes(raw))
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))  # a later edit


def image():
    img = np.full((32, 32), 40, np.uint8)
    img[:16, :16] = 250
    return img


@pytest.mark.parametrize("one_file", [True, False])
def test_external_locations_match_onnx(tmp_path, one_file):
    path = external_model(tmp_path, one_file)
    model = onnx.load(str(path), load_external_data=False)
    expected = sorted({dict((e.key, e.value) for e in t.external_data)["location"]
                       for t in external_data_helper._get_all_tensors(model)
                       if external_data_helper.uses_external_data(t)})
    assert len(expected) == (1 if one_file else 2)
    assert external_locations(path.read_bytes()) == expected
    files = fingerprint_model(path)
    assert [p.name for p in files.paths] == [path.name, *expected]


def test_swapped_external_weights_are_not_served_from_the_cache(tmp_path):
    path = external_model(tmp_path)
    cache_dir = tmp_path / "cache"
    old = OnnxClassifier(path)
    first = analyze(old, image(), Settings(grid_sizes=(2,)), cache=ResultCache(cache_dir))
    assert first.top(1) == [0]
    onnx_bytes = path.read_bytes()
    swap_classes_in_data(path)
    assert path.read_bytes() == onnx_bytes  # only the weights file changed

    # the model open before the edit notices it, and refuses rather than serve stale maps
    assert old.changed_on_disk()
    with pytest.raises(ModelError, match="changed on disk"):
        analyze(old, image(), Settings(grid_sizes=(2,)), cache=ResultCache(cache_dir))

    new = OnnxClassifier(path)
    assert not new.changed_on_disk() and new.fingerprint != old.fingerprint
    again = analyze(new, image(), Settings(grid_sizes=(2,)), cache=ResultCache(cache_dir))
    assert not again.from_cache
    assert again.top(1) == [1]  # the swapped weights' answer, not the cached one
    np.testing.assert_allclose(again.scores, first.scores[::-1], rtol=1e-5)


def test_fingerprint_is_taken_before_the_session_reads_the_files(tmp_path, monkeypatch):
    import onnxruntime as ort

    path = external_model(tmp_path)
    real = ort.InferenceSession

    def session_then_edit(*args, **kwargs):
        sess = real(*args, **kwargs)
        swap_classes_in_data(path)  # the weights change just after the session read them
        return sess

    monkeypatch.setattr(ort, "InferenceSession", session_then_edit)
    with pytest.raises(ModelError, match="changed while it was being opened"):
        OnnxClassifier(path)


def test_missing_external_weights_name_the_file(tmp_path):
    path = external_model(tmp_path)
    (tmp_path / "m.onnx.data").unlink()
    with pytest.raises(ModelError, match=r"external weights are missing \(m.onnx.data\)"):
        OnnxClassifier(path)
