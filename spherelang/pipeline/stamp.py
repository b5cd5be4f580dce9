"""The one stamp: a finding's code gets its default severity, then the
configuration's override.

Every stage yields :class:`~spherelang.diagnostics.Finding` objects with no
severity. The default comes from the one code table (:data:`spherelang.checks.CODES`)
for built-in codes, from the ``rule`` block for a model's own rules and from
the plugin for a Python rule; the configuration's ``[severity]`` table
overrides any of them by code. Nothing else decides a severity.

The stamp also records who found each diagnostic (its ``origin``: built in,
a model's rule, a plugin): a model's rule may reuse a built-in code, and
SARIF describes each result by the rule that produced it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from ..checks import CODES
from ..config import DEFAULT_CONFIG, Config
from ..diagnostics import BUILTIN, Diagnostic, Finding, Severity, plugin_origin, rule_origin
from ..errors import SphereSyntaxError
from ..model import Model
from ..syntax import ParseFailure

def stamp(findings: Iterable[Finding], config: Config, defaults: Mapping[str, Severity] | None = None,
          origins: Mapping[str, str] | None = None) -> Iterator[Diagnostic]:
    """Each finding as a diagnostic: its code's default from ``defaults`` (a
    model's rules or the plugins) or else from the code table, overridden by
    ``config``; its origin from ``origins`` by code, else built in."""
    for f in findings:
        default = defaults[f.code] if defaults is not None else CODES[f.code].severity
        origin = origins[f.code] if origins is not None else BUILTIN
        yield f.stamp(config.severity_of(f.code, default), origin)


def syntax_error(failure: ParseFailure, config: Config = DEFAULT_CONFIG) -> SphereSyntaxError:
    """What the parser found, as the exception the public API raises."""
    first, *more = stamp(failure.findings, config)
    return SphereSyntaxError(first, tuple(more))


def rule_severities(model: Model) -> dict[str, Severity]:
    """The default severity of each of the model's own rule codes (the first
    rule of a code counts: a second one is REF002 and is not run)."""
    found: dict[str, Severity] = {}
    for rule in model.rules:
        found.setdefault(rule.code, rule.severity or Severity.ERROR)
    return found


def rule_origins(model: Model) -> dict[str, str]:
    """The origin of each of the model's own rule codes: the file of its (first) rule."""
    found: dict[str, str] = {}
    for rule in model.rules:
        found.setdefault(rule.code, rule_origin(rule.span.file))
    return found


def plugin_origins(origins: Mapping[str, str]) -> dict[str, str]:
    """The origin of each plugin code, from the plugins' ``module:function``."""
    return {code: plugin_origin(name) for code, name in origins.items()}
