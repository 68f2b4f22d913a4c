"""A Heidelberg Spectralis ``.vol`` file written from the published format description
(Heidelberg Engineering, "Spectralis OCT raw data export", HSF-OCT-103): a 2048-byte file
header, the SLO image (uint8), then per B-scan a header of ``BScanHdrSize`` bytes (256
bytes of fields, then the layer segmentations) and ``SizeX * SizeZ`` float32 intensities.
"""

from __future__ import annotations

import struct

import numpy as np

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
