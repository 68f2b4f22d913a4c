"""The case browser screen: the case table, the background queue that analyses the next
cases, and the reading editor with its autosave. PySide6.
"""
