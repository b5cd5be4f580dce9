"""Corridors and elasticity: the dynamic part of the model (LANGUAGE.md §5)."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Finding, Related, Severity
from ..model import Model
from .registry import Context, code

I, W = Severity.INFO, Severity.WARNING


def fmt_pair(a: float, b: float) -> tuple[str, str]:
    """Two figures a message compares, with enough digits to tell them apart
    ("0.2999, below 0.3000", not "0.30, below 0.30")."""
    for digits in range(2, 10):
        left, right = f"{a:.{digits}f}", f"{b:.{digits}f}"
        if left != right:
            return left, right
    return f"{a:.2f}", f"{b:.2f}"


@code("COR001", "beyond-corridor", I, "a sphere's capacity exceeds its ceiling", "corridor")
def beyond_corridor(model: Model, ctx: Context) -> Iterable[Finding]:
    """A sphere's capacity exceeds its ceiling by more than the tolerance
    (default 0.05): it is beyond the corridor its enclosing spheres allow.

    Capacity is the explicit `capacity`, else the mean of the sphere's
    normalised indicators; the ceiling is the lowest capacity among its
    enclosing spheres. The sphere's effective capacity is held at the ceiling.

    ## Why it matters
    This is the article's central finding: sectoral systems can score high on
    their own indices (e-government, doing business) while the political frame
    (rule of law, corruption) caps what they can deliver. Reforms inside the
    corridor stall until the outer spheres widen it.

    ## Example
        sphere Nation : political {
          indicator rule_of_law = 150 of 200            // capacity 0.25
          sphere Customs : operational {                // COR001: 0.80 > 0.25
            indicator clearance = 2 in 0..10 lower_is_better
          }
        }

    ## How to fix
    This is information, not an error: it points at where reform must start
    outside the sphere. Tune `corridor-tolerance` to change the sensitivity.
    """
    for sphere in model.spheres:
        cap, ceiling = sphere.capacity, sphere.ceiling
        if cap is None or ceiling is None:
            continue
        if cap - ceiling > ctx.corridor_tolerance + ctx.epsilon:
            bound = model.spheres[sphere.bound_by] if sphere.bound_by is not None else None
            shown, limit = fmt_pair(cap, ceiling)
            yield Finding(
                "COR001",
                f"sphere '{sphere.path}' has capacity {shown}, above its ceiling {limit}"
                + (f" set by '{bound.path}'" if bound else ""),
                sphere.span, sphere.path,
                related=(Related(bound.span, f"its capacity, {limit}, sets the ceiling"),) if bound else (),
                hint="its effective capacity is held at the ceiling: reform the enclosing spheres to widen "
                "the corridor",
            )


@code("ELA001", "no-feedback-channel", W, "a sphere of the outermost layer declares no feedback channel",
      "corridor")
def no_feedback_channel(model: Model, ctx: Context) -> Iterable[Finding]:
    """A sphere of the outermost layer declares no `channel`.

    ## Why it matters
    The political system gives governance its elasticity — its ability to sense
    citizens' needs and answer them — through feedback channels: elections,
    media, petitions, courts. A political sphere with none is rigid by design.

    ## Example
        sphere Nation : political {
          channel elections strength 0.6 "free and contested"
        }

    ## How to fix
    Declare the channels through which the sphere hears citizens, with their
    strength in [0, 1].
    """
    if not model.layers:
        return
    for sphere in model.spheres:
        if sphere.layer_rank == 0 and not sphere.channels and not sphere.declared_channels:
            yield Finding("ELA001", f"sphere '{sphere.path}' of the outermost layer '{model.layers[0]}' declares "
                          "no feedback channel", sphere.span, sphere.path,
                          hint="add e.g. 'channel elections strength 0.6'")



@code("ELA002", "low-elasticity", W, "a sphere's elasticity is below the threshold", "corridor")
def low_elasticity(model: Model, ctx: Context) -> Iterable[Finding]:
    """A sphere's elasticity — the mean strength of its channels — is below the
    threshold (default 0.3).

    ## Why it matters
    Weak feedback means the system cannot sense and answer citizens' needs, so
    it adapts late and by crisis rather than by design.

    ## Example
        sphere Nation : political {                 // ELA002: 0.10 < 0.30
          channel elections strength 0.1
        }

    ## How to fix
    Strengthen the channels (free media, contested elections, petitions that
    get answers); tune `elasticity-threshold` to change the bar.
    """
    for sphere in model.spheres:
        value = sphere.elasticity
        if value is not None and value < ctx.elasticity_threshold - ctx.epsilon:
            shown, threshold = fmt_pair(value, ctx.elasticity_threshold)
            yield Finding("ELA002", f"sphere '{sphere.path}' has elasticity {shown}, below the threshold "
                          f"{threshold}", sphere.span, sphere.path,
                          hint="strengthen its feedback channels")
