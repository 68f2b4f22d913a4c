"""Vendor OCT files for the tests, each written byte by byte to its format (no file is
shipped), so that the readers the program relies on (eyepy, OCT-Converter) are tested on
what they would be given:

* Heidelberg Spectralis ``.vol``, from the published format description (Heidelberg
  Engineering, "Spectralis OCT raw data export", HSF-OCT-103): a 2048-byte file header,
  the SLO image (uint8), then per B-scan a header of ``BScanHdrSize`` bytes (256 bytes of
  fields, then the layer segmentations) and ``SizeX * SizeZ`` float32 intensities;
* Heidelberg ``.e2e``, as eyepy's reader parses it (``eyepy/io/he/e2e_format.py``): a
  version block, a header, then chunks of folder headers and data containers;
* a HEYEX XML export (an XML file naming one image file per B-scan and the localizer), as
  eyepy's ``HeXmlReader`` reads it;
* Topcon ``.fds`` and ``.fda`` (the chunk list of the uocte description that
  OCT-Converter follows: ``FOCT`` header, then named chunks ``@IMG_SCAN_03``,
  ``@IMG_JPEG``, ``@IMG_OBS``, ``@IMG_FUNDUS``, ``@PARAM_SCAN_04``, ``@CAPTURE_INFO_02``,
  ``@REGIST_INFO``, ``@PATIENT_INFO_02``);
* Zeiss Cirrus ``.img``: the raw uint8 cube, 1024 samples per A-scan, as OCT-Converter
  reads it.
"""

from __future__ import annotations

import io
import struct

import numpy as np
from PIL import Image

SLO_SCALE = 0.02  # mm per SLO pixel
PATIENT_ID = "PID-98765"


def write_vol(path, bscans: np.ndarray, slo: np.ndarray, *, distance=0.12, scale_x=0.011,
              scale_z=0.0039, start=(0.5, 0.6), hdr_size=1024) -> None:
    """Write ``bscans`` ((N, SizeZ, SizeX) float32 in 0..1) and ``slo`` (uint8) as a .vol.

    B-scan ``i`` runs horizontally on the SLO from ``start`` (mm), ``i * distance`` mm
    lower, ``SizeX * scale_x`` mm long.
    """
    n, size_z, size_x = bscans.shape
    sy, sx = slo.shape
    header = struct.pack(
        "<12s3I3d2I2dId4sQiI16s16sI24sdI24sd4I34s1790x",
        b"HSF-OCT-103", size_x, n, size_z, scale_x, distance, scale_z, sx, sy,
        SLO_SCALE, SLO_SCALE, 30, 0.0, b"OD", 0, 3, hdr_size, b"1234", b"", 7,
        PATIENT_ID.encode(), 18000.0, 9, b"#visit", 45000.0, 0, 0, 0, 0, b"")
    assert len(header) == 2048
    parts = [header, np.ascontiguousarray(slo, np.uint8).tobytes()]
    for i in range(n):
        y = start[1] + i * distance
        head = struct.pack("<12sI4dIIfI6f168x", b"HSF-BS-103", hdr_size, start[0], y,
                           start[0] + size_x * scale_x, y, 0, 256, 30.0, 0, *([0.0] * 6))
        assert len(head) == 256
        parts += [head, bytes(hdr_size - 256),
                  np.ascontiguousarray(bscans[i], "<f4").tobytes()]
    with open(path, "wb") as f:
        f.write(b"".join(parts))


# -- Heidelberg .e2e ------------------------------------------------------------------------
E2E_IMAGE, E2E_BSCAN_META, E2E_LATERALITY, E2E_ENFACE_MODALITY = 1073741824, 10004, 11, 9007
E2E_LAYER = 10019
E2E_LOCALIZER, E2E_BSCAN = 33620481, 35652097  # image kinds in an image container


def e2e_ufloat16(values: np.ndarray) -> np.ndarray:
    """uint16 codes of the .e2e B-scan float (no sign, 6-bit exponent biased by 63,
    10-bit mantissa stored with its bits in reverse order) for powers of two ``values``."""
    exponent = np.rint(np.log2(values)).astype(np.int64) + 63
    assert np.all((exponent >= 0) & (exponent < 64))
    return (exponent << 10).astype(np.uint16)


def _e2e_block(magic: bytes, entries: int = 0, current: int = 0, prev: int = 0) -> bytes:
    """A 52-byte header: magic, version, 10 shorts, entries, current, previous, 0."""
    return struct.pack("<12sI10HIIII", magic, 100, *([0] * 10), entries, current, prev, 0)


