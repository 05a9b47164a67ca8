"""Set comparisons and peers for tests of two-player enumeration solvers (the strategies are
in :mod:`irgames.testing`)."""

from __future__ import annotations

import numpy as np

import irgames as ig


def profile_set(profiles) -> list[tuple[np.ndarray, np.ndarray]]:
    """Profiles as a list of (x, y) float arrays, duplicates (within 1e-7) removed."""
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for x, y in profiles:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if not any(_close((x, y), p) for p in out):
            out.append((x, y))
    return out


def _close(p, q, atol: float = 1e-7) -> bool:
    return all(np.allclose(a, b, rtol=0, atol=atol) for a, b in zip(p, q, strict=True))


def same_profile_sets(first, second, atol: float = 1e-7) -> bool:
    """Whether two collections of profiles are equal as sets, up to ``atol`` per entry."""
    a, b = profile_set(first), profile_set(second)
    return (
        len(a) == len(b)
        and all(any(_close(p, q, atol) for q in b) for p in a)
        and all(any(_close(q, p, atol) for p in a) for q in b)
    )


def gambit_profiles(game: ig.NormalFormGame, rational: bool = False):
    """pygambit's ``enummixed_solve`` on a single bimatrix game, as (x, y) arrays."""
    import pygambit as gbt

    A, B = game.player_payoffs(0), game.player_payoffs(1)
    g = gbt.Game.from_arrays(A.tolist(), B.tolist())
    result = gbt.nash.enummixed_solve(g, rational=rational)
    out = []
    for eq in result.equilibria:
        out.append(
            tuple(np.array([float(eq[s]) for s in player.strategies]) for player in g.players)
        )
    return out


def assert_covers_nashpy(game: ig.NormalFormGame, ours, theirs) -> None:
    """Every equilibrium nashpy returns is one of ours.

    nashpy's tolerances are absolute, and on some random games its vertex enumeration returns
    profiles with relative regret near 1e-6 and its support enumeration misses equilibria
    (hypothesis finds both in a few thousand games). So its output is first held to the same
    standard as ours (relative regret <= 1e-9, judged by irgames.regret), and each profile
    that passes must be among ours; a profile that fails is nashpy's error, not a disagreement.
    Completeness of ours is checked elsewhere (odd counts, pygambit, exact arithmetic).
    """
    from irgames.games.regret import regret

    scale = float(game.payoff_scale)
    valid = []
    for x, y in theirs:
        x = np.clip(np.asarray(x, dtype=float), 0, None)
        y = np.clip(np.asarray(y, dtype=float), 0, None)
        x, y = x / x.sum(), y / y.sum()
        if regret(game, (x, y)).max() <= 1e-9 * scale:
            valid.append((x, y))
    mine = list(ours)
    assert all(any(_close(p, q, 1e-6) for q in mine) for p in valid)
