"""The resolved model: attrs frozen classes linked by sphere index.

A :class:`Model` is what the resolver makes of a loaded set of files. Every
reference is already resolved (or marked as failing, with why), every value
validated (or marked invalid, with why) and every figure of the dynamic model
(capacity, ceiling, effective, headroom, elasticity) computed, so checks, user
rules and reports only read. The model holds no syntax-tree objects.
"""

from .binding import Binding, binding_figures, model_binding
from .declarations import (
    Allow,
    DetachedSphere,
    Duplicate,
    Rule,
    Scenario,
    ScenarioChange,
    SourceFile,
    Suppression,
)
from .figures import Corridor, corridor_figures
from .model import (
    Channel,
    Indicator,
    InvalidValue,
    Link,
    LinkStatus,
    Member,
    Model,
    Power,
    Requirement,
    Resource,
    Responsibility,
    Sphere,
)

__all__ = [
    "Allow",
    "Binding",
    "Channel",
    "Corridor",
    "DetachedSphere",
    "Duplicate",
    "Indicator",
    "InvalidValue",
    "Link",
    "LinkStatus",
    "Member",
    "Model",
    "Power",
    "Requirement",
    "Resource",
    "Responsibility",
    "Rule",
    "Scenario",
    "ScenarioChange",
    "SourceFile",
    "Sphere",
    "Suppression",
    "binding_figures",
    "corridor_figures",
    "model_binding",
]
