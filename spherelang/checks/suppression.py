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


@found_by("the suppression pass", "SUP002", "unknown-code", Severity.WARNING,
          "an allow or a suppression comment names a code nothing reports", "suppression")
def unknown_code() -> None:
    """`allow CODE "..."` names a code that no built-in check, no `rule` of the
    run's models and no installed Python rule reports; or a
    `// sphere: ignore[CODE]` comment does. The hint names the closest code.

    `allow` matches codes exactly (`allow bal004` suppresses nothing); a
    comment's codes are read in capitals. An unknown code in a comment is
    SUP002 only, never also SUP001.

    ## Why it matters
    A misspelt code suppresses nothing, silently: `allow BAL0004` leaves
    BAL004 reported, or, worse, the author believes a finding is reviewed and
    waived when the waiver never applied. A code from a rule pack that is not
    installed where the check runs is unknown too: that check is not running.

    ## Example
        sphere Finance : administrative {
          allow BAL0004 "the reserve is funded next year"   // SUP002: did you mean 'BAL004'?
          resource reserve = 1e6 KZT
        }

    ## How to fix
    Correct the code (`sphere rules` lists every code the run knows), install
    the rule pack that defines it, or remove the statement.
    """
