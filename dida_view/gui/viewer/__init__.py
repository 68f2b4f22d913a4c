"""The main window's screen: the panels (the paper's Fig. 5), legend, probe, controls,
menus, toolbar, status bar, exports, and the presenter that fills them from the view
model. PySide6 only; pictures come from :mod:`dida_view.render`.
"""
