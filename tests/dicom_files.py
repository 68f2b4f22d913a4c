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
