"""The desktop viewer (PySide6): main window, panels, the shared cursor, the worker thread.

Everything here only wraps the Qt-free core: the analysis runs in
:mod:`dida_view.method.analysis`, pictures are numpy arrays from core, Qt only shows them.
"""

from dida_view.gui import qtcompat  # noqa: F401 - first: guards against a binding bug
