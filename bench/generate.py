#!/usr/bin/env python3
"""Generate national-scale governance models for benchmarking spherelang.

The generator is ``tests/modelgen.py`` (the test suite uses it too, and must
need nothing outside the repository's ``tests/`` and the package); this script
is its command line, and ``from generate import generate`` keeps working for
the other bench scripts. See ``tests/modelgen.py`` for what a model holds.

Usage:
    python bench/generate.py --spheres 100000 --out /tmp/m100k
    python bench/generate.py --spheres 100000 --files 50 --out /tmp/m100k-split
"""

from __future__ import annotations

import importlib.util
import os
import sys

_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "modelgen.py")
_spec = importlib.util.spec_from_file_location("modelgen", _PATH)
assert _spec is not None and _spec.loader is not None, _PATH
modelgen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(modelgen)

generate = modelgen.generate
main = modelgen.main
VIOLATION_CODE = modelgen.VIOLATION_CODE
LAYERS = modelgen.LAYERS

if __name__ == "__main__":
    sys.exit(main())
