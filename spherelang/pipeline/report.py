"""What a check run found: the :class:`Report` the API returns and the renderers print."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ..diagnostics import Diagnostic, Severity


@attrs.frozen(slots=True)
class Report:
    """Violations sorted by file, line, column and code (then message)."""

    violations: tuple[Diagnostic, ...]
    files: tuple[str, ...] = ()
    #: Codes declared by the models' own `rule` blocks: (code, summary, severity).
    user_rules: tuple[tuple[str, str, Severity], ...] = ()
    #: The severity that fails the run unless :meth:`fails` is told otherwise.
    fail_on: Severity = Severity.ERROR

    def count(self, severity: Severity | str) -> int:
        wanted = Severity.coerce(severity)
        return sum(1 for v in self.violations if v.severity is wanted)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def infos(self) -> int:
        return self.count(Severity.INFO)

    def fails(self, fail_on: Severity | str | None = None) -> bool:
        """Whether anything reaches ``fail_on`` (default: the run's own
        ``fail_on``; the CLI's exit status 1)."""
        threshold = Severity.coerce(fail_on) if fail_on is not None else self.fail_on
        return any(v.severity >= threshold for v in self.violations)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.violations)

    def __len__(self) -> int:
        return len(self.violations)
