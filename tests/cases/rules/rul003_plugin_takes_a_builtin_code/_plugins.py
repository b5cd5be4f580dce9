"""A rule pack that takes a built-in code (RUL003): it must never run."""

import spherelang
from spherelang.rulelang import Finding


@spherelang.rule("BAL001", "a plugin that takes a built-in code")
def takes_bal001(model):  # type: ignore[no-untyped-def]
    for sphere in model.spheres:
        yield Finding(sphere, "this plugin must not run")
