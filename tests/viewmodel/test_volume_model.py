"""The Qt-free volume model: the B-scan on screen, identifiers on request, names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from dida_view.io.scan import Scan, Slices
from dida_view.viewmodel.viewer import ViewerModel


def scan(n=5, fmt="dicom", ids=None) -> Scan:
    return Scan(path=Path("Doe_Jane.dcm"), format=fmt, case_id="dcm-0123456789ab",
                slices=Slices(n, lambda i: np.full((4, 6), i, np.uint8)),
                _identifiers=ids or {"PatientName": "Doe^Jane"})


def test_a_scan_opens_at_its_centre_and_moves_within_its_b_scans():
    vol = ViewerModel().volume
    seen = []
    vol.index_event.connect(seen.append)
    vol.set_scan(scan())
    assert vol.index == 2 and vol.is_volume() and vol.missing() == [2, 1, 3, 0, 4]
    assert vol.go_to(9) and vol.index == 4 and not vol.go_to(4)
    assert vol.go_to(-3) and vol.index == 0 and seen == [4, 0]
    assert vol.image()[0, 0] == 0 and vol.stem() == "dcm-0123456789ab_s001"


def test_identifiers_only_on_request_and_hidden_again_for_the_next_scan():
    vol = ViewerModel().volume
    vol.set_scan(scan())
    assert vol.identifier_text() == "" and not vol.anonymous_name()
    vol.set_show_identifiers(True)
    assert "Doe^Jane" in vol.identifier_text()
    vol.set_scan(scan(1, fmt="image"))
    assert vol.identifier_text() == "" and vol.anonymous_name() and vol.stem() == vol.case_id()


def test_the_volume_model_imports_no_qt():
    code = ("import sys, dida_view.viewmodel.volume; "
            "print([m for m in sys.modules if m.startswith('PySide6')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
