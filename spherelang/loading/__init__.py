"""Files to a set of parsed files: imports, globs, cycles, the project root and
the parse cache. What goes wrong is recorded as findings (SPH002-SPH006, and
the parser's SPH001/SPH005), stamped later like every other."""

from ..config import DEFAULT_LIMITS, Limits
from .cache import ParseCache, SignedStore, cache_home, file_digest
from .loader import (
    PROJECT_MARKERS,
    LoadedModel,
    Loader,
    find_project_root,
    is_marked,
    load_model,
)

__all__ = ["DEFAULT_LIMITS", "PROJECT_MARKERS", "LoadedModel", "Limits", "Loader", "ParseCache", "SignedStore",
           "cache_home", "file_digest", "find_project_root", "is_marked", "load_model"]
