"""Loaded files to a resolved model: the sphere tree, names, grants, figures."""

from .resolver import DEFAULT_LAYERS, resolve

__all__ = ["DEFAULT_LAYERS", "resolve"]
