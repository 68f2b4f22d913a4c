"""Compressed DICOM: the size a frame's own codestream states is checked before decoding
(a 26 KB file must not decode to 14 GB), broken data says so, and 1-bit images are seen.

The JPEG 2000 files are real codestreams made by pydicom's encoder, or a few bytes of
hand-made headers (ISO/IEC 15444-1 A.5.1 SIZ, Annex I JP2 boxes; ISO/IEC 10918-1 B.2.2
SOF), which is all the check reads: nothing here is decoded at the stated size.
"""

import struct

import numpy as np
import pytest
from dicom_files import j2k_frame, write_encapsulated

from dida_view.errors import ImageError
from dida_view.io.limits import MAX_PIXELS
from dida_view.io.reader import load_scan

JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"


def pixels(h=32, w=32, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w), dtype=np.uint8)


def with_siz(codestream: bytes, *, width=None, height=None, components=None,
             tile=None) -> bytes:
    """The codestream with its SIZ marker's image size (Xsiz, Ysiz; offsets 0), tile
    size or component count replaced."""
    b = bytearray(codestream)
    assert b[:4] == b"\xff\x4f\xff\x51"
    if width is not None:
        b[8:12] = struct.pack(">I", width)
    if height is not None:
        b[12:16] = struct.pack(">I", height)
    if tile is not None:
        b[24:32] = struct.pack(">II", *tile)
    if components is not None:
        b[40:42] = struct.pack(">H", components)
    return bytes(b)


def siz_only(width, height, components=1) -> bytes:
    """SOC and a SIZ marker (one tile, 8-bit components), then some bytes: a hand-made
    codestream header, enough for the check (a decoder would find no COD/QCD)."""
    siz = struct.pack(">HHH8IH", 0xFF51, 38 + 3 * components, 0, width, height, 0, 0,
                      width, height, 0, 0, components) + b"\x07\x01\x01" * components
    return b"\xff\x4f" + siz + bytes(200)


def box(kind: bytes, content: bytes) -> bytes:
    return struct.pack(">I", 8 + len(content)) + kind + content


def jp2(codestream: bytes, height: int, width: int, components=1) -> bytes:
    """The JP2 file format around ``codestream``: signature, ftyp, jp2h (ihdr), jp2c."""
    ihdr = struct.pack(">IIHBBBB", height, width, components, 7, 7, 0, 0)
    return (JP2_SIGNATURE + box(b"ftyp", b"jp2 " + bytes(4) + b"jp2 ") +
            box(b"jp2h", box(b"ihdr", ihdr)) + box(b"jp2c", codestream))


def refused(path, *words):
    with pytest.raises(ImageError) as info:
        load_scan(path)
    text = str(info.value)
    assert "\n" not in text and text.startswith(str(path)), text
    for w in words:
        assert w in text, text
    return text


def test_real_jpeg2000_dicom_opens_exactly(tmp_path):
    a = pixels(48, 64)
    write_encapsulated(tmp_path / "ok.dcm", [j2k_frame(a)], 48, 64)
    assert np.array_equal(load_scan(tmp_path / "ok.dcm").image(), a)


def test_the_26kb_bomb_is_refused_by_its_codestream_size(tmp_path):
    # the reported file: the header says 496 x 1024, the codestream 1024 x 2,884,080
    p = tmp_path / "bomb.dcm"
    write_encapsulated(p, [siz_only(1024, 2_884_080) + bytes(26_000)], 1024, 496)
    assert p.stat().st_size < 30_000
    text = refused(p, "frame 1", "JPEG 2000 codestream", "1024 x 2884080",
                   f"{MAX_PIXELS // 1_000_000} million")
    assert "decompression bomb" in text


def test_a_real_codestream_that_lies_about_its_size_is_refused(tmp_path):
    p = tmp_path / "lie.dcm"
    write_encapsulated(p, [with_siz(j2k_frame(pixels()), width=64, height=48)], 32, 32)
    refused(p, "JPEG 2000 codestream says 64 x 48 pixels", "DICOM header 32 x 32")


