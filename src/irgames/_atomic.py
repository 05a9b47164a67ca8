r"""Atomic outputs: a file appears at its path complete, or not at all.

:func:`atomic_output` hands the writer a temporary path beside the target (same folder, so the
final :func:`os.replace` is a rename on one file system, atomic on POSIX and Windows). When the
block ends normally the temporary file replaces the target; when it ends by any exception,
``KeyboardInterrupt`` (SIGINT) included, the temporary file is removed and a previous file at
the target is left untouched. :func:`terminate_as_interrupt` makes SIGTERM behave like SIGINT
for the duration of a command, so the same clean-up runs.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_output(folder / "table.csv") as tmp:
...     _ = tmp.write_text("a,b\n1,2\n")
>>> (folder / "table.csv").read_text()
'a,b\n1,2\n'
>>> try:
...     with atomic_output(folder / "table.csv") as tmp:
...         _ = tmp.write_text("half a line")
...         raise KeyboardInterrupt
... except KeyboardInterrupt:
...     pass
>>> (folder / "table.csv").read_text(), sorted(p.name for p in folder.iterdir())
('a,b\n1,2\n', ['table.csv'])
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_output", "terminate_as_interrupt"]


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` if the block succeeds.

    The temporary name starts with ``.`` and ends with ``.partial`` and keeps the target's
    suffix before that (``.out.csv.XXXX.partial``), so writers that choose a format by suffix
    should be given the target's suffix explicitly. On any exception the temporary file is
    removed and the exception propagates. The file gets the permissions a plain ``open``
    would give it (those of the file it replaces, else ``0o666`` less the umask), not the
    owner-only mode of :func:`tempfile.mkstemp`.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    try:
        os.chmod(descriptor, _mode_for(target))
    except (OSError, NotImplementedError):  # chmod on a descriptor: not on every system
        pass
    os.close(descriptor)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def _mode_for(target: Path) -> int:
    """The permission bits a new file at ``target`` would get from ``open``."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        pass
    umask = os.umask(0)  # read the umask: it can only be read by setting it
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises ``KeyboardInterrupt`` as SIGINT does.

    Only in the main thread (elsewhere signals cannot be handled, and the block runs as is).
    The previous handler is restored on exit.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum, frame):
    # builtin: a signal turned into the interrupt Python raises for Ctrl-C
    raise KeyboardInterrupt(f"signal {signum}")
