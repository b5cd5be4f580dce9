"""Loading: syntax, encoding and imports (found by the parser and the loader)."""

from __future__ import annotations

from ..diagnostics import Severity
from .registry import found_by

E = Severity.ERROR


@found_by("the parser", "SPH001", "syntax-error", E, "syntax error", "loading")
def syntax_error() -> None:
    """The file does not follow the grammar of the sphere language.

    ## What it means
    The parser met a token it cannot use at that point; the message names what
    it found and what it expected there (a name, a number, the end of the
    statement, ...). Statements end at a new line or ';', blocks are `{ ... }`,
    and keywords (`sphere`, `power`, `from`, ...) cannot be used as names.
    A word close to a keyword that fits there (`powr`, `require` where only
    `requires` fits) is named as that keyword: "did you mean 'power'?". A `{`
    that is never closed is reported at the end of the file, with the `{`
    itself as a related location.

    ## Why it matters
    A model that does not parse cannot be reasoned about: the file gets this
    one diagnostic and the model no other, so that no finding rests on a guess.

    ## Example
        sphere { }            // a sphere needs a name and a layer

    ## How to fix
        sphere Customs : operational { }
    """


@found_by("the loader", "SPH002", "import-not-found", E, "an import names no file", "loading")
def import_not_found() -> None:
    """An `import` names a file that does not exist, or a glob matches none.

    ## What it means
    Import paths are relative to the importing file. A path that names a
    directory, a device or anything but a regular file is refused too, as is
    a path with a backslash or a NUL.

    ## Why it matters
    The spheres and resources the missing file would declare are unknown, so
    the `within` and `from` references into it will fail as well.

    ## Example
        import "agencies/custom.sphere"     // the file is customs.sphere

    ## How to fix
    Correct the path, or use a glob such as `"agencies/*.sphere"`.
    """


@found_by("the loader", "SPH003", "import-cycle", E, "import cycle", "loading")
def import_cycle() -> None:
    """Files import each other in a cycle; reported at the import that closes it.

    ## Why it matters
    The nesting doll has an inside and an outside: a body's file imports the
    file of the sphere that encloses it, never the other way round. A cycle
    means the files disagree about which sphere encloses which.

    ## Example
        // state.sphere
        import "customs.sphere"
        // customs.sphere
        import "state.sphere"            // closes the cycle

    ## How to fix
    Let inner files import outer ones only; a model file may import all the
    body files (a glob) to assemble the whole.
    """


@found_by("the loader", "SPH004", "import-outside-root", E, "an import resolves outside the project root", "loading")
def import_outside_root() -> None:
    """An import resolves (after following symlinks) outside the project root.

    ## What it means
    The project root is the nearest directory above the entry file holding
    `sphere.toml` or `pyproject.toml`, else the entry file's directory. The
    refused file is never opened.

    ## Why it matters
    A linter runs on whatever lands in a repository; a model must not read
    files from elsewhere on the machine, and its result must not depend on
    them.

    ## Example
        import "../../shared/common.sphere"

    ## How to fix
    Move the file into the project, or put `sphere.toml` in a directory that
    encloses both.
    """


@found_by("the parser", "SPH005", "bad-encoding", E, "a file is not valid UTF-8 or holds a NUL byte", "loading")
def bad_encoding() -> None:
    """A file is not valid UTF-8 text: a bad byte sequence, a NUL byte, or a
    byte order mark anywhere but at the start. Reported at the first bad spot.

    ## Why it matters
    Names such as `Минфин` must mean the same on every machine; guessing an
    encoding would make a model's meaning depend on where it is read.

    ## Example
        sphere Минфин : administrative { }     // saved as Windows-1251: SPH005

    ## How to fix
    Save the file as UTF-8 (a leading BOM is allowed; CRLF and LF both work).
    """


@found_by("the loader", "SPH006", "limit-exceeded", E, "a file or an import chain exceeds a size limit", "loading")
def limit_exceeded() -> None:
    """A file is larger than the size limit (64 MiB by default), imports nest
    deeper than the import-depth limit (256 files), or a model reads more
    files than the file limit (100,000).

    ## Why it matters
    The limits keep a linter that runs on untrusted input fast and bounded in
    memory; the file is not read.

    ## Example
        import "generated/all-regions.sphere"    // a 200 MB export: SPH006

    ## How to fix
    Split the model into files joined with `within`.
    """
