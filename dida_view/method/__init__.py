"""The method, DiDA (paper section 3): the grids and their cells, the mask fills, the
masked inferences (full or incremental engine), the score differences ``d``, the blend
weights of the Mixed Image, and :func:`~dida_view.method.analysis.analyze`, which runs
one image through a model.

In: pixels, ``predict`` (or a classifier), settings. Out: an immutable
:class:`~dida_view.method.dida.DidaResult`. Never here: files of the user's, pictures,
text for people.
"""
