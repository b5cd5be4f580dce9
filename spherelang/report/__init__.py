"""Renderers: reports and evaluations to text and JSON."""

from .paths import display_path

__all__ = ["display_path"]
