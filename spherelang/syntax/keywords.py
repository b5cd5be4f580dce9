"""The reserved words of the sphere language (LANGUAGE.md §2)."""

KEYWORDS = frozenset(
    """model import layers sphere within power responsibility requires shared resource from
    indicator of in lower_is_better capacity channel strength allow rule error warning info for
    where require message scenario remove true false null and or not if""".split()
)
