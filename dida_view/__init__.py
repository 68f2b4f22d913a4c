"""DiDA View: differential image analysis of image classifiers."""

__version__ = "0.1.0"
