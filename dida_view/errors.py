"""Errors that reach the user as one line (CLI) or a dialog (GUI)."""

from __future__ import annotations


class DidaError(Exception):
    """A user-facing problem: a bad file, an unusable model, a bad setting.

    The message names the file (when there is one) and the problem, in one line.
    """


class ImageError(DidaError):
    """An image file that is missing, unreadable or corrupt."""


class ModelError(DidaError):
    """A model file that cannot be used as an image classifier."""


class SettingsError(DidaError, ValueError):
    """A bad analysis setting (grid sizes, weights, mask fill, ...)."""


class Cancelled(Exception):  # noqa: N818 - reads better at the call site
    """Raised inside the engine when the cancel callback asks to stop."""
