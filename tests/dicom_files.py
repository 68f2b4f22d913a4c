"""Small DICOM files written with pydicom for the tests (no file is shipped)."""

from __future__ import annotations

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
OPHTHALMIC_TOMOGRAPHY = "1.2.840.10008.5.1.4.1.1.77.1.5.4"
PATIENT = {"PatientName": "Doe^Jane", "PatientID": "PID-98765", "PatientBirthDate": "19500101"}


def write_dicom(path, pixels: np.ndarray, *, bits_stored: int | None = None, frames=False,
                photometric: str | None = None, sop_uid: str | None = None,
                sop_class: str = SECONDARY_CAPTURE, **tags) -> str:
    """Write ``pixels`` ((H, W), (H, W, 3), or (N, H, W) with ``frames``) as a DICOM file.

    Returns the SOP Instance UID. ``tags`` are set on the dataset as they are.
    """
    a = np.asarray(pixels)
    uid = sop_uid or generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = uid
    ds.Modality = "OPT" if sop_class == OPHTHALMIC_TOMOGRAPHY else "OT"
    for k, v in PATIENT.items():
        setattr(ds, k, v)
    colour = a.ndim == 3 and not frames
    ds.SamplesPerPixel = 3 if colour else 1
    ds.PhotometricInterpretation = photometric or ("RGB" if colour else "MONOCHROME2")
    if colour:
        ds.PlanarConfiguration = 0
    if frames:
        ds.NumberOfFrames = a.shape[0]
    ds.Rows, ds.Columns = a.shape[-2:] if not colour else a.shape[:2]
    ds.BitsAllocated = a.dtype.itemsize * 8
    ds.BitsStored = bits_stored or ds.BitsAllocated
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if a.dtype.kind == "i" else 0
    for k, v in tags.items():
        setattr(ds, k, v)
    ds.PixelData = np.ascontiguousarray(a).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return uid


def write_encapsulated(path, frames: list[bytes], rows: int, columns: int, *, samples=1,
                       bits=8, transfer_syntax=None, **tags) -> None:
    """Write ``frames`` (each one frame's compressed bytes, as they are) as encapsulated
    pixel data (JPEG 2000 Lossless unless ``transfer_syntax`` says otherwise)."""
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEG2000Lossless

    uid = generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SECONDARY_CAPTURE
    meta.MediaStorageSOPInstanceUID = uid
    meta.TransferSyntaxUID = transfer_syntax or JPEG2000Lossless
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID, ds.Modality = SECONDARY_CAPTURE, uid, "OT"
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = "MONOCHROME2" if samples == 1 else "RGB"
    if samples > 1:
        ds.PlanarConfiguration = 0
    if len(frames) > 1:
        ds.NumberOfFrames = len(frames)
    ds.Rows, ds.Columns = rows, columns
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits, bits, bits - 1
    ds.PixelRepresentation = 0
    for k, v in tags.items():
        setattr(ds, k, v)
    ds.PixelData = encapsulate(list(frames))
    ds["PixelData"].VR = "OB"
    ds.save_as(path, enforce_file_format=True)


def j2k_frame(pixels: np.ndarray) -> bytes:
    """A real JPEG 2000 (lossless) codestream of ``pixels`` (uint8 (H, W)), made by
    pydicom's encoder (pylibjpeg-openjpeg)."""
    import io

    import pydicom
    from pydicom.encaps import generate_frames
    from pydicom.uid import JPEG2000Lossless

    buf = io.BytesIO()
    write_dicom(buf, pixels)
    buf.seek(0)
    ds = pydicom.dcmread(buf)
    ds.compress(JPEG2000Lossless, encoding_plugin="pylibjpeg")
    return next(generate_frames(ds.PixelData, number_of_frames=1))
