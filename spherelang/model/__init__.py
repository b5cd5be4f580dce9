"""The resolved model: attrs frozen classes linked by sphere index.

A :class:`Model` is what the resolver makes of a loaded set of files. Every
reference is already resolved (or marked as failing, with why) and every
figure of the dynamic model (capacity, ceiling, effective, headroom,
elasticity) is computed, so checks, user rules and reports only read.
"""

from .model import (
    Channel,
    Indicator,
    Link,
    LinkStatus,
    Model,
    Power,
    Requirement,
    Resource,
    Responsibility,
    Sphere,
)

__all__ = [
    "Channel",
    "Indicator",
    "Link",
    "LinkStatus",
    "Model",
    "Power",
    "Requirement",
    "Resource",
    "Responsibility",
    "Sphere",
]
