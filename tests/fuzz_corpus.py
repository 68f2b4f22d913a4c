"""A seeded fuzz corpus for the scan loader and the JSON the program reads, and its runner
(used by tests/io/test_fuzz.py).

File cases: seeds are small valid files made here (PNG of several kinds, JPEG, TIFF,
DICOM, JPEG 2000 DICOM (a codestream, two frames, the JP2 form), BMP, GIF, and a
Heidelberg .vol when eyepy is installed); each case is a seed truncated, bit-flipped,
overwritten in its header, spliced with random bytes, or pure random bytes, saved under a
suffix that matches it or not; a JPEG 2000 DICOM also gets its codestream header fields
(SIZ, the JP2 ihdr, the fragment lengths) set to borderline values. JSON and model cases
(tests/fuzz_json.py): image sidecars, model sidecars and metadata, nested and broken, and
model configurations with values of wrong types and sizes. The same seed gives the same
cases.

Run as ``python fuzz_corpus.py SEED COUNT DIR``: for every case it prints ``start I``,
then ``ok I`` (a scan whose B-scans read as uint8, a model that opens, or a one-line
``DidaError``) or ``BAD I <what>`` (anything else), so the parent can time each case and
kill a hang.
"""

from __future__ import annotations

import io
import struct
import sys
import traceback
import warnings
from pathlib import Path

import numpy as np
from PIL import Image

SUFFIXES = (".png", ".jpg", ".tif", ".bmp", ".gif", ".dcm", ".vol", ".bin")
# SIZ fields after SOC (offset, size): Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz,
# XTOsiz, YTOsiz, Csiz, then the first component's Ssiz, XRsiz, YRsiz (ISO 15444-1 A.5.1)
SIZ_FIELDS = ((4, 2), (6, 2), (8, 4), (12, 4), (16, 4), (20, 4), (24, 4), (28, 4), (32, 4),
              (36, 4), (40, 2), (42, 1), (43, 1), (44, 1))
FIELD_VALUES = (0, 1, 2, 3, 31, 32, 33, 48, 64, 255, 1024, 65535, 65536, 2_884_080,
                0x7FFFFFFF, 0xFFFFFFFF)
KINDS = ("file",) * 14 + ("image-json",) * 2 + ("model-json",) * 2 + ("model-config",) * 2


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
        from dicom_files import j2k_frame, write_dicom, write_encapsulated

        write_dicom(tmp / "s.dcm", g.astype(np.uint16) * 16, bits_stored=12,
                    WindowCenter=2000, WindowWidth=1000)
        write_dicom(tmp / "m.dcm", np.stack([g] * 3), frames=True)
        out += [(".dcm", (tmp / "s.dcm").read_bytes()), (".dcm", (tmp / "m.dcm").read_bytes())]
        a = (rng.random((32, 32)) * 255).astype(np.uint8)
        stream = j2k_frame(a)
        ihdr = struct.pack(">4sIIHBBBB", b"ihdr", 32, 32, 1, 7, 7, 0, 0)
        jp2 = (b"\x00\x00\x00\x0cjP  \r\n\x87\n" + struct.pack(">I", 20) + b"ftypjp2 " +
               bytes(4) + b"jp2 " + struct.pack(">II", 30, 22) + b"jp2h" + ihdr +
               struct.pack(">I", 8 + len(stream)) + b"jp2c" + stream)
        for name, frames in (("j", [stream]), ("jj", [stream, j2k_frame(a[::-1])]),
                             ("jp2", [jp2])):
            write_encapsulated(tmp / f"{name}.dcm", frames, 32, 32)
            out.append((".dcm", (tmp / f"{name}.dcm").read_bytes()))
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


