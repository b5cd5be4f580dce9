"""What the resolved model keeps of its declarations beyond the sphere tree:
its files, suppression comments, rules and scenarios, and the declarations
that could not take their place (duplicates, spheres whose ``within`` fails).

These are the model's own classes: the model never holds syntax-tree
objects, so it can outlive the parse and be cached, compared or sent to
another process on its own.
"""

from __future__ import annotations

import attrs

from ..diagnostics import Severity, Span
from ..expression import Expr, Message


@attrs.frozen
class Suppression:
    """A trailing ``// sphere: ignore[CODE, ...]`` (no codes: every code on the line)."""

    codes: tuple[str, ...]
    span: Span


@attrs.frozen
class Allow:
    """An ``allow CODE "reason"`` statement: the code as written, the span of
    its code token, and the path of the sphere it stands in (SUP002 judges
    whether the code names anything)."""

    code: str
    span: Span
    sphere: str


@attrs.frozen
class SourceFile:
    """One file of the model: its path, its ``model "..."`` title and its
    suppression comments."""

    path: str
    title: str | None = None
    suppressions: tuple[Suppression, ...] = ()


@attrs.frozen
class Rule:
    """A ``rule`` block (LANGUAGE.md §6), its expressions kept as arenas for
    :mod:`spherelang.rulelang` to compile."""

    code: str
    summary: str
    severity: Severity | None   # None: the default (error)
    var: str
    collection: str
    collection_span: Span
    where: Expr | None
    require: Expr
    message: Message | None
    span: Span


@attrs.frozen
class ScenarioChange:
    """One ``in PATH { ... }`` or ``remove PATH`` of a scenario, and whether
    its path exists at that point of the scenario (judged against the
    baseline model, earlier changes of the same scenario applied).

    ``missing`` is what an unknown path was taken for (``"sphere"``, or
    ``"member"`` for a ``remove`` whose owner exists) and ``nearest`` the
    closest path that does exist there, if any.
    """

    action: str                 # "in" | "remove"
    path: str
    span: Span
    missing: str | None = None
    nearest: str | None = None

    @property
    def known(self) -> bool:
        return self.missing is None


@attrs.frozen
class Scenario:
    """A ``scenario`` block: its name, title and changes. Applying it reads the
    full declarations again through the loader (``spherelang.evaluator``)."""

    name: str
    title: str | None
    changes: tuple[ScenarioChange, ...]
    span: Span


@attrs.frozen
class Duplicate:
    """A second declaration of something its scope already declares (REF002).

    ``kind`` is one of ``layer`` (a name listed twice in ``layers``),
    ``layers`` (a second ``layers`` statement; ``same`` says whether it lists
    the same order), ``sphere``, ``capacity``, ``member`` (``first_kind`` is
    the kind of the first declaration), ``series-year`` (an indicator's
    ``year`` written twice; ``year`` as written), ``series-mixed`` (an
    indicator with and without a year) and ``scenario``. ``span`` is the second
    declaration, ``first`` the one that counts.
    """

    kind: str
    name: str
    span: Span
    first: Span | None = None
    sphere: str | None = None
    first_kind: str | None = None
    same: bool = False
    year: str | None = None


@attrs.frozen
class DetachedSphere:
    """A top-level sphere whose ``within`` names no sphere of the model: it
    never joins the tree, so none of its contents is checked.

    ``allows`` are the codes its own ``allow`` statements suppress (they apply
    to what is reported about it, as in any sphere).
    """

    name: str
    within: str
    span: Span
    allows: frozenset[str] = frozenset()

    @property
    def path(self) -> str:
        """The path it would have had."""
        return f"{self.within}.{self.name}"
