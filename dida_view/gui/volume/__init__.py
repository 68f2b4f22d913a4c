"""The volume screen: the B-scan bar, the localizer panel, Analyse All B-scans and the
volume evidence map. PySide6.
"""