def test_components_other_than_the_header_says_are_refused(tmp_path):
    p = tmp_path / "comps.dcm"
    write_encapsulated(p, [siz_only(32, 32, components=3)], 32, 32)
    refused(p, "3 components", "1 sample(s) per pixel")


def test_too_many_tiles_is_a_broken_header(tmp_path):
    p = tmp_path / "tiles.dcm"
    write_encapsulated(p, [with_siz(siz_only(1024, 1024), tile=(1, 1))], 1024, 1024)
    refused(p, "broken JPEG 2000 header", "1048576 tiles")


def test_jp2_boxes_are_read_too(tmp_path):
    a = pixels()
    good = tmp_path / "good.dcm"
    write_encapsulated(good, [jp2(j2k_frame(a), 32, 32)], 32, 32)
    assert np.array_equal(load_scan(good).image(), a)
    bad_header = tmp_path / "ihdr.dcm"
    write_encapsulated(bad_header, [jp2(j2k_frame(a), 100_000, 100_000)], 32, 32)
    refused(bad_header, "JP2 header", "100000 x 100000")
    bad_stream = tmp_path / "jp2c.dcm"
    write_encapsulated(bad_stream, [jp2(siz_only(40_000, 40_000), 32, 32)], 32, 32)
    refused(bad_stream, "JPEG 2000 codestream", "40000 x 40000")


def test_every_frame_of_a_multi_frame_file_is_checked(tmp_path):
    a, b = pixels(seed=1), pixels(seed=2)
    p = tmp_path / "frames.dcm"
    write_encapsulated(p, [j2k_frame(a), with_siz(j2k_frame(b), width=20_000,
                                                  height=20_000, tile=(20_000, 20_000))], 32, 32)
    refused(p, "frame 2", "20000 x 20000")
    ok = tmp_path / "ok.dcm"
    write_encapsulated(ok, [j2k_frame(a), j2k_frame(b)], 32, 32)
    scan = load_scan(ok)
    assert np.array_equal(scan.slices[0], a) and np.array_equal(scan.slices[1], b)


def test_jpeg_frame_header_is_checked(tmp_path):
    from pydicom.uid import JPEGBaseline8Bit

    sof = struct.pack(">HHBHHB", 0xFFC0, 11, 8, 30_000, 30_000, 1) + b"\x01\x11\x00"
    p = tmp_path / "jpeg.dcm"
    write_encapsulated(p, [b"\xff\xd8" + sof + bytes(100)], 32, 32,
                       transfer_syntax=JPEGBaseline8Bit)
    refused(p, "JPEG header", "30000 x 30000")


def test_truncated_jpeg2000_says_so(tmp_path):
    stream = j2k_frame(pixels(48, 64))
    p = tmp_path / "cut.dcm"
    write_encapsulated(p, [stream[:len(stream) // 3]], 48, 64)
    text = refused(p, "truncated or corrupt")
    assert "no decoder" not in text and "installed" not in text


def test_one_bit_dicom_is_black_and_white_not_black(tmp_path):
    from dicom_files import write_dicom
    from pydicom.pixels import pack_bits

    bits = np.zeros((16, 24), np.uint8)
    bits[4:12, 6:18] = 1
    p = tmp_path / "bitmap.dcm"
    write_dicom(p, np.zeros((16, 24), np.uint8))  # then made 1-bit below
    import pydicom

    ds = pydicom.dcmread(p)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 1, 1, 0
    ds.PixelData = pack_bits(bits)
    ds.save_as(p, enforce_file_format=True)
    scan = load_scan(p)
    img = scan.image()
    assert img.dtype == np.uint8 and set(np.unique(img)) == {0, 255}
    assert np.array_equal(img == 255, bits == 1)
    assert any("1-bit" in n for n in scan.notes)
