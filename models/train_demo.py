"""Train the demo OCT classifier on synthetic scans and export it to ONNX.

Reproducible from its seeds; about 15-20 minutes on 2 CPU cores:

    pip install '.[train]'
    python models/train_demo.py --out models/dida_demo_oct.onnx

Training scans use seeds TRAIN_SEED0 + i, held-out scans EVAL_SEED0 + i (never used in
training). The exported model carries its labels and preprocessing in its ONNX metadata
(key ``dida_view``), so DiDA View needs nothing else to use it. The held-out evaluation
runs through DiDA View's own ONNX adapter and preprocessing, exactly as the app sees it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np

from dida_view import synthetic
from dida_view.model.preprocess import Preprocessing, prepare

TRAIN_SEED0 = 100_000
EVAL_SEED0 = 900_000
SECONDARY_EVERY = 4  # every 4th training scan carries a second, weaker finding
INPUT = (224, 224)
PREPROCESSING = Preprocessing(
    input_size=INPUT, squeeze_x=0.5, resize="letterbox", fill=0, interpolation="bilinear",
    color="grey", scale=1 / 255, mean=(0.2,), std=(0.2,),
)


def _make(args: tuple[int, int, bool]) -> tuple[np.ndarray, int]:
    index, seed0, allow_secondary = args
    label = synthetic.CLASSES[index % len(synthetic.CLASSES)]
    secondary = allow_secondary and label != "normal" and index % SECONDARY_EVERY == 0
    scan = synthetic.generate_scan(label, seed0 + index, secondary=True if secondary else False)
    pixels = prepare(scan.image, PREPROCESSING, INPUT, 1).pixels[..., 0]
    return pixels.astype(np.uint8), synthetic.CLASSES.index(label)


def make_data(count: int, seed0: int, secondary: bool, workers: int) -> tuple[np.ndarray, ...]:
    jobs = [(i, seed0, secondary) for i in range(count)]
    with mp.get_context("fork").Pool(workers) as pool:
        rows = pool.map(_make, jobs, chunksize=64)
    x = np.stack([r[0] for r in rows])
    y = np.array([r[1] for r in rows], dtype=np.int64)
    return x, y


def build_model(n_classes: int, dropout: float = 0.2):
    """The compact CNN of both bundled models (train_kermany.py uses it with dropout 0.3)."""
    import torch.nn as nn

    def conv(cin, cout, stride):
        return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True)]

    def block(cin, cout):
        return conv(cin, cout, 2) + conv(cout, cout, 1)

    # local convolutions only until the final pooling: evidence stays where it is
    layers = conv(1, 16, 2) + block(16, 24) + block(24, 48) + block(48, 64) + block(64, 96)
    layers += [nn.Conv2d(96, 128, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(inplace=True),
               nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout),
               nn.Linear(128, n_classes)]
    return nn.Sequential(*layers)


def train(x, y, *, epochs: int, batch: int, seed: int, log=print):
    import torch
    import torch.nn as nn

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = build_model(len(synthetic.CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    steps = epochs * (len(x) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps,
                                                pct_start=0.15)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    mean, std = PREPROCESSING.mean[0], PREPROCESSING.std[0]
    t0 = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        order = rng.permutation(len(x))
        correct = seen = 0
        for s in range(0, len(order) - batch + 1, batch):
            idx = order[s : s + batch]
            xb = x[idx].astype(np.float32) / 255.0
            # light augmentation: mirror (nasal/temporal), brightness and contrast jitter
            flip = rng.random(len(idx)) < 0.5
            xb[flip] = xb[flip, :, ::-1]
            gain = rng.uniform(0.85, 1.15, (len(idx), 1, 1)).astype(np.float32)
            xb = np.clip(xb * gain, 0, 1)
            xt = torch.from_numpy((xb - mean) / std)[:, None]
            yt = torch.from_numpy(y[idx])
            opt.zero_grad()
            out = model(xt)
            loss = loss_fn(out, yt)
            loss.backward()
            opt.step()
            sched.step()
            correct += int((out.argmax(1) == yt).sum())
            seen += len(idx)
        log(f"epoch {epoch + 1}/{epochs}: train acc {correct / seen:.3f}, "
            f"loss {loss.item():.3f}, {time.perf_counter() - t0:.0f} s")
    return model


def export(model, path: Path) -> None:
    import onnx
    import torch

    model.eval()
    dummy = torch.zeros(1, 1, *INPUT)
    torch.onnx.export(model, dummy, str(path), dynamo=False, input_names=["image"],
                      output_names=["logits"], opset_version=17,
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}})
    m = onnx.load(str(path))
    meta = {
        "labels": synthetic.CLASSES,
        "output": "logits",
        "description": "DiDA View demo: a compact CNN trained on synthetic OCT B-scans "
                       f"(generator {synthetic.GENERATOR_VERSION}). Not for clinical use.",
        "preprocessing": PREPROCESSING.to_dict(),
    }
    del m.metadata_props[:]
    onnx.helper.set_model_props(m, {"dida_view": json.dumps(meta)})
    onnx.save(m, str(path))


def evaluate(path: Path, count: int, workers: int, secondary: bool = False) -> dict:
    """Top-1 / top-3 and the confusion matrix on held-out scans, through the app's adapter.

    ``secondary``: every 4th lesion scan also carries a second, weaker finding.
    """
    from dida_view.model.onnx import OnnxClassifier

    clf = OnnxClassifier(path, device="cpu")
    labels = clf.labels
    x, y = make_data(count, EVAL_SEED0, secondary=secondary, workers=workers)
    raw = np.concatenate([clf.raw(x[s : s + 64, :, :, None].astype(np.float32))
                          for s in range(0, len(x), 64)])
    order = np.argsort(-raw, axis=1)
    top1 = float(np.mean(order[:, 0] == y))
    top3 = float(np.mean(np.any(order[:, :3] == y[:, None], axis=1)))
    cm = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y, order[:, 0], strict=True):
        cm[t, p] += 1
    return {"count": count, "top1": top1, "top3": top3, "labels": labels,
            "confusion": cm.tolist(), "eval_seeds": [EVAL_SEED0, EVAL_SEED0 + count - 1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="models/dida_demo_oct.onnx")
    ap.add_argument("--train-count", type=int, default=8000)
    ap.add_argument("--eval-count", type=int, default=1000)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", help="npz file to keep the generated training set in")
    ap.add_argument("--evaluate-only", action="store_true",
                    help="only evaluate the model at --out (no training)")
    ap.add_argument("--eval-secondary", action="store_true",
                    help="evaluate on held-out scans where every 4th has a second finding")
    args = ap.parse_args()
    if args.evaluate_only:
        m = evaluate(Path(args.out), args.eval_count, args.workers, args.eval_secondary)
        print(json.dumps(m))
        return

    import torch

    torch.set_num_threads(args.workers)
    t0 = time.perf_counter()
    cache = Path(args.cache) if args.cache else None
    if cache and cache.exists():
        data = np.load(cache)
        x, y = data["x"], data["y"]
    else:
        x, y = make_data(args.train_count, TRAIN_SEED0, secondary=True, workers=args.workers)
        if cache:
            np.savez(cache, x=x, y=y)
    t_data = time.perf_counter() - t0
    print(f"{len(x)} training scans in {t_data:.0f} s")
    model = train(x, y, epochs=args.epochs, batch=args.batch, seed=args.seed)
    t_train = time.perf_counter() - t0 - t_data
    out = Path(args.out)
    export(model, out)
    metrics = evaluate(out, args.eval_count, args.workers)
    metrics.update({
        "train_count": len(x), "train_seeds": [TRAIN_SEED0, TRAIN_SEED0 + len(x) - 1],
        "epochs": args.epochs, "seed": args.seed, "generator": synthetic.GENERATOR_VERSION,
        "seconds_data": round(t_data), "seconds_train": round(t_train),
        "seconds_total": round(time.perf_counter() - t0),
    })
    out.with_suffix(".metrics.json").write_text(json.dumps(metrics, indent=1))
    print(json.dumps({k: v for k, v in metrics.items() if k != "confusion"}))


if __name__ == "__main__":
    main()
