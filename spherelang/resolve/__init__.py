"""Loaded files to a resolved model: the sphere tree, names, grants, values, figures.

The resolver records states (a link that did not resolve, an invalid value, a
duplicate declaration) and reports nothing; the checks word the diagnostics.
"""

from .resolver import resolve
from .tree import DEFAULT_LAYERS, Tree, build_tree

__all__ = ["DEFAULT_LAYERS", "Tree", "build_tree", "resolve"]
