"""A seeded fuzz corpus for the scan loader, and its runner (used by tests/io/test_fuzz.py).

Seeds are small valid files made here (PNG of several kinds, JPEG, TIFF, DICOM, BMP,
GIF, and a Heidelberg .vol when eyepy is installed); each case is a seed truncated,
bit-flipped, overwritten in its header, spliced with random bytes, or pure random bytes,
saved under a suffix that matches it or not. The same seed gives the same cases.

Run as ``python fuzz_corpus.py SEED COUNT DIR``: for every case it prints ``start I``,
then ``ok I`` (a scan whose B-scans read as uint8, or a one-line ``DidaError``) or
``BAD I <what>`` (anything else), so the parent can time each case and kill a hang.
"""

from __future__ import annotations

import io
import sys
import traceback
import warnings
from pathlib import Path

import numpy as np
from PIL import Image

SUFFIXES = (".png", ".jpg", ".tif", ".bmp", ".gif", ".dcm", ".vol", ".bin")


def seeds(tmp: Path) -> list[tuple[str, bytes]]:
    rng = np.random.default_rng(1)
    out = []

    def pil(arr, fmt, suffix, mode=None, **kw):
        buf = io.BytesIO()
        (Image.fromarray(arr, mode) if mode else Image.fromarray(arr)).save(buf, fmt, **kw)
        out.append((suffix, buf.getvalue()))

    g = (rng.random((24, 32)) * 255).astype(np.uint8)
    pil(g, "PNG", ".png")
    pil((g.astype(np.uint16) * 16), "PNG", ".png")
    pil(np.dstack([g, g, g, g]), "PNG", ".png", "RGBA")
    pil(np.dstack([g, g // 2, g]), "JPEG", ".jpg", quality=80)
    pil(g.astype(np.float32) / 7, "TIFF", ".tif", "F")
    pil(g, "BMP", ".bmp")
    pil(g, "GIF", ".gif")
    buf = io.BytesIO()
    Image.fromarray(g).save(buf, "TIFF", save_all=True, append_images=[Image.fromarray(g)] * 2)
    out.append((".tif", buf.getvalue()))
    try:
        from dicom_files import write_dicom

        write_dicom(tmp / "s.dcm", g.astype(np.uint16) * 16, bits_stored=12,
                    WindowCenter=2000, WindowWidth=1000)
        write_dicom(tmp / "m.dcm", np.stack([g] * 3), frames=True)
        out += [(".dcm", (tmp / "s.dcm").read_bytes()), (".dcm", (tmp / "m.dcm").read_bytes())]
    except ImportError:
        pass
    try:
        import eyepy  # noqa: F401
        from vendor_files import write_vol

        write_vol(tmp / "v.vol", rng.random((2, 16, 12)).astype(np.float32), g[:16, :16],
                  hdr_size=256)
        out.append((".vol", (tmp / "v.vol").read_bytes()))
    except ImportError:
        pass
    return out


def cases(seed: int, count: int, tmp: Path):
    """``count`` (suffix, bytes) cases, the same for the same ``seed``."""
    rng = np.random.default_rng(seed)
    base = seeds(tmp)
    for _ in range(count):
        kind = rng.integers(6)
        suffix, data = base[rng.integers(len(base))]
        data = bytearray(data)
        if kind == 0:  # truncated
            data = data[:rng.integers(0, len(data))]
        elif kind == 1:  # bytes flipped anywhere
            for _ in range(rng.integers(1, 20)):
                data[rng.integers(len(data))] ^= 1 << rng.integers(8)
        elif kind == 2:  # header fields overwritten
            for _ in range(rng.integers(1, 6)):
                at = rng.integers(min(len(data), 400))
                data[at:at + 4] = rng.integers(0, 256, 4, dtype=np.uint8).tobytes()
        elif kind == 3:  # random bytes spliced in
            at = rng.integers(len(data))
            data[at:at + rng.integers(1, 200)] = rng.bytes(int(rng.integers(1, 300)))
        elif kind == 4:  # pure random bytes
            data = bytearray(rng.bytes(int(rng.integers(0, 3000))))
        else:  # a valid file under a suffix that may not match
            suffix = SUFFIXES[rng.integers(len(SUFFIXES))]
        yield suffix, bytes(data)


def check_one(path: Path) -> None:
    from dida_view.errors import DidaError
    from dida_view.io.reader import load_scan

    try:
        scan = load_scan(path)
        for i in range(min(len(scan), 3)):
            img = scan.slices[i]
            if img.dtype != np.uint8 or img.ndim not in (2, 3) or img.size == 0:
                raise AssertionError(f"bad slice {img.dtype} {img.shape}")
    except DidaError as exc:
        if "\n" in str(exc) or not str(exc).startswith(str(path)):
            raise AssertionError(f"error not one line naming the file: {exc!r}") from None


def main(seed: int, count: int, folder: Path) -> None:
    warnings.simplefilter("ignore")  # warnings are notes in the CLI; not failures here
    import logging

    logging.disable(logging.CRITICAL)
    for i, (suffix, data) in enumerate(cases(seed, count, folder)):
        path = folder / f"case{i}{suffix}"
        path.write_bytes(data)
        print(f"start {i}", flush=True)
        try:
            check_one(path)
        except BaseException as exc:  # noqa: BLE001 - any other outcome is the finding
            where = traceback.extract_tb(exc.__traceback__)[-1]
            print(f"BAD {i} {suffix} {type(exc).__name__}: {str(exc)[:150]!r} "
                  f"at {Path(where.filename).name}:{where.lineno}", flush=True)
        else:
            print(f"ok {i}", flush=True)
        path.unlink()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
