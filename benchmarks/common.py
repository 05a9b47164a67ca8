r"""What every benchmark family shares: the run's settings, result rows, agreement checks.

A family module exposes ``run(config) -> Family``: its timed :class:`Row` s and the
:class:`Agreement` checks it ran *before* timing (irgames and each peer on the benchmarked
workload, or a subsample of it for slow peers). A disagreement raises :class:`Disagreement`:
a fast wrong answer is not a result, so no ratio is reported for it.

Equilibria are compared as *sets* with a tolerance: two lists of profiles agree when every
profile of each is within ``atol`` (max norm over all strategy coordinates) of one of the
other and the lists have the same length (:func:`same_profiles`).

Examples
--------
>>> import numpy as np
>>> a = [np.array([1.0, 0.0, 0.5, 0.5])]
>>> same_profiles(a, [np.array([1.0, 1e-12, 0.5, 0.5])], atol=1e-8)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .timing import Timing

__all__ = [
    "Agreement",
    "Config",
    "Disagreement",
    "Family",
    "Row",
    "compare_sets",
    "missing_from",
    "nbytes",
    "profiles_by_game",
    "rows_from_timings",
    "same_profiles",
    "valid_profiles",
]


class Disagreement(AssertionError):
    """irgames and a peer returned different equilibria on a benchmarked workload."""


@dataclass(frozen=True)
class Config:
    """Settings of one run.

    Attributes
    ----------
    mode : {"tiny", "quick", "full"}
        ``tiny`` for the unit test (seconds), ``quick`` for the CI smoke run (under two
        minutes), ``full`` for the recorded run (scaling up to 10^7 games where memory allows).
    repeats : int
        Samples per candidate.
    seed : int
        Seed of every workload.
    bandwidth : float
        Measured copy bandwidth (bytes per second) for the floors; NaN when not measured.
    exclude : tuple of str
        Peer packages left out of this run (e.g. ``("quantecon",)`` to skip its compile
        time in a unit test).
    """

    mode: str = "quick"
    repeats: int = 5
    seed: int = 0
    bandwidth: float = float("nan")
    exclude: tuple[str, ...] = ()

    def uses(self, package: str) -> bool:
        """Whether the peer ``package`` takes part: not excluded, and it imports."""
        from .peers import available

        return package not in self.exclude and available(package)

    def pick(self, tiny, quick, full):
        """The value for this run's mode."""
        return {"tiny": tiny, "quick": quick, "full": full}[self.mode]


@dataclass(frozen=True)
class Row:
    """One timed implementation on one workload at one size."""

    family: str
    workload: str
    size: str
    batch: int
    implementation: str
    unit: str
    median: float
    low: float
    high: float
    repeats: int
    number: int
    ratio: float = float("nan")
    floor: float = float("nan")
    reference: bool = False
    note: str = ""

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Agreement:
    """An agreement check: how many games were compared and what was found."""

    family: str
    workload: str
    peer: str
    games: int
    equilibria: int
    agreed: bool
    detail: str = ""

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Family:
    """Rows and agreement checks of one family, plus extra facts (compile times, ...)."""

    name: str
    rows: list[Row] = field(default_factory=list)
    checks: list[Agreement] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    def check(self, agreement: Agreement) -> None:
        """Record a check; raise :class:`Disagreement` if it failed."""
        self.checks.append(agreement)
        if not agreement.agreed:
            raise Disagreement(
                f"{agreement.family} / {agreement.workload}: irgames and {agreement.peer} "
                f"disagree ({agreement.detail})"
            )


def rows_from_timings(
    family: str,
    workload: str,
    size: str,
    unit: str,
    timings: dict[str, Timing],
    batches: dict[str, int],
    *,
    reference: str,
    floors: dict[str, float] | None = None,
    notes: dict[str, str] | None = None,
) -> list[Row]:
    """Rows for timed candidates; ratio = reference's median rate / the row's median rate."""
    ref = timings[reference].median
    rows = []
    for name, t in timings.items():
        rows.append(
            Row(
                family=family,
                workload=workload,
                size=size,
                batch=int(batches[name]),
                implementation=name,
                unit=unit,
                median=t.median,
                low=t.low,
                high=t.high,
                repeats=t.repeats,
                number=t.number,
                ratio=ref / t.median,
                floor=(floors or {}).get(name, float("nan")),
                reference=name == reference,
                note=(notes or {}).get(name, ""),
            )
        )
    return rows


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def missing_from(
    these: Sequence[np.ndarray], those: Sequence[np.ndarray], *, atol: float
) -> list[int]:
    """Indices of profiles in ``these`` with no profile of ``those`` within ``atol``."""
    out = []
    for i, a in enumerate(these):
        if not any(_distance(np.asarray(a), np.asarray(b)) <= atol for b in those):
            out.append(i)
    return out


