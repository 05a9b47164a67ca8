r"""Timing on a noisy shared machine: medians over alternating repeats, after a warm-up.

A benchmark compares *candidates*: zero-argument callables that each solve a fixed workload
of ``work`` units (games, node-points, parameter points) and return what they computed. A
sample times one call of a candidate, or ``number`` calls when one call is too short for the
clock (``number`` is set from the warm-up call so that a sample lasts at least
``min_sample`` seconds, as :mod:`timeit` does). The rate of a sample is

.. math::

    r = \frac{\text{number} \times \text{work}}{t},

and a candidate is reported by the median of its ``repeats`` sample rates, with their minimum
and maximum. Repeats *alternate*: round :math:`k` times every candidate once, in forward order
on even rounds and reversed on odd ones, so that a burst of load from another process on the
machine hits all candidates alike instead of one of them.

Results are materialised inside the timed region: :func:`materialise` consumes generators and
iterators (a lazy peer would otherwise be timed doing nothing) and touches every array it
finds (its last element: numpy is eager, so this proves the array exists without timing an
extra pass over it).

The machine's memory copy bandwidth :math:`\beta` is measured in the same run by copying a
large array (``np.copyto``; a copy reads and writes each byte, so :math:`\beta = 2 s / t` for
an array of :math:`s` bytes). A memory-bound workload that must read and write :math:`b`
bytes per unit cannot run faster than the *bandwidth floor* :math:`\beta / b` units per
second.

Examples
--------
>>> import numpy as np
>>> from benchmarks.timing import compare
>>> x = np.arange(1000.0)
>>> t = compare({"sum": (lambda: x.sum(), 1000)}, repeats=3, min_sample=1e-4)
>>> t["sum"].repeats, t["sum"].low <= t["sum"].median <= t["sum"].high
(3, True)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

import numpy as np

__all__ = ["Timing", "compare", "copy_bandwidth", "materialise", "time_once"]


def materialise(result: Any, _depth: int = 0) -> Any:
    """Consume generators and touch arrays in ``result`` (recursively); return it, consumed."""
    if _depth > 4:
        return result
    if isinstance(result, np.ndarray):
        if result.size:  # one element read in place (reshape would copy a strided view)
            result[(-1,) * result.ndim].item()
        return result
    if isinstance(result, Iterator):
        return [materialise(r, _depth + 1) for r in result]
    if isinstance(result, list | tuple):
        for r in result:
            materialise(r, _depth + 1)
        return result
    if isinstance(result, dict):
        for r in result.values():
            materialise(r, _depth + 1)
        return result
    if is_dataclass(result) and not isinstance(result, type):
        for f in fields(result):
            materialise(getattr(result, f.name), _depth + 1)
    return result


@dataclass(frozen=True)
class Timing:
    """Sample rates of one candidate (units per second), with the work behind them.

    Attributes
    ----------
    rates : tuple of float
        One rate per repeat.
    work : float
        Units of work in one call.
    number : int
        Calls per sample.
    seconds : tuple of float
        Wall time of each sample (all ``number`` calls).
    """

    rates: tuple[float, ...]
    work: float
    number: int
    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return float(np.median(self.rates))

    @property
    def low(self) -> float:
        return float(np.min(self.rates))

    @property
    def high(self) -> float:
        return float(np.max(self.rates))

    @property
    def repeats(self) -> int:
        return len(self.rates)


def time_once(fn: Callable[[], Any], number: int = 1) -> float:
    """Seconds for ``number`` calls of ``fn``, each result materialised inside the region."""
    start = time.perf_counter()
    for _ in range(number):
        materialise(fn())
    return time.perf_counter() - start


def compare(
    candidates: dict[str, tuple[Callable[[], Any], float]],
    *,
    repeats: int = 5,
    warmup: int = 1,
    min_sample: float = 0.02,
) -> dict[str, Timing]:
    """Time candidates ``{name: (fn, work)}`` in alternating rounds after a warm-up.

    Parameters
    ----------
    candidates : dict
        Name to ``(fn, work)``: ``fn()`` solves the workload of ``work`` units.
    repeats : int
        Samples per candidate.
    warmup : int
        Untimed-for-the-result calls per candidate before the first round (they also set
        ``number``).
    min_sample : float
        Seconds a sample should last at least; short calls are repeated ``number`` times.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    number: dict[str, int] = {}
    for name, (fn, _) in candidates.items():
        seconds = min_sample
        for _ in range(max(1, warmup)):
            seconds = time_once(fn)
        number[name] = max(1, math.ceil(min_sample / max(seconds, 1e-9)))
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    names = list(candidates)
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            samples[name].append(time_once(candidates[name][0], number[name]))
    return {
        name: Timing(
            rates=tuple(number[name] * work / s for s in samples[name]),
            work=float(work),
            number=number[name],
            seconds=tuple(samples[name]),
        )
        for name, (_, work) in candidates.items()
    }


def copy_bandwidth(nbytes: int = 1 << 28, repeats: int = 5) -> Timing:
    """Memory copy bandwidth in bytes per second (read + write), by ``np.copyto``.

    The array (``nbytes`` bytes, default 256 MiB: far larger than any cache) is copied
    ``repeats`` times after one warm-up copy that also faults the pages in; each sample counts
    ``2 * nbytes`` bytes moved.
    """
    src = np.ones(max(1, nbytes // 8))
    dst = np.empty_like(src)
    return compare(
        {"copy": (lambda: np.copyto(dst, src), 2.0 * src.nbytes)},
        repeats=repeats,
        min_sample=0.0,
    )["copy"]
