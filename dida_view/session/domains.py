"""Which model am I looking at, and does it fit the image? No Qt here.

A bundled model's domain is in :data:`dida_view.paths.BUNDLED_MODELS` (and in its ONNX
metadata, key ``domain``); an image's domain is known only for a bundled sample, whose
sidecar names the bundled model it belongs to (``"model"``). The rule for a mismatch:

- the image's sidecar names a bundled model, and a *different* bundled model is in use:
  a mismatch, and the image's own model is offered;
- the image's sidecar names no model (any image of the user's): its domain is unknown.
  Only the synthetic model then gets a note, which says what it was trained on and offers
  the real-data model: a real scan is the likely case, and the synthetic model has never
  seen one. The real-data model gets no note (it was made for real scans);
- a third-party model never gets a note: we do not know what it was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dida_view import paths
from dida_view.paths import BundledModel

NOT_FOR_DIAGNOSIS = "not for diagnosis"


@dataclass(frozen=True)
class DomainNote:
    """A model used on an image of another (or an unknown) domain.

    ``model``: the bundled model in use; ``image_model``: the bundled model the image
    belongs to (None: unknown domain); ``suggested``: the bundled model to offer.
    """

    model: BundledModel
    image_model: BundledModel | None
    suggested: BundledModel

    @property
    def text(self) -> str:
        """One English sentence (the CLI's ``note:`` and the JSON's ``domain_note``)."""
        if self.image_model is None:
            return (f"the {self.model.name} ({self.model.file}) was trained on "
                    f"{self.model.domain} only; this image's domain is unknown: for a real "
                    f"scan use the {self.suggested.name} ({self.suggested.file})")
        return (f"this scan belongs to the {self.image_model.name} ({self.image_model.file}, "
                f"trained on {self.image_model.domain}); the {self.model.name} "
                f"({self.model.file}) was trained on {self.model.domain}")


def domain_note(model_path: str | Path | None, image_path: str | Path | None
                ) -> DomainNote | None:
    """The mismatch between the model in use and the image, or None (see the module)."""
    model = paths.bundled_model(model_path)
    if model is None or image_path is None:
        return None
    image_model = paths.bundled_model(paths.sample_model(image_path))
    if image_model is not None:
        return None if image_model == model else DomainNote(model, image_model, image_model)
    if model.real:
        return None
    real = next((m for m in paths.BUNDLED_MODELS if m.real and m.path() is not None), None)
    return DomainNote(model, None, real) if real is not None else None


def trained_on(model_path: str | Path | None, metadata: dict | None) -> str:
    """What a model was trained on, in words: its metadata's ``domain``, a bundled model's
    domain, or ``"unknown training data"``."""
    domain = (metadata or {}).get("domain")
    if isinstance(domain, str) and domain.strip():
        return domain.strip()
    bundled = paths.bundled_model(model_path)
    return bundled.domain if bundled is not None else "unknown training data"
