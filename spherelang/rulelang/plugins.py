"""Rules written in Python.

A plugin rule is a function from the resolved model to findings::

    from spherelang.rulelang.plugins import Finding, rule

    @rule("ORG100", "every body declares a channel", severity="warning")
    def body_channels(model):
        \"\"\"A state body without a feedback channel.

        ## Why is this bad?
        ...
        \"\"\"
        for sphere in model.spheres:
            if sphere.layer == "body" and not sphere.channels:
                yield Finding(sphere, f"'{sphere.path}' declares no channel")

The decorator registers the rule (with its docstring, which ``sphere explain``
prints) in :data:`REGISTRY`. Installed packages contribute rules through the
entry-point group ``spherelang.rules``: an entry point names either a module
(its rules are the ones it defines) or a callable returning rule objects.

The runner places each finding at the subject's declaration with the rule's
code, and the pipeline stamps it with the rule's severity, so a plugin cannot
get those wrong; a plugin that raises becomes one RUL001 naming it, never a
traceback.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, Union

import attrs
from typing_extensions import TypeVar  # a TypeVar default (PEP 696) on Python 3.11

from ..diagnostics import Finding as Found
from ..diagnostics import Severity, Span
from ..model import Channel, Indicator, Model, Power, Resource, Responsibility, Sphere

ENTRY_POINT_GROUP = "spherelang.rules"

Subject = Union[Sphere, Power, Responsibility, Resource, Indicator, Channel]
_MEMBER_TYPES = (Power, Responsibility, Resource, Indicator, Channel)


@attrs.frozen
class Finding:
    """One violation a plugin found: about ``subject`` (a sphere or a member of the model)."""

    subject: Subject
    message: str
    hint: str | None = None


RuleFunction = Callable[[Model], Iterable[Finding]]

#: What a rule's function returns (a list, a generator...): the rule object
#: returns the same when called. ``PythonRule`` alone is any rule.
_Found = TypeVar("_Found", bound=Iterable[Finding], covariant=True, default=Iterable[Finding])
_F = TypeVar("_F", bound=Iterable[Finding])


@attrs.frozen
class PythonRule(Generic[_Found]):
    """A registered plugin rule; calling it runs the function."""

    code: str
    summary: str
    severity: Severity
    function: Callable[[Model], _Found] = attrs.field(eq=False, repr=False)
    doc: str                 # the function's docstring, cleaned: its user documentation
    origin: str              # "module:function", to name the plugin in messages

    def __call__(self, model: Model) -> _Found:
        return self.function(model)

    def explain(self) -> str:
        """The text ``sphere explain CODE`` prints."""
        head = f"{self.code} ({self.severity.label}): {self.summary}"
        return f"{head}\n\n{self.doc}" if self.doc else head


class RuleRegistry:
    """Plugin rules by code, and what went wrong loading plugins."""

    def __init__(self) -> None:
        self._rules: dict[str, PythonRule] = {}
        self.load_errors: list[str] = []
        self.loaded = False

    def register(self, new: PythonRule[_F]) -> PythonRule[_F]:
        existing = self._rules.get(new.code)
        if existing is not None and existing.origin != new.origin:
            raise ValueError(f"rule code '{new.code}' is registered twice: by {existing.origin} and {new.origin}")
        self._rules[new.code] = new  # the same function again (a module reloaded) replaces itself
        return new

    def get(self, code: str) -> PythonRule | None:
        return self._rules.get(code)

    def __iter__(self) -> Iterator[PythonRule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def codes(self) -> frozenset[str]:
        return frozenset(self._rules)


#: The process-wide registry the decorator fills.
REGISTRY = RuleRegistry()


def _severity(value: str | Severity) -> Severity:
    return value if isinstance(value, Severity) else Severity.parse(value)


def rule(code: str, summary: str, severity: str | Severity = "error", *,
         registry: RuleRegistry | None = None) -> Callable[[Callable[[Model], _F]], PythonRule[_F]]:
    """Register the function ``fn(model) -> Iterable[Finding]`` as the rule ``code``.

    The decorated name is the :class:`PythonRule` (what plugin discovery
    finds); called with a model it returns what the function returns."""
    if not code.isidentifier():
        raise ValueError(f"rule code '{code}' is not a name")
    level = _severity(severity)

    def decorate(fn: Callable[[Model], _F]) -> PythonRule[_F]:
        origin = f"{fn.__module__}:{fn.__qualname__}"
        made = PythonRule(code, summary, level, fn, inspect.cleandoc(fn.__doc__ or ""), origin)
        return (registry if registry is not None else REGISTRY).register(made)

    return decorate


# ---------------------------------------------------------------- entry points


def load_entry_points(registry: RuleRegistry | None = None,
                      entry_points: Iterable[Any] | None = None) -> list[str]:
    """Load the ``spherelang.rules`` plugins into ``registry``; returns (and
    records in ``registry.load_errors``) a message per plugin that failed."""
    target = registry if registry is not None else REGISTRY
    found = entry_points if entry_points is not None else importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    problems: list[str] = []
    for ep in found:
        try:
            for made in _rules_of(ep.load()):
                target.register(made)
        except Exception as exc:  # noqa: BLE001 - a broken plugin is reported, never fatal
            problems.append(f"plugin '{ep.name}' ({ep.value}) could not be loaded: {type(exc).__name__}: {exc}")
    target.load_errors.extend(problems)
    target.loaded = True
    return problems


def _rules_of(loaded: object) -> list[PythonRule]:
    """The rules an entry point provides: a module's, or what a callable returns."""
    if isinstance(loaded, types.ModuleType):
        return [v for v in vars(loaded).values() if isinstance(v, PythonRule)]
    if isinstance(loaded, PythonRule):
        return [loaded]
    if callable(loaded):
        made = list(loaded())
        strays = [m for m in made if not isinstance(m, PythonRule)]
        if strays:
            raise TypeError(f"it returned {type(strays[0]).__name__}, not rule objects")
        return made
    raise TypeError(f"it is {type(loaded).__name__}, neither a module nor a callable")


