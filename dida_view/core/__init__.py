"""The Qt-free core: classifier adapter, preprocessing, the DiDA engine, rendering."""

from dida_view.core.analysis import Settings, analyze
from dida_view.core.dida import DEFAULT_GRID_SIZES, MASK_FILLS, DidaResult, run_dida
from dida_view.core.errors import Cancelled, DidaError, ImageError, ModelError, SettingsError
from dida_view.core.imageio import load_image, read_diagnosis, read_image
from dida_view.core.maps import View, class_mixed_image, class_overlay
from dida_view.core.model import OnnxClassifier
from dida_view.core.preprocess import Box, Preprocessing
from dida_view.core.render import grid_image, mixed_image, paper_weights
from dida_view.core.scan import Localizer, Scan, load_scan, parse_slices
from dida_view.core.scores import SCORE_SPACES

__all__ = [
    "Box", "Cancelled", "DEFAULT_GRID_SIZES", "DidaError", "DidaResult", "ImageError",
    "Localizer", "MASK_FILLS", "ModelError", "OnnxClassifier", "Preprocessing",
    "SCORE_SPACES", "Scan", "Settings", "SettingsError", "View", "analyze",
    "class_mixed_image", "class_overlay", "grid_image", "load_image", "load_scan",
    "mixed_image", "paper_weights", "parse_slices", "read_diagnosis", "read_image", "run_dida",
]