def codestream_fields(rng, data: bytearray) -> bytearray:
    """A JPEG 2000 DICOM with header fields of its compressed data set to borderline
    values: a SIZ field, a JP2 ihdr field, or a fragment's item length; or cut inside."""
    sizes = [i for i in range(len(data)) if data.startswith(b"\xff\x4f\xff\x51", i)]
    choice = rng.integers(4)
    if choice == 0 and sizes:
        at = sizes[rng.integers(len(sizes))]
        offset, size = SIZ_FIELDS[rng.integers(len(SIZ_FIELDS))]
        value = int(FIELD_VALUES[rng.integers(len(FIELD_VALUES))]) % (1 << (8 * size))
        data[at + offset:at + offset + size] = value.to_bytes(size, "big")
    elif choice == 1 and b"ihdr" in data:
        at = data.index(b"ihdr") + 4 + 4 * int(rng.integers(3))  # HEIGHT, WIDTH or NC
        data[at:at + 4] = int(FIELD_VALUES[rng.integers(len(FIELD_VALUES))]).to_bytes(
            4, "big")[-4:]
    elif choice == 2:  # an item's length (the offset table's or a fragment's)
        items = [i for i in range(len(data)) if data.startswith(b"\xfe\xff\x00\xe0", i)]
        if items:
            at = items[rng.integers(len(items))] + 4
            value = int(FIELD_VALUES[rng.integers(len(FIELD_VALUES))])
            data[at:at + 4] = (value % (1 << 32)).to_bytes(4, "little")
    elif sizes:  # the codestream cut short, the rest of the file zeroed
        at = sizes[rng.integers(len(sizes))]
        cut = at + int(rng.integers(4, max(5, len(data) - at)))
        data[cut:] = bytes(len(data) - cut)
    return data


def cases(seed: int, count: int, tmp: Path):
    """``count`` (kind, suffix, bytes or model spec) cases, the same for the same ``seed``."""
    import fuzz_json

    rng = np.random.default_rng(seed)
    base = seeds(tmp)
    j2k = [i for i, (s, d) in enumerate(base) if s == ".dcm" and b"\xff\x4f\xff\x51" in d]
    for _ in range(count):
        what = KINDS[rng.integers(len(KINDS))]
        if what == "image-json":
            yield what, ".json", fuzz_json.json_text(rng, fuzz_json.IMAGE_SIDECAR)
            continue
        if what in ("model-json", "model-config"):
            text = fuzz_json.json_text(rng, fuzz_json.MODEL_CONFIG) if what == "model-json" \
                else fuzz_json.json.dumps(fuzz_json.model_config(rng)).encode()
            in_metadata = bool(rng.integers(2))
            yield what, int(rng.integers(2)), (text if in_metadata else None,
                                               None if in_metadata else text)
            continue
        kind = rng.integers(7)
        index = j2k[rng.integers(len(j2k))] if kind == 6 and j2k else rng.integers(len(base))
        suffix, data = base[index]
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
        elif kind == 5:  # a valid file under a suffix that may not match
            suffix = SUFFIXES[rng.integers(len(SUFFIXES))]
        else:  # JPEG 2000 DICOM: its codestream header fields
            data = codestream_fields(rng, data)
        yield "file", suffix, bytes(data)


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
    import fuzz_json

    models = fuzz_json.Models(folder)
    image = folder / "sidecar.png"
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(image)
    for i, (what, suffix, data) in enumerate(cases(seed, count, folder)):
        print(f"start {i}", flush=True)
        path = None
        try:
            if what == "file":
                path = folder / f"case{i}{suffix}"
                path.write_bytes(data)
                check_one(path)
            elif what == "image-json":
                image.with_suffix(".json").write_bytes(data)
                fuzz_json.check_image_sidecar(image)
            else:
                fuzz_json.check_model(models.write(suffix, *data, f"case{i}"))
        except BaseException as exc:  # noqa: BLE001 - any other outcome is the finding
            where = traceback.extract_tb(exc.__traceback__)[-1]
            print(f"BAD {i} {what} {suffix} {type(exc).__name__}: {str(exc)[:150]!r} "
                  f"at {Path(where.filename).name}:{where.lineno}", flush=True)
        else:
            print(f"ok {i}", flush=True)
        for p in (path, folder / f"case{i}.onnx", folder / f"case{i}.dida.json"):
            if p is not None:
                p.unlink(missing_ok=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