def write_e2e(path, bscans: np.ndarray, localizer: np.ndarray, *, laterality=b"R",
              start=(-10.0, -8.0), step=1.0, width_deg=20.0) -> None:
    """Write ``bscans`` ((N, H, W), powers of two) and ``localizer`` (uint8) as an .e2e.

    One patient, study and series; the localizer, laterality and enface modality belong
    to the series, each B-scan (slice ``2 i``) has its image, its B-scan metadata and one
    layer line.
    """
    n, h, w = bscans.shape
    folders = []  # (slice id, type, ind, item bytes)
    lh, lw = localizer.shape
    folders.append((-1, E2E_IMAGE, 0, struct.pack("<5I", lh * lw, E2E_LOCALIZER, lh * lw, lh,
                                                  lw) + localizer.astype(np.uint8).tobytes()))
    folders.append((-1, E2E_LATERALITY, 0, bytes(14) + laterality + bytes(12)))
    modality = ["Infra-Red", "IR"]
    folders.append((-1, E2E_ENFACE_MODALITY, 0, struct.pack("<II", 2, 64) + b"".join(
        t.encode("utf-16-le").ljust(64, b"\0") for t in modality)))
    for i in range(n):
        y = start[1] + i * step
        meta = struct.pack("<3I4f I3f I2f I 4I 2f I", 0, h, w, start[0], y,
                           start[0] + width_deg, y, 0, 0.0, 0.0039, 0.0, 0, 0.0, 0.0, 0,
                           w, n, i, 3, start[0] + width_deg / 2, y, 0)
        meta += bytes(8) + struct.pack("<If f", 16, 0.9, 0.0) + bytes(428 - len(meta) - 20)
        folders.append((2 * i, E2E_BSCAN_META, 0, meta))
        layer = struct.pack("<5I", 0, 0, 0, w, 0) + np.full(w, h / 4, "<f4").tobytes()
        folders.append((2 * i, E2E_LAYER, 0, layer))  # layer 0 (ILM) a quarter down
        code = e2e_ufloat16(bscans[i])
        folders.append((2 * i, E2E_IMAGE, 1, struct.pack("<5I", h * w * 2, E2E_BSCAN, h * w,
                                                         h, w) + code.tobytes()))
    version = struct.pack("<12sI10H", b"CMDb", 100, *([0] * 10))
    chunk_at = len(version) + 52
    data_at = chunk_at + 52 + 44 * len(folders)
    heads, containers, at = [], [], data_at
    for k, (slice_id, kind, ind, item) in enumerate(folders):
        ids = (1, 1, 1, slice_id)
        heads.append(struct.pack("<4I4i2H2I", k, at, len(item), 0, *ids, ind, 0, kind, 0))
        containers.append(struct.pack("<12s5I4i2H2I", b"CONTAINER", 0, k, at, len(item), 0,
                                      *ids, ind, 0, kind, 0) + item)
        at += 60 + len(item)
    body = _e2e_block(b"MDbDir", len(folders), chunk_at, 0) + b"".join(heads)
    with open(path, "wb") as f:
        f.write(version + _e2e_block(b"MDbMDir", len(folders), 0, chunk_at) + body +
                b"".join(containers))


# -- HEYEX XML export ----------------------------------------------------------------------
def write_heyex_xml(folder, bscans: np.ndarray, localizer: np.ndarray, *, scale_x=0.011,
                    scale_y=0.0039, slo_scale=0.02, start=(0.5, 0.6), distance=0.12):
    """Write ``bscans`` (uint8 (N, H, W)) and ``localizer`` as a HEYEX XML export: one PNG
    per B-scan and one for the localizer beside ``<folder>/export.xml`` (returned)."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(localizer).save(folder / "slo.png")
    n, h, w = bscans.shape
    images = [f"""<Image><ImageType><Type>LOCALIZER</Type></ImageType>
<OphthalmicAcquisitionContext><Width>{localizer.shape[1]}</Width>
<Height>{localizer.shape[0]}</Height><ScaleX>{slo_scale}</ScaleX><ScaleY>{slo_scale}</ScaleY>
<Angle>30</Angle><Focus>0.0</Focus></OphthalmicAcquisitionContext>
<ImageData><ExamURL>C:\\export\\slo.png</ExamURL></ImageData></Image>"""]
    for i in range(n):
        Image.fromarray(bscans[i]).save(folder / f"b{i}.png")
        y = start[1] + i * distance
        images.append(f"""<Image><ImageType><Type>OCT</Type></ImageType>