def same_profiles(ours: Sequence[np.ndarray], theirs: Sequence[np.ndarray], *, atol: float) -> bool:
    """Whether two lists of flattened profiles are the same set (within ``atol``)."""
    return (
        len(ours) == len(theirs)
        and not missing_from(ours, theirs, atol=atol)
        and not missing_from(theirs, ours, atol=atol)
    )


def profiles_by_game(game_index: np.ndarray, strategies: Sequence[np.ndarray], games: int):
    """Per game ``0..games-1``, the list of its flat profiles (strategies concatenated)."""
    flat = np.concatenate([np.asarray(s, float) for s in strategies], axis=1)
    out: list[list[np.ndarray]] = [[] for _ in range(games)]
    for row in np.flatnonzero(np.asarray(game_index) < games):
        out[int(game_index[row])].append(flat[row])
    return out


def nbytes(obj, _depth: int = 0) -> int:
    """Bytes of all numpy arrays reachable from ``obj`` (dataclass fields, tuples, dicts)."""
    if _depth > 3:
        return 0
    if isinstance(obj, np.ndarray):
        return int(obj.nbytes)
    if isinstance(obj, list | tuple):
        return sum(nbytes(o, _depth + 1) for o in obj)
    if isinstance(obj, dict):
        return sum(nbytes(o, _depth + 1) for o in obj.values())
    if hasattr(obj, "__dataclass_fields__"):
        return sum(nbytes(getattr(obj, f), _depth + 1) for f in obj.__dataclass_fields__)
    return 0


def valid_profiles(
    A: np.ndarray, B: np.ndarray, profiles: Sequence[np.ndarray], *, rtol: float = 1e-6
) -> tuple[list[np.ndarray], int]:
    """The profiles that are equilibria of the bimatrix game ``(A, B)``, and how many are not.

    A profile is kept when it has ``m + n`` finite entries, each strategy is a probability vector
    (within ``rtol``) and its regret, computed by :func:`irgames.games.regret.regret`, is at
    most ``rtol`` times the game's payoff range. Peers are held to this standard before their
    answers are compared with irgames'.
    """
    from irgames.games.normal_form import NormalFormGame
    from irgames.games.regret import regret

    m, n = A.shape
    game = NormalFormGame.bimatrix(A, B)
    scale = float(game.payoff_scale)
    kept = []
    for p in profiles:
        p = np.asarray(p, dtype=float).reshape(-1)
        if p.size != m + n or not np.all(np.isfinite(p)):
            continue
        x, y = p[:m], p[m:]
        if min(x.min(), y.min()) < -rtol or max(abs(x.sum() - 1), abs(y.sum() - 1)) > rtol:
            continue
        if float(np.max(regret(game, (x, y)))) > rtol * scale:
            continue
        kept.append(p)
    return kept, len(profiles) - len(kept)


def compare_sets(
    family: Family,
    workload: str,
    peer: str,
    ours: Sequence[Sequence[np.ndarray]],
    theirs: Sequence[Sequence[np.ndarray]],
    *,
    atol: float,
    allow_missing: bool = False,
    payoffs: np.ndarray | None = None,
) -> Agreement:
    """Compare per-game sets of equilibria and record the check on ``family``.

    With ``payoffs`` (shape ``(games, 2, m, n)``) the peer's profiles are first held to the
    equilibrium standard (:func:`valid_profiles`); those that fail are dropped and counted
    (and then count as missing). With ``allow_missing`` (for a peer known to miss equilibria)
    the check passes when every valid equilibrium of the peer is one of ours, and the games
    where the peer missed some are counted in the detail; otherwise the sets must be equal.
    """
    invalid = 0
    if payoffs is not None:
        checked = []
        for g, profiles in enumerate(theirs):
            kept, bad = valid_profiles(payoffs[g, 0], payoffs[g, 1], profiles)
            checked.append(kept)
            invalid += bad
        theirs = checked
    pairs = list(zip(ours, theirs, strict=True))
    extra = [g for g, (a, b) in enumerate(pairs) if missing_from(b, a, atol=atol)]
    short = [g for g, (a, b) in enumerate(pairs) if missing_from(a, b, atol=atol)]
    agreed = not extra and (allow_missing or not short)
    detail = (
        f"{sum(map(len, theirs))} of {sum(map(len, ours))} equilibria; "
        f"games where the peer has one irgames lacks: {extra[:5]}"
        + (f"; games where the peer misses some: {len(short)}" if short else "")
        + (f"; peer outputs that are not equilibria (dropped): {invalid}" if invalid else "")
    )
    agreement = Agreement(
        family=family.name,
        workload=workload,
        peer=peer,
        games=len(ours),
        equilibria=sum(map(len, ours)),
        agreed=agreed,
        detail=detail,
    )
    family.check(agreement)
    return agreement
