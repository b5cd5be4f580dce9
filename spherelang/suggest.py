"""Did-you-mean: the closest existing name to one that does not exist."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``word`` (difflib's ratio of at least 0.6), else
    one that differs only in case, else ``None``."""
    pool = list(dict.fromkeys(candidates))
    if not pool:
        return None
    found = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if found:
        return found[0]
    lowered = {c.lower(): c for c in pool}
    return lowered.get(word.lower())
