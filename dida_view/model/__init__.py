"""The model: the one adapter that knows onnxruntime (:mod:`~dida_view.model.onnx`), the
files a model is made of and their fingerprint, preprocessing (from an image's pixels to
the model's input and back), resize conventions, score spaces, and the graph split that
incremental inference needs.

In: an ONNX file (and its sidecar). Out: ``raw(batch) -> outputs`` and the facts about
them. Never here: masking, maps, cases, files other than the model's.
"""
