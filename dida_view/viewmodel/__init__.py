"""The viewer's state without Qt, as napari's ``ViewerModel``: the image, model, result,
chosen classes, view, scale, square and cursor (:mod:`~dida_view.viewmodel.viewer`), the
volume on screen (:mod:`~dida_view.viewmodel.volume`), and the plain-callback events
widgets connect to. Tests drive it without a window. Never here: widgets, file writing.
"""
