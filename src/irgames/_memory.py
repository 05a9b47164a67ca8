r"""Memory accounting before allocation.

Every path that can allocate more than a machine holds (the ties of a tree listed one
equilibrium each, the payoff tensor of a large normal form, a sweep's result arrays, a file's
payload) asks :func:`require` for its bytes *before* allocating. Past the limit it raises
:class:`irgames.errors.WorkTooLargeError` whose one-line message names the size needed, the
limit and what to do instead, instead of letting numpy raise ``MemoryError`` half-way or the
operating system kill the process.

The limit is, in order: the environment variable ``IRGAMES_MAX_BYTES`` (a number of bytes,
``"512M"``, ``"4G"``), else half of the memory the process can still use: the smaller of the
available physical memory and what the address-space limit (``RLIMIT_AS``) leaves.

Examples
--------
>>> require(1024, "a small table")          # well under any limit
>>> try:
...     require(2**80, "the payoff tensor", advice="solve a smaller game")
... except MemoryError as error:
...     print(str(error).split(" (")[0])
the payoff tensor needs 1073741824.0 PiB
"""

from __future__ import annotations

import os
import re

from .errors import ParameterError, WorkTooLargeError, format_bytes

__all__ = ["memory_limit", "parse_bytes", "require"]

_SUFFIX = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_bytes(text: str) -> int:
    """``"4G"`` → 4 GiB, ``"512M"``, ``"1e9"``; a :class:`ValueError` for anything else.

    >>> parse_bytes("4G"), parse_bytes("512k"), parse_bytes("1e6")
    (4294967296, 524288, 1000000)
    """
    match = re.fullmatch(r"\s*([0-9.eE+]+)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", str(text))
    if match is None:
        raise ParameterError(f"not a number of bytes: {text!r} (e.g. 4G, 512M, 1e9)")
    try:
        value = float(match.group(1))
    except ValueError:
        raise ParameterError(f"not a number of bytes: {text!r} (e.g. 4G, 512M, 1e9)") from None
    return int(value * _SUFFIX[match.group(2).upper()])


def _available_physical() -> int | None:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _address_space_left() -> int | None:
    try:
        import resource
    except ImportError:  # not POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        used = 0
    return max(soft - used, 0)


def memory_limit() -> int:
    """The bytes one allocation may take (see the module docstring for the rule)."""
    configured = os.environ.get("IRGAMES_MAX_BYTES")
    if configured:
        return parse_bytes(configured)
    candidates = [n for n in (_available_physical(), _address_space_left()) if n is not None]
    return min(candidates) // 2 if candidates else 2**34


def require(nbytes: float, what: str, *, advice: str = "", limit: int | None = None) -> None:
    """Refuse, before allocating, work that needs more than ``limit`` bytes.

    Parameters
    ----------
    nbytes : float
        The bytes the work will allocate (a float, so that sizes beyond 2**63 are exact
        enough to report).
    what : str
        What would be allocated, as the subject of the message (``"the tied equilibria"``).
    advice : str
        What the caller can do instead (``"pass ties='first'"``).
    limit : int, optional
        Defaults to :func:`memory_limit`.

    Raises
    ------
    WorkTooLargeError
        ``what needs X (limit Y): advice``, with ``needed`` and ``limit`` in bytes.
    """
    limit = memory_limit() if limit is None else int(limit)
    if nbytes <= limit:
        return
    message = f"{what} needs {format_bytes(nbytes)} (limit {format_bytes(limit)})"
    if advice:
        message += f": {advice}"
    raise WorkTooLargeError(
        message + "; IRGAMES_MAX_BYTES sets the limit", needed=int(min(nbytes, 2**63)), limit=limit
    )
