"""A model's configuration: its ONNX metadata ``dida_view`` and its sidecar
``<model stem>.dida.json``, read bounded, checked and merged (the metadata first, per key).

Both are JSON objects with the same keys (README, "Using your own ONNX model"). They are
parsed by :mod:`dida_view.io.jsonfile` (nesting and size bounded), and every key the
program uses is checked for type and shape before the model runs:

* ``labels`` (a list of class names), ``preprocessing`` (an object, checked key by key
  by :meth:`~dida_view.model.preprocess.Preprocessing.from_dict`), ``output``
  (``"logits"`` or ``"probabilities"``), ``score_output`` (an output name): a wrong one
  is one error line naming the model, the key, where it came from and what was expected;
* the model card's text fields (``name``, ``description``, ``domain``, ...): a wrong one
  is dropped with a note, as the model still answers the same without it.

A source that cannot be read at all (not JSON, nested too deep, not an object) is an
error, unless the other source gives ``labels`` and ``preprocessing``, the keys that
change the answer: then it is not used, with a note saying so (``output`` is detected
from the model's outputs when no source gives it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import ModelError, SettingsError
from dida_view.io.jsonfile import parse_json, read_json
from dida_view.model.jsonvalues import choice, describe, expected

METADATA_KEY = "dida_view"
SIDECAR_SUFFIX = ".dida.json"
METADATA_SOURCE = "model metadata"
ANSWER_KEYS = ("labels", "preprocessing")
TEXT_KEYS = ("name", "description", "domain", "trained_on", "training_data", "attribution",
             "licence", "license")
OUTPUT_KINDS = ("logits", "probabilities")

UNUSED_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "{source} not used ({problem}); labels and preprocessing come from {other}")
IGNORED_NOTE = QT_TRANSLATE_NOOP("Notes", "{key} ({source}) ignored: expected text, got {got}")
KEY_ERROR = "{model} ({source}): {problem}"


@dataclass(frozen=True)
class ModelConfig:
    """The merged configuration of a model.

    Attributes
    ----------
    values
        Key -> value, each checked (``labels`` as a list of strings).
    sources
        Key -> where it came from (``"model metadata"`` or the sidecar's file name).
    notes
        Sentences on what was not used, for the user.
    """

    values: dict[str, Any]
    sources: dict[str, str]
    notes: tuple[str, ...]

    def source(self, key: str) -> str:
        return self.sources.get(key, "")


def sidecar_path(model_path: str | Path) -> Path:
    """``<model stem>.dida.json`` beside the model."""
    p = Path(model_path)
    return p.with_name(p.stem + SIDECAR_SUFFIX)


def _object(read, what: str) -> tuple[dict[str, Any] | None, str | None]:
    """(the JSON object, None), or (None, the problem in a few words)."""
    try:
        data = read()
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or type(exc).__name__})"
    except ValueError as exc:  # one line that starts with ``what: ``
        return None, str(exc).removeprefix(f"{what}: ")
    if not isinstance(data, dict):
        return None, f"must be a JSON object, got {describe(data)}"
    return data, None


def read_config(model_path: Path, metadata: dict[str, str]) -> ModelConfig:
    """Read, check and merge the metadata and the sidecar of the model at ``model_path``.

    ``metadata`` is the model's ``custom_metadata_map``.

    Raises
    ------
    ModelError
        One line naming the model, the key (or the source that cannot be read), where it
        came from and what was expected.
    """
    what = f"metadata '{METADATA_KEY}'"
    meta, meta_problem = ({}, None)
    if METADATA_KEY in metadata:
        meta, meta_problem = _object(lambda: parse_json(metadata[METADATA_KEY], what), what)
    side = sidecar_path(model_path)
    extra, side_problem = ({}, None)
    if side.is_file():
        extra, side_problem = _object(lambda: read_json(side, side.name), side.name)
    notes: list[str] = []
    for problem, other, name, other_name in (
            (meta_problem, extra, what, side.name), (side_problem, meta, side.name,
                                                     METADATA_SOURCE)):
        if problem is None:
            continue
        if other is None or not all(k in other for k in ANSWER_KEYS):
            raise ModelError(f"{model_path}: {name}: {problem}")
        notes.append(UNUSED_NOTE.note(source=name, problem=problem, other=other_name))
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for data, source in ((meta or {}, METADATA_SOURCE), (extra or {}, side.name)):
        for key, value in data.items():
            if key not in values:
                values[key], sources[key] = value, source
    for key in TEXT_KEYS:
        if key in values and not isinstance(values[key], str):
            notes.append(IGNORED_NOTE.note(key=repr(key), source=sources[key],
                                           got=describe(values[key])))
            del values[key], sources[key]
    for key, check in _CHECKS.items():
        if values.get(key) is not None:
            try:
                values[key] = check(values[key])
            except SettingsError as exc:
                raise ModelError(KEY_ERROR.format(model=model_path, source=sources[key],
                                                  problem=exc)) from None
    return ModelConfig(values, sources, tuple(notes))


def _labels(labels: Any) -> list[str]:
    if not isinstance(labels, list):
        raise expected("'labels'", "a list of class names", labels)
    bad = [x for x in labels if not isinstance(x, str | int | float) or isinstance(x, bool)]
    if bad:
        raise expected("'labels'", "class names (text)", bad[0])
    return [str(x) for x in labels]


def _score_output(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise expected("'score_output'", "an output name (text)", name)
    return name


def _preprocessing(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):  # its keys are checked where it is built
        raise expected("preprocessing", "a JSON object", data)
    return data


# the keys that change the answer, each checked (and made the type the program uses)
_CHECKS = {
    "labels": _labels,
    "output": lambda v: choice("'output'", v, OUTPUT_KINDS),
    "score_output": _score_output,
    "preprocessing": _preprocessing,
}
