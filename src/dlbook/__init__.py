"""Shared code for the book of solved PyTorch exercises."""

__version__ = "0.1.0"
