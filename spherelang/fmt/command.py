"""The body of ``sphere fmt [--check] [--diff] [PATHS | -]``, ready to wire
into the click command (the CLI expands directories into ``*.sphere`` files).

- no flag: rewrite each file that is not in canonical layout (atomically,
  keeping its permissions); a summary goes to stderr;
- ``--check``: write nothing, print ``would reformat: PATH`` on stdout for each
  file that would change; exit 1 if any would;
- ``--diff``: write nothing, print a unified diff per file that would change;
  exit 1 if any would (combine with ``--check`` freely);
- ``-``: read stdin, write the formatted text to stdout (or, with ``--check``
  / ``--diff``, only the verdict / diff); nothing goes to stdout on an error;
- a file that is not valid UTF-8 or does not parse is never touched: it is
  reported on stderr as ``PATH:LINE:COL: SPH001 message`` and the exit
  status is 1.

Exit status: 0 all good, 1 a syntax/encoding error or (``--check``/``--diff``)
a file that would change, 2 an unreadable/unwritable file or a formatter bug.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from typing import BinaryIO, TextIO

from ..errors import SphereSyntaxError
from . import FormatResult, FormatterBug, format_bytes

STDIN = "-"
STDIN_NAME = "<stdin>"


def run(paths: Sequence[str], *, check: bool = False, diff: bool = False,
        stdin: BinaryIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Format ``paths`` (files, or ``-`` for stdin); return the exit status."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    status = 0
    changed = unchanged = failed = 0
    dry = check or diff
    for path in paths:
        name = STDIN_NAME if path == STDIN else path
        try:
            data = _read_stdin(stdin) if path == STDIN else _read(path)
            result = format_bytes(data, name)
        except SphereSyntaxError as exc:
            for d in exc.diagnostics:
                stderr.write(f"{d.span.file}:{d.span.line}:{d.span.column}: {d.code} {d.message}\n")
            status = max(status, 1)
            failed += 1
            continue
        except (OSError, FormatterBug) as exc:
            stderr.write(f"{name}: error: {exc}\n" if isinstance(exc, OSError) else f"error: {exc}\n")
            status = 2
            failed += 1
            continue
        if path == STDIN and not dry:
            stdout.write(result.formatted)
            continue
        if not result.changed:
            unchanged += 1
            continue
        changed += 1
        if dry:
            status = max(status, 1)
            if check:
                stdout.write(f"would reformat: {name}\n")
            if diff:
                stdout.write(result.diff())
            continue
        try:
            _write(path, result)
        except OSError as exc:
            stderr.write(f"{name}: error: cannot write: {exc}\n")
            status = 2
            changed -= 1
            failed += 1
    if any(p != STDIN for p in paths):
        stderr.write(_summary(changed, unchanged, failed, dry) + "\n")
    return status


def _summary(changed: int, unchanged: int, failed: int, dry: bool) -> str:
    def files(n: int) -> str:
        return f"{n} file{'s' if n != 1 else ''}"

    verb = "would be reformatted" if dry else "reformatted"
    left = "already formatted" if dry else "left unchanged"
    text = f"{files(changed)} {verb}, {files(unchanged)} {left}"
    return text + (f", {files(failed)} not formatted (errors above)" if failed else "")


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _read_stdin(stdin: BinaryIO | None) -> bytes:
    return (stdin or sys.stdin.buffer).read()


def _write(path: str, result: FormatResult) -> None:
    """Replace ``path`` atomically with the formatted text, keeping its mode
    (through a symlink: the link stays, its target is rewritten)."""
    data = result.formatted.encode("utf-8")
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    mode = os.stat(path).st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=".sphere-fmt-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