<OphthalmicAcquisitionContext><Width>{w}</Width><Height>{h}</Height>
<ScaleX>{scale_x}</ScaleX><ScaleY>{scale_y}</ScaleY><ImageQuality>30</ImageQuality>
<Start><Coord><X>{start[0]}</X><Y>{y}</Y></Coord></Start>
<End><Coord><X>{start[0] + w * scale_x}</X><Y>{y}</Y></Coord></End>
</OphthalmicAcquisitionContext>
<ImageData><ExamURL>C:\\export\\b{i}.png</ExamURL></ImageData></Image>""")
    date = "<Date><Year>2024</Year><Month>5</Month><Day>6</Day></Date>"
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<HEDX><BODY><SWVersion><Version>6.16</Version></SWVersion>
<Patient><ID>7</ID><PatientID>{PATIENT_ID}</PatientID><FirstNames>Jane</FirstNames>
<LastName>Doe</LastName><Birthdate>{date}</Birthdate>
<Study><StudyDate>{date}</StudyDate><Series><ID>11</ID><Laterality>R</Laterality>
<ReferenceSeries><ID>11</ID><ExamDate>{date}</ExamDate></ReferenceSeries>
{"".join(images)}
</Series></Study></Patient></BODY></HEDX>"""
    path = folder / "export.xml"
    path.write_text(xml, encoding="utf-8")
    return path


# -- Topcon .fds and .fda, Zeiss .img ------------------------------------------------------
def _chunk(name: bytes, data: bytes) -> bytes:
    return struct.pack("<B", len(name)) + name + struct.pack("<I", len(data)) + data


def _topcon(path, kind: bytes, chunks: list[bytes]) -> None:
    with open(path, "wb") as f:
        f.write(b"FOCT" + kind + struct.pack("<II", 8, 0) + b"".join(chunks) + b"\0")


def _topcon_info(size_mm=(6.0, 6.0), z_um=2.6, eye=0) -> list[bytes]:
    params = struct.pack("<3I5d2B", 0, 0, 0, size_mm[0], size_mm[1], z_um, 0.0, 0.0, 0, 0)
    capture = struct.pack("<BBI100s6H", eye, 2, 1, b"3D Macula", 2024, 5, 6, 10, 30, 0)
    patient = struct.pack("<32s32s32s8sB3H", PATIENT_ID.encode(), b"Jane", b"Doe", b"", 2,
                          1950, 1, 1)
    patient += bytes(615 - len(patient))  # occupation ... reserved (504 bytes): empty
    return [_chunk(b"@PARAM_SCAN_04", params), _chunk(b"@CAPTURE_INFO_02", capture),
            _chunk(b"@PATIENT_INFO_02", patient)]


def write_fds(path, bscans: np.ndarray, fundus: np.ndarray) -> None:
    """Write ``bscans`` (uint16 (N, H, W)) and ``fundus`` (uint8 (h, w, 3) RGB) as a Topcon
    .fds: raw little-endian B-scans in ``@IMG_SCAN_03``, the fundus as BGR in ``@IMG_OBS``."""
    n, h, w = bscans.shape
    scan = struct.pack("<B4IBI", 2, w, h, 16, n, 0, n * h * w * 2)
    scan += np.ascontiguousarray(bscans, "<u2").tobytes()
    fh, fw = fundus.shape[:2]
    obs = struct.pack("<4IBI", fw, fh, 24, 1, 0, fh * fw * 3)
    obs += np.ascontiguousarray(fundus[..., ::-1], np.uint8).tobytes()
    _topcon(path, b"FDA", [_chunk(b"@IMG_SCAN_03", scan), _chunk(b"@IMG_OBS", obs),
                           *_topcon_info()])


def _jpeg(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def write_fda(path, bscans: np.ndarray, fundus: np.ndarray, box=(10, 12, 50, 44)) -> None:
    """Write ``bscans`` (uint8 (N, H, W)) and ``fundus`` (uint8 RGB) as a Topcon .fda:
    JPEG B-scans in ``@IMG_JPEG``, a JPEG fundus (BGR) in ``@IMG_FUNDUS``, where the scan
    lies on the fundus in ``@REGIST_INFO``."""
    n, h, w = bscans.shape
    scan = struct.pack("<B6I", 2, 0, 0, w, h, n, 0)
    for b in bscans:
        data = _jpeg(b)
        scan += struct.pack("<i", len(data)) + data
    fh, fw = fundus.shape[:2]
    picture = _jpeg(np.ascontiguousarray(fundus[..., ::-1]))
    obs = struct.pack("<4I4sI", fw, fh, 24, 1, b"JPEG", len(picture)) + picture
    regist = struct.pack("<B2I4I32s4I", 0, 0, 0, *box, b"1.0", 0, 0, 0, 0)
    _topcon(path, b"FDA", [_chunk(b"@IMG_JPEG", scan), _chunk(b"@IMG_FUNDUS", obs),
                           _chunk(b"@REGIST_INFO", regist), *_topcon_info()])


def write_zeiss_img(path, bscans: np.ndarray) -> None:
    """Write ``bscans`` (uint8 (N, 1024, A) with A = 512 or 200 A-scans) as a Zeiss Cirrus
    .img: the raw cube, each A-scan's 1024 samples one after the other."""
    assert bscans.shape[1] == 1024
    with open(path, "wb") as f:
        f.write(np.ascontiguousarray(bscans.transpose(0, 2, 1), np.uint8).tobytes())
