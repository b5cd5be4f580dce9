"""Suppression comments: `// sphere: ignore[CODE, ...]` at the end of a line."""

from __future__ import annotations

from ..diagnostics import Severity
from .registry import found_by


@found_by("the suppression pass", "SUP001", "unused-suppression", Severity.WARNING, "a suppression comment suppresses nothing", "suppression")
def unused_suppression() -> None:
    """A trailing `// sphere: ignore[CODE, ...]` comment names a code that no
    diagnostic on its line carries (or, without codes, its line has none).

    A suppression is used when any model of the run needs it: a file shared by
    several entry files is judged over all of them.

    ## Why it matters
    Suppressions outlive the problems they hid. An unused one hides nothing
    today and will silently hide a new, unrelated finding tomorrow.

    ## Example
        resource fund = 5 USD        // sphere: ignore[BAL004]   (fund is now required)

    ## How to fix
    Remove the comment, or the codes in it that no longer apply.
    """
