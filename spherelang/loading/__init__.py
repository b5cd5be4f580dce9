"""Files to a set of parsed files: imports, globs, cycles and the project root."""

from .loader import DEFAULT_LIMITS, LoadedModel, Limits, find_project_root, load_model

__all__ = ["DEFAULT_LIMITS", "LoadedModel", "Limits", "find_project_root", "load_model"]
