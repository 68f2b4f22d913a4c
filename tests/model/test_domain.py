"""The domain check's statistics and its reference file, on data with known answers."""

import json

import numpy as np
import pytest

from dida_view.errors import ModelError
from dida_view.model.domain import (
    DomainResult,
    calibrate,
    fit_contrast,
    fit_gaussian,
    fold_of,
    shrunk_covariance,
)
from dida_view.model.domainref import (
    decode_array,
    encode_array,
    load_reference,
    reference_for,
    reference_from_dict,
    save_reference,
)


def _reference(x, groups=None, contrast=None, flag=5.0, fingerprint="model A",
               aspects=None):
    groups = np.arange(len(x)) if groups is None else groups
    return calibrate(x, groups, model_identity=fingerprint, model_file="m.onnx",
                     reference="test scans", cuts=["relu1", "relu2"], channel_groups=[1, 1],
                     flag_percent=flag, contrast=contrast, contrast_name="known outliers",
                     aspects=aspects)


def test_ledoit_wolf_matches_its_formula_and_shrinks_less_with_more_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 6)) * [1, 2, 3, 1, 1, 0.5]
    cov, a = shrunk_covariance(x)
    xc = x - x.mean(0)
    s = xc.T @ xc / len(x)
    mu = np.trace(s) / 6
    d2 = np.sum((s - mu * np.eye(6)) ** 2)
    b2 = sum(np.sum((np.outer(r, r) - s) ** 2) for r in xc) / len(x) ** 2
    assert a == pytest.approx(min(b2, d2) / d2)
    assert np.allclose(cov, a * mu * np.eye(6) + (1 - a) * s)
    _, a_many = shrunk_covariance(rng.normal(size=(3000, 6)) * [1, 2, 3, 1, 1, 0.5])
    assert a_many < a


def test_gaussian_distance_is_about_the_dimension_in_domain_and_large_outside():
    rng = np.random.default_rng(1)
    mix = rng.normal(size=(8, 8))
    x = rng.normal(size=(4000, 8)) @ mix + 5.0
    g = fit_gaussian(x)
    fresh = rng.normal(size=(2000, 8)) @ mix + 5.0
    d2 = np.exp(g.raw(fresh))
    assert np.mean(d2) == pytest.approx(8, rel=0.1)  # chi-square with 8 degrees of freedom
    far = fresh + 6 * mix[0]  # 6 standard deviations along one direction of the data
    assert np.median(np.exp(g.raw(far))) > 3 * np.median(d2)


