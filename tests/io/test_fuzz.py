"""Fuzzing the loader and the JSON readers: every case a scan (or an opened model) or one
clean error line, none a hang.

The corpus (tests/fuzz_corpus.py, tests/fuzz_json.py) runs in a child process that
announces each case, so a case that takes longer than CASE_SECONDS is a hang: the child is
killed and the case named. Valid seeds of every format are truncated, flipped,
overwritten and spliced; JPEG 2000 DICOM gets borderline codestream header fields; image
and model sidecars and model metadata get nested and broken JSON, and model
configurations values of wrong types and sizes. About 20 s on a 2-core machine.
"""

import os
import selectors
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

CASES = 2500
SEED = 20261126
CASE_SECONDS = 20.0  # a case takes milliseconds; this is for a loaded 2-core machine
START_SECONDS = 120.0  # the child's imports and seed files, before the first case
HERE = Path(__file__).resolve().parent.parent


def test_fuzz_corpus_ends_in_a_scan_or_a_clean_error(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(HERE.parent), str(HERE), os.environ.get("PYTHONPATH", "")]))
    # stderr apart: C libraries (libtiff) write their messages there, which the CLI shows
    # as notes; a crash of the child shows there too, and is reported below
    errors = open(tmp_path / "stderr.txt", "w+")  # noqa: SIM115 - closed in finally
    child = subprocess.Popen(
        [sys.executable, str(HERE / "fuzz_corpus.py"), str(SEED), str(CASES), str(tmp_path)],
        stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
    sel = selectors.DefaultSelector()
    sel.register(child.stdout, selectors.EVENT_READ)
    bad, done, current = [], 0, None
    try:
        while True:
            if not sel.select(timeout=CASE_SECONDS if current is not None else START_SECONDS):
                what = f"fuzz case {current}" if current is not None else "the fuzz start"
                pytest.fail(f"{what} took more than {CASE_SECONDS} s (a hang)")
            line = child.stdout.readline()
            if not line:
                break
            word, _, rest = line.strip().partition(" ")
            if word == "start":
                current = rest
            elif word == "ok":
                done += 1
            elif word == "BAD":
                bad.append(rest)
                done += 1
            else:
                bad.append(f"case {current}: printed {line.strip()[:200]!r}")
    finally:
        child.kill()
        child.wait()
        errors.seek(0)
        stderr = errors.read()[-2000:]
        errors.close()
    assert not bad, f"{len(bad)} of {done} fuzz cases failed:\n" + "\n".join(bad[:20])
    assert done == CASES, f"the fuzz run stopped after {done} cases:\n{stderr}"


def test_intensity_rules_map_any_values_to_uint8():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import array_shapes, arrays

    from dida_view.errors import ImageError
    from dida_view.io import intensity

    dtypes = st.sampled_from([np.uint8, np.uint16, np.int16, np.int32, np.uint32,
                              np.float32, np.float64])

    @settings(max_examples=150, deadline=None, derandomize=True, database=None)
    @given(arrays(dtypes, array_shapes(min_dims=2, max_dims=2, max_side=12)),
           st.one_of(st.none(), st.integers(1, 40)))
    def check(a, bits):
        try:
            w = intensity.plan(a, bits=bits)
        except ImageError:
            assert a.dtype.kind == "f" and not np.isfinite(a).any()
            return
        out = w.apply(a)
        assert out.dtype == np.uint8 and out.shape == a.shape
        assert w.note is None or "\n" not in w.note

    assert hypothesis.__version__
    check()
