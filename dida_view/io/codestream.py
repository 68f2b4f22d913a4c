"""The image size that compressed DICOM pixel data states itself, read before decoding.

A decoder allocates what the *codestream* says, not what the DICOM header says: a 26 KB
file whose header says 496 x 1024 but whose JPEG 2000 ``SIZ`` marker says 1024 x
2,884,080 decodes to 14 GB. So the encapsulated pixel data is walked (item by item, a
few bytes read of each, never the whole file) and every frame's own header is read:

* JPEG 2000 codestream (ISO/IEC 15444-1, Annex A): ``SOC`` then ``SIZ``, with the image
  area ``Xsiz - XOsiz`` by ``Ysiz - YOsiz``, ``Csiz`` components and the tile grid;
* JP2 file format (15444-1, Annex I): the signature box, then boxes up to ``jp2c``; the
  ``ihdr`` box in ``jp2h`` and the codestream inside ``jp2c`` are both read;
* JPEG and JPEG-LS (ISO/IEC 10918-1 B.2.2, 14495-1): the ``SOFn`` / ``SOF55`` segment.

:func:`check_encapsulated` refuses, with one line naming the file, a frame larger than
:data:`~dida_view.io.limits.MAX_PIXELS` or one whose size or component count differs
from the header's (which was checked first, the same way).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dida_view.errors import ImageError
from dida_view.io.limits import check_pixels

J2K_START = b"\xff\x4f\xff\x51"  # SOC, then SIZ (the second marker, always)
JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
JPEG_START = b"\xff\xd8"
# SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC); F7 is JPEG-LS's SOF55
JPEG_SOF = frozenset({*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC} | {0xF7})
JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
ITEM, SEQUENCE_END = (0xFFFE, 0xE000), (0xFFFE, 0xE0DD)
PIXEL_DATA = (0x7FE0, 0x0010)
MAX_ITEMS = 1 << 20  # fragments walked at most (a frame is one or a few)
MAX_BOXES = 64  # JP2 boxes or JPEG segments read before giving up on a header
MAX_TILES = 65535  # 15444-1 A.4.2: Isot, the tile index, is below 65535

MISMATCH = ("{path}: frame {frame}: its {kind} says {what}, the DICOM header {header} "
            "(refused: the decoder would allocate what the {kind} says)")
BAD_HEADER = "{path}: frame {frame}: broken {kind} header ({why})"


@dataclass(frozen=True)
class StatedSize:
    """What one header in a frame's compressed data says."""

    kind: str  # "JPEG 2000 codestream", "JP2 header", "JPEG header"
    rows: int
    columns: int
    components: int


def _read(f: BinaryIO, at: int, n: int) -> bytes:
    f.seek(at)
    return f.read(n)