def test_threshold_flags_the_set_share_of_new_in_domain_scans_and_all_far_ones():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(600, 5))
    cal = _reference(x, groups=np.arange(600) // 3)  # groups of 3 held out together
    assert cal.flagged.mean() == pytest.approx(0.05, abs=0.01)
    ref = cal.reference
    fresh = ref.score(rng.normal(size=(4000, 5)))
    assert np.mean(fresh > ref.threshold) == pytest.approx(0.05, abs=0.025)
    assert np.all(ref.score(rng.normal(size=(50, 5)) + 6) > ref.threshold)
    cal10 = _reference(x, flag=10.0)
    assert cal10.reference.threshold < ref.threshold


def test_groups_are_held_out_together():
    groups = np.repeat(np.arange(40), 3)
    fold = fold_of(groups, 5)
    for g in range(40):
        assert len(set(fold[groups == g])) == 1
    assert sorted(set(fold)) == [0, 1, 2, 3, 4]
    assert np.array_equal(fold, fold_of(groups, 5))  # seeded: the same every time


def test_the_contrast_finds_outliers_the_gaussian_calls_typical():
    """Known out-of-domain scans differ from the reference along one direction of many
    (a 4-sigma shift in 50 dimensions: the squared distance grows by about 16, its
    spread is 10), so the Gaussian calls many of them typical; the contrast learns the
    direction."""
    rng = np.random.default_rng(3)
    p = 50
    x = rng.normal(size=(1000, p))
    shift = np.zeros(p)
    shift[0] = 4.0
    outliers = rng.normal(size=(600, p)) + shift
    plain = _reference(x).reference
    with_contrast = _reference(x, contrast=outliers).reference
    new = rng.normal(size=(500, p)) + shift
    assert np.mean(plain.score(new) > plain.threshold) < 0.6
    assert np.mean(with_contrast.score(new) > with_contrast.threshold) > 0.9
    fresh = with_contrast.score(rng.normal(size=(3000, p)))
    assert np.mean(fresh > with_contrast.threshold) == pytest.approx(0.05, abs=0.025)
    far = rng.normal(size=(100, p)) * 3  # unlike both: still flagged (by the Gaussian)
    assert np.all(with_contrast.score(far) > with_contrast.threshold)
    c = fit_contrast(x, outliers, fit_gaussian(x), "o")
    assert np.mean(c.raw(outliers) > 0) > 0.95 and np.mean(c.raw(x) < 0) > 0.95


def test_calibrate_refuses_too_few_scans_one_group_or_a_bad_share():
    x = np.random.default_rng(4).normal(size=(30, 3))
    with pytest.raises(ValueError, match="at least 20"):
        _reference(x[:10])
    with pytest.raises(ValueError, match="at least 2"):
        _reference(x, groups=np.zeros(30))
    with pytest.raises(ValueError, match="flag percentage"):
        _reference(x, flag=0)


def test_result_json_and_note():
    r = DomainResult(False, 4.2567, 99.96, "test scans")
    assert r.to_json() == {"typical": False, "score": 4.257, "percentile": 100.0,
                           "reference": "test scans"}
    assert "unlike the model's reference scans (test scans)" in r.note
    assert "all of them" in r.note
    assert "87.5 %" in DomainResult(False, 2.0, 87.5, "x").note
    assert DomainResult(True, 0.1, 40.0, "x").note is None


def test_shapes_beyond_the_reference_range_are_not_covered():
    x = np.random.default_rng(10).normal(size=(60, 3))
    aspects = np.log(np.linspace(0.8, 1.6, 60))  # content 0.8 to 1.6 times as wide as high
    ref = _reference(x, aspects=aspects).reference
    lo, hi = np.exp(ref.aspect_range)
    assert lo == pytest.approx(0.8 / 1.25) and hi == pytest.approx(1.6 * 1.25)
    assert ref.shape_covered(np.log(1.0)) and ref.shape_covered(np.log(1.9))
    assert not ref.shape_covered(np.log(0.5)) and not ref.shape_covered(np.log(2.2))
    assert _reference(x).reference.shape_covered(np.log(50.0))  # no shapes given: any
    r = DomainResult(False, 0.3, 40.0, "test scans", float(np.log(3.0)), ref.aspect_range)
    assert not r.shape_covered
    assert "shape is unlike" in r.note and "3.00 times as wide as high" in r.note
    assert "0.64-2.00" in r.note
    assert r.to_json() == {"typical": False, "score": 0.3, "percentile": 40.0,
                           "reference": "test scans"}


def test_arrays_round_trip_exactly_in_float32_and_lower_triangles_pack():
    a = np.random.default_rng(5).normal(size=(7, 7))
    low = np.tril(a)
    d = encode_array(low, lower=True)
    assert len(json.dumps(d)) < len(json.dumps(encode_array(low)))
    assert np.array_equal(decode_array(d, "w"), low.astype(np.float32))
    assert np.array_equal(decode_array(encode_array(a[0]), "v"), a[0].astype(np.float32))
    bad = dict(encode_array(a[0]), shape=[8])
    with pytest.raises(ValueError, match="bytes for shape"):
        decode_array(bad, "v")
    nan = encode_array(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="NaN"):
        decode_array(nan, "v")


def test_reference_file_round_trip_and_fingerprint(tmp_path):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(60, 4))
    ref = _reference(x, contrast=rng.normal(size=(40, 4)) + 2,
                     aspects=rng.uniform(-0.5, 0.5, 60)).reference
    path = save_reference(ref, tmp_path / "m.domain.json")
    back = load_reference(path)
    assert back.aspect_range == pytest.approx(ref.aspect_range)
    assert back.fingerprint == ref.fingerprint == load_reference(path).fingerprint
    probe = rng.normal(size=(20, 4))
    assert np.allclose(back.score(probe), ref.score(probe), atol=1e-4)
    assert back.threshold == ref.threshold and back.cuts == ("relu1", "relu2")
    d = json.loads(path.read_text())
    d["calibration"]["threshold"] += 0.5
    assert reference_from_dict(d).fingerprint != ref.fingerprint
    assert (path.stat().st_mode & 0o777) != 0o600  # not the temporary file's private mode


@pytest.mark.parametrize("text, problem", [
    ("{not json", "not JSON"),
    ('{"format": "something else"}', "not a DiDA View domain reference"),
    ('{"format": "dida-view domain reference", "version": 99}', "version 99"),
    ('{"format": "dida-view domain reference", "version": 1}', "missing or bad field"),
])
def test_a_broken_reference_is_one_line_naming_the_file(tmp_path, text, problem):
    p = tmp_path / "m.domain.json"
    p.write_text(text)
    with pytest.raises(ModelError, match=problem) as info:
        load_reference(p)
    assert str(p) in str(info.value) and "\n" not in str(info.value)
    ref, note = reference_for(tmp_path / "m.onnx", "model A")
    assert ref is None and problem in note


def test_a_reference_for_other_weights_is_not_used(tmp_path):
    x = np.random.default_rng(7).normal(size=(40, 3))
    save_reference(_reference(x, fingerprint="model A").reference, tmp_path / "m.domain.json")
    ref, note = reference_for(tmp_path / "m.onnx", "model A")
    assert ref is not None and note is None
    ref, note = reference_for(tmp_path / "m.onnx", "model B")
    assert ref is None and "another version of this model" in note
    assert reference_for(tmp_path / "other.onnx", "model A") == (None, None)


def test_the_model_identity_ignores_how_a_value_is_written_not_what_it_is():
    from types import SimpleNamespace

    from dida_view.model.domainref import model_identity
    from dida_view.model.preprocess import Preprocessing

    def clf(digest="abc", **pre):
        return SimpleNamespace(files=SimpleNamespace(digest=digest), labels=["a", "b"],
                               output_name="logits", info=SimpleNamespace(output_kind="logits"),
                               preprocessing=Preprocessing(input_size=(192, 192), **pre))

    base = model_identity(clf(fill=0, squeeze_x=0.5))
    assert model_identity(clf(fill=0.0, squeeze_x=0.5)) == base  # 0 and 0.0 alike
    assert model_identity(clf(fill=0.0, squeeze_x=0.5, pad_before_resize=False)) == base
    assert model_identity(clf(fill=0, squeeze_x=1.0)) != base  # another preprocessing
    assert model_identity(clf("abd", fill=0, squeeze_x=0.5)) != base  # other weights