def default_registry() -> RuleRegistry:
    """:data:`REGISTRY`, with the installed plugins loaded (once per process)."""
    if not REGISTRY.loaded:
        load_entry_points(REGISTRY)
    return REGISTRY


def registered_rules() -> list[PythonRule]:
    """Every plugin rule (installed plugins loaded), by code: for ``sphere rules``
    and ``sphere explain``."""
    return list(default_registry())


# ---------------------------------------------------------------- running


class _BadFinding(Exception):
    pass


@attrs.frozen
class PluginRun:
    """What running the plugin rules gave: ``violations`` carry the plugins'
    codes (stamped with ``severities``), ``problems`` the rule engine's own
    codes (RUL001 for a plugin that failed, RUL003 for one that takes a
    built-in code)."""

    violations: tuple[Found, ...]
    problems: tuple[Found, ...]
    severities: dict[str, Severity]
    #: Each plugin code's ``module:function``, which the diagnostics' origin names.
    origins: dict[str, str] = attrs.field(factory=dict)


def run_python_rules(model: Model, builtin_codes: frozenset[str], *,
                     registry: RuleRegistry | None = None) -> PluginRun:
    """Every plugin rule over ``model`` (one RUL001 per failing plugin,
    reported at the model's entry file: a plugin has no declaration in it)."""
    rules = registry if registry is not None else default_registry()
    anchor = Span(model.entry, 1, 1, 1, 1)
    problems = [Found("RUL001", problem, anchor) for problem in rules.load_errors]
    violations: list[Found] = []
    for plugin in rules:
        if plugin.code in builtin_codes:
            problems.append(Found("RUL003", f"python rule '{plugin.code}' ({plugin.origin}) uses a built-in code",
                                  anchor, hint="register it under a code of your own"))
            continue
        try:
            found = [_place(plugin, model, finding) for finding in plugin(model)]
        except Exception as exc:  # noqa: BLE001 - any plugin failure is one RUL001
            what = str(exc) if isinstance(exc, _BadFinding) else f"{type(exc).__name__}: {exc}"
            problems.append(Found("RUL001", f"python rule '{plugin.code}' ({plugin.origin}) failed: {what}", anchor))
            continue
        violations.extend(found)  # all or nothing: a plugin that fails midway reports only the failure
    return PluginRun(tuple(violations), tuple(problems), {p.code: p.severity for p in rules},
                     {p.code: p.origin for p in rules})


def _place(plugin: PythonRule, model: Model, finding: object) -> Found:
    """A plugin's finding at its subject's declaration, with the plugin's code."""
    if not isinstance(finding, Finding):
        raise _BadFinding(f"it produced {type(finding).__name__}, not a Finding")
    subject = finding.subject
    if isinstance(subject, Sphere):
        sphere, name = subject, None
    elif isinstance(subject, _MEMBER_TYPES) and 0 <= subject.sphere < len(model.spheres):
        sphere, name = model.spheres[subject.sphere], subject.name
    else:
        raise _BadFinding(f"a finding is about {type(subject).__name__}, not a sphere or member of the model")
    return Found(plugin.code, str(finding.message), subject.span, sphere=sphere.path, hint=finding.hint,
                 subject=name)