def _siz(f: BinaryIO, at: int, end: int, frame: int, path: Path) -> StatedSize | None:
    """The SIZ marker segment of a codestream starting at ``at`` (None: not one)."""
    head = _read(f, at, min(42, end - at))
    if not head.startswith(J2K_START):
        return None
    if len(head) < 42:
        raise ImageError(BAD_HEADER.format(path=path, frame=frame, kind="JPEG 2000",
                                           why="truncated SIZ marker"))
    xs, ys, xo, yo, xt, yt, xto, yto, comps = struct.unpack(">8IH", head[8:42])
    if xo >= xs or yo >= ys or not xt or not yt or xto > xo or yto > yo or not comps:
        raise ImageError(BAD_HEADER.format(
            path=path, frame=frame, kind="JPEG 2000",
            why=f"SIZ image {xs} x {ys} from {xo}, {yo}, tiles {xt} x {yt} from {xto}, "
                f"{yto}, {comps} components"))
    tiles = -(-(xs - xto) // xt) * -(-(ys - yto) // yt)
    if tiles > MAX_TILES:
        raise ImageError(BAD_HEADER.format(path=path, frame=frame, kind="JPEG 2000",
                                           why=f"{tiles} tiles, more than {MAX_TILES}"))
    return StatedSize("JPEG 2000 codestream", ys - yo, xs - xo, comps)


def _boxes(f: BinaryIO, at: int, end: int):
    """(type, content start, content end) of the JP2 boxes in ``[at, end)``."""
    for _ in range(MAX_BOXES):
        if end - at < 8:
            return
        length, kind = struct.unpack(">I4s", _read(f, at, 8))
        start = at + 8
        if length == 1:  # the length follows as 8 bytes
            raw = _read(f, at + 8, 8)
            if len(raw) < 8:
                return
            length, start = struct.unpack(">Q", raw)[0], at + 16
        box_end = end if length == 0 else min(end, at + length)
        if box_end < start:
            return
        yield kind, start, box_end
        at = box_end


def _jp2(f: BinaryIO, at: int, end: int, frame: int, path: Path) -> list[StatedSize]:
    out = []
    for kind, start, box_end in _boxes(f, at + len(JP2_SIGNATURE), end):
        if kind == b"jp2h":
            for sub, s0, s1 in _boxes(f, start, box_end):
                if sub == b"ihdr" and s1 - s0 >= 10:
                    h, w, nc = struct.unpack(">IIH", _read(f, s0, 10))
                    out.append(StatedSize("JP2 header", h, w, nc))
        elif kind == b"jp2c":
            siz = _siz(f, start, box_end, frame, path)
            if siz is None:
                raise ImageError(BAD_HEADER.format(path=path, frame=frame, kind="JP2",
                                                   why="no codestream in its jp2c box"))
            out.append(siz)
            break
    return out


def _jpeg(f: BinaryIO, at: int, end: int) -> StatedSize | None:
    """The frame header (SOFn) of a JPEG or JPEG-LS stream starting at ``at``."""
    pos = at + 2
    for _ in range(MAX_BOXES):
        head = _read(f, pos, 4)
        if len(head) < 2 or head[0] != 0xFF or pos >= end:
            return None
        marker = head[1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in JPEG_STANDALONE:
            pos += 2
            continue
        if marker in (0xDA, 0xD9) or len(head) < 4:  # start of scan, end of image
            return None
        if marker in JPEG_SOF:
            sof = _read(f, pos + 4, 6)
            if len(sof) < 6:
                return None
            _, rows, cols, comps = struct.unpack(">BHHB", sof)
            # rows 0: given later by a DNL marker; the decoder's own checks apply then
            return StatedSize("JPEG header", rows, cols, comps) if rows else None
        pos += 2 + struct.unpack(">H", head[2:4])[0]
    return None


def frame_headers(f: BinaryIO, at: int, end: int, frame: int, path: Path) -> list[StatedSize]:
    """What the fragment in ``[at, end)`` says of its size, if it starts a frame."""
    start = _read(f, at, len(JP2_SIGNATURE))
    if start.startswith(J2K_START):
        return [s for s in [_siz(f, at, end, frame, path)] if s is not None]
    if start == JP2_SIGNATURE:
        return _jp2(f, at, end, frame, path)
    if start.startswith(JPEG_START):
        return [s for s in [_jpeg(f, at, end)] if s is not None]
    return []  # RLE, or a later fragment of a frame


def _fragments(f: BinaryIO, offset: int):
    """(start, end) of each fragment of encapsulated pixel data whose element starts at
    ``offset`` (nothing when it is not encapsulated); the offset table is skipped."""
    head = _read(f, offset, 12)
    if len(head) < 12 or struct.unpack("<HH", head[:4]) != PIXEL_DATA:
        return
    length = struct.unpack("<I", head[8:12])[0] if head[4:6] in (b"OB", b"OW", b"UN") \
        else struct.unpack("<I", head[4:8])[0]
    if length != 0xFFFFFFFF:
        return  # native (uncompressed) pixel data
    at = offset + (12 if head[4:6] in (b"OB", b"OW", b"UN") else 8)
    for i in range(MAX_ITEMS):
        item = _read(f, at, 8)
        if len(item) < 8:
            return
        group, element, size = struct.unpack("<HHI", item)
        if (group, element) != ITEM or size == 0xFFFFFFFF:
            return  # the sequence delimiter, or broken: the decoder reports it
        if i:  # item 0 is the basic offset table
            yield at + 8, at + 8 + size
        at += 8 + size


def check_encapsulated(path: Path, offset: int, rows: int, columns: int,
                       samples: int) -> None:
    """Refuse compressed pixel data whose frames state another size than the header's.

    ``offset`` is the file position of the Pixel Data element; ``rows``, ``columns`` and
    ``samples`` are the header's (already within the limits).

    Raises
    ------
    ImageError
        One line naming the file and the frame: larger than the pixel limit, a size or
        component count other than the header's, or a broken JPEG 2000 header.
    """
    with open(path, "rb") as f:
        frame = 0
        for start, end in _fragments(f, offset):
            stated = frame_headers(f, start, end, frame + 1, path)
            if not stated:
                continue
            frame += 1
            for s in stated:
                check_pixels(f"{path}: frame {frame}: its {s.kind}", s.rows, s.columns)
                if (s.rows, s.columns) != (rows, columns):
                    raise ImageError(MISMATCH.format(
                        path=path, frame=frame, kind=s.kind,
                        what=f"{s.columns} x {s.rows} pixels",
                        header=f"{columns} x {rows}"))
                if s.components != samples:
                    raise ImageError(MISMATCH.format(
                        path=path, frame=frame, kind=s.kind,
                        what=f"{s.components} components",
                        header=f"{samples} sample(s) per pixel"))
