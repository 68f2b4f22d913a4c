"""Dialogs: a model's labels and preprocessing, About, the one-case report. PySide6.
"""
