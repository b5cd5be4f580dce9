"""The exceptions the public API raises; nothing else escapes it for bad input."""

from __future__ import annotations

from .diagnostics import Diagnostic


class SphereError(Exception):
    """Base class of every error spherelang raises on purpose."""


class SphereSyntaxError(SphereError):
    """``parse`` met a syntax (SPH001) or encoding (SPH005) error: ``diagnostic``
    is the first, ``diagnostics`` every one found."""

    def __init__(self, diagnostic: Diagnostic, more: tuple[Diagnostic, ...] = ()) -> None:
        span = diagnostic.span
        super().__init__(f"{span.file}:{span.line}:{span.column}: {diagnostic.code} {diagnostic.message}")
        self.diagnostic = diagnostic
        self.diagnostics = (diagnostic, *more)


class SphereUsageError(SphereError):
    """A call the API cannot honour: an unknown scenario, a bad option or
    configuration value, a path that does not exist. The CLI exits 2."""
