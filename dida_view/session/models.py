"""Which model reads a case, and does it fit the case? One rule, asked by every view.

**The model of a case** (:func:`model_for_case`): a model the user chose (``--model``, the
viewer's Open Model or Model menu) reads every case. Without one, a case whose sidecar
names a bundled model (``"model": "dida_demo_oct.onnx"``: the bundled samples) is read
by that model, and any other case by the default model, the real-data one.

**The domain note** (:func:`domain_note`): a bundled model's domain is in
:data:`dida_view.paths.BUNDLED_MODELS`; a case's domain is known when its sidecar names
the bundled model it belongs to. Then:

- the case belongs to a bundled model and a *different* bundled model reads it: a
  mismatch, and the case's own model is offered;
- the case names no model (any scan of the user's): its domain is unknown. Only the
  synthetic model then gets a note, which says what it was trained on and offers the
  real-data model: a real scan is the likely case, and the synthetic model has never seen
  one. The real-data model gets no note (it was made for real scans);
- a third-party model never gets this note: we do not know what it was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dida_view import paths
from dida_view.catalogue import QT_TRANSLATE_NOOP, Note
from dida_view.paths import BundledModel
from dida_view.render import figure
from dida_view.render.figure import UNKNOWN_TRAINING
from dida_view.session import sidecars

NOT_FOR_DIAGNOSIS = "not for diagnosis"
UNKNOWN_DOMAIN_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "the {model} ({file}) was trained on {domain} only; this image's domain is "
    "unknown: for a real scan use the {other} ({other_file})")
MISMATCH_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "this scan belongs to the {other} ({other_file}, trained on {other_domain}); "
    "the {model} ({file}) was trained on {domain}")
# the bundled models' names and domains in words, in the message catalogue
NAMES = {paths.REAL_MODEL_NAME: QT_TRANSLATE_NOOP("Models", "real OCT model"),
         paths.DEMO_MODEL_NAME: QT_TRANSLATE_NOOP("Models", "synthetic demo model")}
DOMAINS = {
    paths.REAL_MODEL_NAME: QT_TRANSLATE_NOOP("Models",
                                             "real Spectralis OCT B-scans from Kermany 2018"),
    paths.DEMO_MODEL_NAME: QT_TRANSLATE_NOOP("Models",
                                             "synthetic OCT B-scans from DiDA View's generator"),
}


def model_name(model: BundledModel) -> str:
    """A bundled model's name (a catalogue template: render it in the user's language)."""
    return NAMES.get(model.file, model.name)


def model_domain(model: BundledModel) -> str:
    """What a bundled model was trained on, in words (a catalogue template)."""
    return DOMAINS.get(model.file, model.domain)


def own_model_file(scan: str | Path | None) -> str | None:
    """The ``"model"`` key of a scan's sidecar: the bundled model it belongs to (None when
    the sidecar is missing, unreadable or says nothing)."""
    if scan is None:
        return None
    model = sidecars.read_scan_sidecar(scan).data.get("model")
    return model if isinstance(model, str) and model else None


def own_model(scan: str | Path | None) -> BundledModel | None:
    """The installed bundled model a scan's sidecar names, or None."""
    m = paths.bundled_model(own_model_file(scan))
    return m if m is not None and m.path() is not None else None


def model_for_case(scan: str | Path | None, chosen: str | Path | None = None) -> Path | None:
    """The model that reads ``scan``: ``chosen`` when the user chose one, else the bundled
    model the scan's sidecar names, else the default (real-data) model; None when no
    model is installed and none was chosen."""
    if chosen is not None:
        return Path(chosen)
    own = own_model(scan)
    return own.path() if own is not None else paths.default_model_path()


def samples_of(model: BundledModel) -> list[Path]:
    """A bundled model's sample scans: those whose sidecar names it."""
    return [p for p in paths.sample_images() if own_model_file(p) == model.file]


def default_sample() -> Path | None:
    """The scan ``dida-view`` opens with no arguments: the default model's first sample,
    else the first sample."""
    m = paths.bundled_model(paths.default_model_path())
    first = samples_of(m) if m is not None else []
    samples = first or paths.sample_images()
    return samples[0] if samples else None


@dataclass(frozen=True)
class DomainNote:
    """A bundled model used on a scan of another (or an unknown) domain.

    ``model``: the bundled model in use; ``image_model``: the bundled model the scan
    belongs to (None: unknown domain); ``suggested``: the bundled model to offer.
    """

    model: BundledModel
    image_model: BundledModel | None
    suggested: BundledModel

    @property
    def text(self) -> str:
        """One English sentence (the CLI's ``note:``, the JSON's ``domain_note``, the
        report page)."""
        if self.image_model is None:
            return UNKNOWN_DOMAIN_NOTE.note(
                model=model_name(self.model), file=self.model.file,
                domain=model_domain(self.model), other=model_name(self.suggested),
                other_file=self.suggested.file)
        return MISMATCH_NOTE.note(
            other=model_name(self.image_model), other_file=self.image_model.file,
            other_domain=model_domain(self.image_model), model=model_name(self.model),
            file=self.model.file, domain=model_domain(self.model))


def domain_note(model_path: str | Path | None, scan: str | Path | None) -> DomainNote | None:
    """The mismatch between the model in use and the scan, or None (see the module)."""
    model = paths.bundled_model(model_path)
    if model is None or scan is None:
        return None
    image_model = paths.bundled_model(own_model_file(scan))
    if image_model is not None:
        return None if image_model == model else DomainNote(model, image_model, image_model)
    if model.real:
        return None
    real = next((m for m in paths.BUNDLED_MODELS if m.real and m.path() is not None), None)
    return DomainNote(model, None, real) if real is not None else None


def trained_on(model_path: str | Path | None, metadata: dict | None) -> str:
    """What a model was trained on, in words: a bundled model's domain (from the
    catalogue, so it is rendered in each view's language), else its metadata's
    ``domain``, else ``"unknown training data"``."""
    bundled = paths.bundled_model(model_path)
    if bundled is not None:
        return model_domain(bundled)
    domain = (metadata or {}).get("domain")
    if isinstance(domain, str) and domain.strip():
        return domain.strip()
    return UNKNOWN_TRAINING


def model_line(model_path: str | Path | None, metadata: dict | None, *,
               screen: bool = False) -> Note:
    """The line of every picture and screen: which model, trained on what, not for
    diagnosis (:func:`dida_view.render.figure.model_line`; ``screen``: the viewer's
    shorter form). Render it in the view's language."""
    return figure.model_line(model_path, trained_on(model_path, metadata), screen=screen)
