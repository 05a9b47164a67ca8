"""``ExtensiveFormGame.rebind``: re-binding some parameters equals binding all of them, and
only the entries that use a changed parameter are evaluated again."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames.games.extensive_form import TreeBuilder
from irgames.games.normal_form import GameValueError


def chance_game():
    T = TreeBuilder(["A", "B"], parameters={"x": (None, None), "y": (0, None), "q": (0, 1)})
    x, y, q = T.symbols
    leaf = T.decision("B", {"l": T.terminal(x * y, -x), "r": T.terminal(y, 2.0)})
    root = T.chance({"up": (q, leaf), "down": (1 - q, T.terminal(x + 1, y))})
    return T.build(root, title="rebind")


values = st.floats(-5, 5, allow_nan=False)


@given(
    st.lists(values, min_size=3, max_size=3),
    st.lists(st.floats(0, 5), min_size=3, max_size=3),
    st.lists(st.floats(0, 1), min_size=3, max_size=3),
    st.sampled_from([("x",), ("y",), ("q",), ("x", "q"), ("x", "y", "q")]),
    st.lists(values, min_size=3, max_size=3),
)
def test_rebind_equals_bind(x, y, q, names, new):
    game = chance_game()
    start = {"x": np.array(x), "y": np.array(y), "q": np.array(q)}
    changed = {n: np.clip(np.array(new), 0, 1) if n != "x" else np.array(new) for n in names}
    bound = game.bind(**start)
    again = bound.rebind(**changed)
    fresh = game.bind(**{**start, **changed})
    np.testing.assert_array_equal(again.payoffs, fresh.payoffs)
    np.testing.assert_array_equal(again.chance_probs, fresh.chance_probs)
    assert again.parameter_values.keys() == fresh.parameter_values.keys()


def test_rebind_evaluates_only_the_entries_that_use_a_changed_parameter():
    game = chance_game()
    bound = game.bind(x=np.arange(3.0), y=1.0, q=0.5)
    calls = []
    for expr, function in list(bound._compiled.items()):

        def counted(*args, _f=function, _e=expr):
            calls.append(str(_e))
            return _f(*args)

        bound._compiled[expr] = counted
    bound.rebind(q=0.25)
    assert sorted(calls) == ["1 - q", "q"]  # the payoffs are not evaluated again
    calls.clear()
    bound.rebind(y=2.0)
    assert sorted(calls) == ["x*y", "y", "y"]


def test_rebind_validates_the_changed_values_and_needs_a_bound_game():
    game = chance_game()
    with pytest.raises(GameValueError, match="bind"):
        game.rebind(x=1.0)
    bound = game.bind(x=1.0, y=1.0, q=0.5)
    with pytest.raises(GameValueError, match="q must be <= 1"):
        bound.rebind(q=1.5)
    with pytest.raises(GameValueError, match="unknown parameter"):
        bound.rebind(z=1.0)
    with pytest.raises(GameValueError, match="finite"):
        bound.rebind(x=np.inf)
