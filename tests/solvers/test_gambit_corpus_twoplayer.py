"""Every two-player game of Gambit's catalog: irgames' extreme equilibria equal pygambit's.

The games are read from ``../shared/validation/gambit`` (fixture ``gambit_corpus``; skipped
when absent) with irgames' own reader. For each two-player ``.nfg`` file:

* vertex enumeration gives the same *set* of extreme equilibria as pygambit's
  ``enummixed_solve`` (which lists some equilibria of degenerate games more than once; the
  comparison is of sets, entries within 1e-7), with relative regret <= 1e-9;
* support enumeration (which hands degenerate games to vertex enumeration) gives the same set;
* exact (rational) enumeration, on the payoffs exactly as written in the file, gives exactly
  pygambit's rational set; games with more than ``EXACT_MAX_SYSTEMS`` label sets would be
  skipped (none in the current catalog: the largest, ``contrib/games/8x8.nfg``, has 12,870
  and takes under a second).

The 6x6 game of von Stengel (1999) has exactly 75 equilibria (nashpy's support enumeration
finds 10 of them).
"""

from __future__ import annotations

from fractions import Fraction
from math import comb
from pathlib import Path

import numpy as np
import pytest
from twoplayer_strategies import gambit_profiles, same_profile_sets

from irgames.io.nfg import load_nfg, read_nfg
from irgames.solvers.exact import exact_equilibria
from irgames.solvers.support_enumeration import support_enumeration
from irgames.solvers.vertex_enumeration import vertex_enumeration

EXACT_MAX_SYSTEMS = 20_000
SEVENTY_FIVE = "catalog/journals/dcg/vonstengel1999/6x6_game_with_75_eq.nfg"


def _two_player_games(root: Path):
    games = []
    for path in sorted(root.rglob("*.nfg")):
        game = read_nfg(path)
        if game.n_players == 2:
            games.append((str(path.relative_to(root)), game))
    return games


def test_corpus_has_two_player_games(gambit_corpus):
    games = _two_player_games(gambit_corpus)
    assert len(games) >= 30
    assert SEVENTY_FIVE in dict(games)


def test_vertex_and_support_enumeration_match_pygambit_on_every_two_player_game(gambit_corpus):
    pytest.importorskip("pygambit")
    failures = []
    for name, game in _two_player_games(gambit_corpus):
        ve = vertex_enumeration(game)
        theirs = gambit_profiles(game)
        if ve.max_relative_regret > 1e-9:
            failures.append(f"{name}: regret {ve.max_relative_regret:.2e}")
        if not same_profile_sets(ve.profiles(), theirs):
            failures.append(f"{name}: vertex enumeration {len(ve)} vs pygambit {len(theirs)}")
        se = support_enumeration(game)
        if se.max_relative_regret > 1e-9 or not same_profile_sets(se.profiles(), theirs):
            failures.append(f"{name}: support enumeration {len(se)} vs pygambit {len(theirs)}")
    assert not failures, "\n".join(failures)


def test_exact_enumeration_matches_pygambit_rationals(gambit_corpus):
    gbt = pytest.importorskip("pygambit")
    checked = 0
    failures = []
    for name, game in _two_player_games(gambit_corpus):
        m, n = game.num_actions
        if comb(m + n, m) > EXACT_MAX_SYSTEMS:
            continue
        g = gbt.read_nfg(str(gambit_corpus / name))
        theirs = {
            tuple(tuple(Fraction(str(eq[s])) for s in player.strategies) for player in g.players)
            for eq in gbt.nash.enummixed_solve(g, rational=True).equilibria
        }
        # The payoffs exactly as written (decimals such as 0.811 are not binary floats).
        exact = load_nfg(gambit_corpus / name).exact_payoffs
        mine = set(exact_equilibria((exact[0], exact[1])).options["rational_strategies"])
        checked += 1
        if mine != theirs:
            failures.append(f"{name}: {len(mine)} exact vs pygambit {len(theirs)}")
    assert checked >= 30
    assert not failures, "\n".join(failures)


def test_seventy_five_equilibria(gambit_corpus):
    for name in (SEVENTY_FIVE, SEVENTY_FIVE.replace(".nfg", "_small_payoffs.nfg")):
        game = read_nfg(gambit_corpus / name)
        eq = vertex_enumeration(game)
        assert len(eq) == 75, name
        assert not bool(eq.degenerate)
        assert eq.max_relative_regret <= 1e-9
        assert len(support_enumeration(game)) == 75
        # All 75 are isolated: distinct components.
        assert len(np.unique(eq.component)) == 75
