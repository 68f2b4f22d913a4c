"""Pick the bundled sample scans from synthetic candidates, using the demo model.

    python models/make_samples.py            # writes resources/samples/

One scan per class (the first candidate the demo model gets right) and a few scans with
a second, weaker finding that the model ranks second (differential diagnosis, as in the
paper's Fig. 5 and 6). Such a scan is named ``_close_call`` only when the program's own rule
(:func:`dida_view.render.scoretext.score_flags`) calls it one (the top two less than 0.05
apart in probability); the others are ``_two_findings``. Each scan gets a sidecar
``<stem>.json`` with its diagnosis (the ground truth of the generator), its findings, its
``kind`` (``clear``, ``close call`` or ``two findings``) and the seed that makes it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image

from dida_view import paths, synthetic
from dida_view.model.onnx import OnnxClassifier
from dida_view.model.preprocess import prepare
from dida_view.model.scores import to_space
from dida_view.render.export import slug
from dida_view.render.scoretext import score_flags

SEED0 = 700_000  # never used in training (100_000 + i) nor in the model card's test
CLOSE_CALLS = 4  # scans with a second finding
# the file name's ending per kind of sample
SUFFIXES = {"clear": "", "close call": "_close_call", "two findings": "_two_findings"}


def probabilities(clf: OnnxClassifier, image: np.ndarray) -> np.ndarray:
    px = prepare(image, clf.preprocessing, clf.input_size, clf.channels).pixels
    return to_space(clf.raw(px[None]), "probability", clf.outputs_probabilities)[0]


def kind_of(p: np.ndarray) -> str:
    """``close call`` when the viewer flags the top class as one, else ``two findings``."""
    top = int(np.argmax(p))
    return "close call" if score_flags(p, "probability").flag(top) else "two findings"


def sidecar(scan: synthetic.Scan, kind: str) -> dict:
    return {"diagnosis": scan.label, "long_name": synthetic.CLASS_NAMES[scan.label],
            "findings": scan.findings, "seed": scan.seed, "kind": kind,
            "generator": synthetic.GENERATOR_VERSION,
            "note": "synthetic scan made by dida-view's generator; not a patient",
            "model": "dida_demo_oct.onnx"}


def save(out: Path, index: int, scan: synthetic.Scan, kind: str) -> Path:
    stem = f"{index:02d}_{slug(scan.label)}" + SUFFIXES[kind]
    Image.fromarray(scan.image).save(out / f"{stem}.png", optimize=True)
    (out / f"{stem}.json").write_text(json.dumps(sidecar(scan, kind), indent=1) + "\n")
    return out / f"{stem}.png"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "resources" /
                                         "samples"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    clf = OnnxClassifier(paths.demo_model_path(), device="cpu")
    order = ["Wet AMD", "CME", "Early AMD", "Dry AMD", "ME", "SRD", "ERM", "MH", "RA", "normal"]
    index = 1
    for label in order:
        for i in range(200):
            scan = synthetic.generate_scan(label, SEED0 + 1000 * index + i)
            p = probabilities(clf, scan.image)
            if clf.labels[int(np.argmax(p))] == label and p.max() > 0.6:
                print(f"{save(out, index, scan, 'clear')}: p = {p.max():.3f}")
                break
        index += 1
    found = 0
    used: set[str] = set()
    for i in range(3000):
        label = [c for c in synthetic.CLASSES if c != "normal"][i % 9]
        if label in used:
            continue
        scan = synthetic.generate_scan(label, SEED0 + 50_000 + i, secondary=True)
        p = probabilities(clf, scan.image)
        top = np.argsort(-p)
        second = scan.findings[1]["label"] if len(scan.findings) > 1 else None
        if (clf.labels[top[0]] == label and clf.labels[top[1]] == second
                and p[top[0]] - p[top[1]] < 0.3):
            print(f"{save(out, index, scan, kind_of(p))}: {label} {p[top[0]]:.3f} vs "
                  f"{second} {p[top[1]]:.3f}")
            used.add(label)
            index += 1
            found += 1
            if found == CLOSE_CALLS:
                break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
