r"""Normal-form (strategic-form) games, held in batches.

A finite game in normal form has players :math:`i = 1, \dots, n`, finite action sets
:math:`A_i` with :math:`|A_i| = a_i`, and payoff functions :math:`u_i : A_1 \times \dots
\times A_n \to \mathbb{R}`. irgames stores a *batch* of such games that share the numbers of
players and actions as one array

.. math::

    \texttt{payoffs}[b_1, \dots, b_k, i, s_1, \dots, s_n] = u_i^{(b)}(s_1, \dots, s_n),

of shape ``(*batch_shape, n_players, a_1, ..., a_n)``. A parameter sweep over a theory is
one such batch; every solver in :mod:`irgames.solvers` works on the whole batch at once.

A mixed strategy of player :math:`i` is a point :math:`\sigma_i` of the simplex
:math:`\Delta(A_i)`; a profile is a tuple :math:`\sigma = (\sigma_1, \dots, \sigma_n)` and
the expected payoff is the multilinear extension

.. math::

    u_i(\sigma) = \sum_{s \in A} u_i(s) \prod_j \sigma_j(s_j).

Examples
--------
>>> import numpy as np
>>> import irgames as ig
>>> pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> pd.n_players, pd.num_actions, pd.batch_shape
(2, (2, 2), ())
>>> A = np.random.default_rng(0).normal(size=(1000, 3, 3))
>>> ig.NormalFormGame.zero_sum(A).batch_shape
(1000,)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import GameValueError

__all__ = ["GameValueError", "NormalFormGame", "payoff_scale", "payoff_units"]


def _as_finite_array(data, what: str) -> np.ndarray:
    if isinstance(data, np.ndarray) and np.iscomplexobj(data):
        raise GameValueError(f"{what} must be real numbers, got a complex array")
    try:
        array = np.asarray(data, dtype=float)
    except (TypeError, ValueError) as error:
        raise GameValueError(
            f"{what} must be numeric, got {type(data).__name__}: {error}"
        ) from None
    if array.size and not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        value = array[tuple(bad)]
        raise GameValueError(
            f"{what} must be finite; found {value} at index {tuple(int(x) for x in bad)}"
        )
    return array


def payoff_scale(payoffs: np.ndarray, n_players: int, *, batch_last: bool = False) -> np.ndarray:
    r"""The payoff unit of each game: the largest payoff range of any one player.

    For a game with payoff functions :math:`u_1, \dots, u_n`,

    .. math::

        s = \max_{i} \Big( \max_{a \in A} u_i(a) - \min_{a \in A} u_i(a) \Big),

    and :math:`s = 1` where every player's payoffs are constant. Every tolerance in irgames is
    a fraction of :math:`s`. Shifting one player's payoffs (:math:`u_i \mapsto u_i + c`) does
    not change :math:`s`, and multiplying all payoffs by :math:`\lambda > 0` multiplies it by
    :math:`\lambda`, so decisions taken with tolerances relative to :math:`s` do not change
    under these transformations (rescaling a single player's payoffs can change :math:`s`).
    It never exceeds the range over all players together.

    Parameters
    ----------
    payoffs : ndarray
        Shape ``(*batch, n_players, a_1, ..., a_n)``, or ``(n_players, a_1, ..., a_n, *batch)``
        with ``batch_last=True`` (the layout of batched kernels).
    n_players : int

    Returns
    -------
    ndarray
        Shape ``batch``.

    Examples
    --------
    >>> import numpy as np
    >>> u = np.array([[[0.0, 1.0], [2.0, 3.0]], [[100.0, 100.5], [100.0, 100.0]]])
    >>> float(payoff_scale(u, 2))
    3.0
    """
    payoffs = np.asarray(payoffs, dtype=float)
    if batch_last:
        batch = payoffs.shape[n_players + 1 :]
        table = payoffs.reshape(n_players, -1, *batch)
        ranges = table.max(axis=1)
        with np.errstate(over="ignore"):
            ranges -= table.min(axis=1)
        spread = ranges.max(axis=0)
        return _unit(spread)
    lead = payoffs.shape[: payoffs.ndim - n_players]  # (*batch, n_players)
    cells = int(np.prod(payoffs.shape[payoffs.ndim - n_players :], dtype=np.int64))
    table = payoffs.reshape(*lead, cells)
    if cells <= 16:
        # A loop over the few cells runs on whole batch vectors; numpy's reduction over a
        # short last axis pays a per-game overhead.
        high = table[..., 0].copy()
        low = high.copy()
        for c in range(1, cells):
            np.maximum(high, table[..., c], out=high)
            np.minimum(low, table[..., c], out=low)
    else:
        high = table.max(axis=-1)
        low = table.min(axis=-1)
    with np.errstate(over="ignore"):
        high -= low  # each player's range, shape (*batch, n_players)
    spread = high.max(axis=-1) if n_players > 1 else high[..., 0]
    return _unit(spread)


def payoff_units(payoffs: np.ndarray, n_players: int, *, batch_last: bool = False) -> np.ndarray:
    r"""Each player's payoff unit: the range of that player's own payoffs.

    For player :math:`i` with payoff function :math:`u_i`,

    .. math::

        s_i = \max_{a \in A} u_i(a) - \min_{a \in A} u_i(a),

    and :math:`s_i = 1` where :math:`u_i` is constant. This is the one notion of "payoff
    unit" in irgames: wherever a solver decides that player :math:`i` is indifferent, that two
    of :math:`i`'s payoffs tie, or that an action is a best response of :math:`i`, it
    compares differences of :math:`u_i` with ``tol`` :math:`\cdot s_i`, and a regret is
    judged as :math:`r_i / s_i`. Shifting :math:`u_i` by a constant leaves :math:`s_i`
    unchanged and multiplying it by :math:`\lambda > 0` multiplies :math:`s_i` by
    :math:`\lambda` (and no other player's unit), so the equilibria found do not change under
    any positive affine transformation of any one player's payoffs.

    Parameters
    ----------
    payoffs : ndarray
        Shape ``(*batch, n_players, a_1, ..., a_n)``, or ``(n_players, a_1, ..., a_n, *batch)``
        with ``batch_last=True``.
    n_players : int

    Returns
    -------
    ndarray
        Shape ``(*batch, n_players)`` (``(n_players, *batch)`` with ``batch_last=True``).

    Examples
    --------
    >>> import numpy as np
    >>> u = np.array([[[0.0, 1.0], [2.0, 3.0]], [[100.0, 100.5], [100.0, 100.0]]])
    >>> payoff_units(u, 2).tolist()
    [3.0, 0.5]
    """
    payoffs = np.asarray(payoffs, dtype=float)
    if batch_last:
        batch = payoffs.shape[n_players + 1 :]
        cells = int(np.prod(payoffs.shape[1 : n_players + 1], dtype=np.int64))
        table = payoffs.reshape(n_players, cells, *batch)
        with np.errstate(over="ignore"):
            ranges = table.max(axis=1) - table.min(axis=1)
        return _unit(ranges, player_axis=0)
    lead = payoffs.shape[: payoffs.ndim - n_players]  # (*batch, n_players)
    cells = int(np.prod(payoffs.shape[payoffs.ndim - n_players :], dtype=np.int64))
    table = payoffs.reshape(*lead, cells)  # explicit: an empty batch has no -1 to infer
    with np.errstate(over="ignore"):
        ranges = table.max(axis=-1) - table.min(axis=-1)
    return _unit(ranges, player_axis=-1)


def _unit(spread: np.ndarray, *, player_axis: int | None = None) -> np.ndarray:
    r"""Payoff ranges as units: 1 where a range is zero; an error where it overflows.

    A range beyond the largest double (payoffs near :math:`\pm 10^{308}`) would make every
    relative tolerance infinite, so that any profile passed for an equilibrium.
    ``player_axis`` names the axis of ``spread`` that indexes players (per-player units), so
    that the message names the player and the game apart.
    """
    if not np.all(np.isfinite(spread)):
        bad = [int(x) for x in np.argwhere(~np.isfinite(spread))[0]] if np.ndim(spread) else []
        who = "a player's"
        if player_axis is not None:
            who = f"player {bad.pop(player_axis % np.ndim(spread))}'s"
        where = f" in the game at batch index {tuple(bad)}" if bad else ""
        raise GameValueError(
            f"{who} payoff range overflows double precision{where}; rescale the payoffs"
        )
    return np.where(spread > 0, spread, 1.0)


@dataclass(frozen=True, eq=False)
class NormalFormGame:
    """A batch of finite normal-form games with the same numbers of players and actions.

    Parameters
    ----------
    payoffs : array_like
        Shape ``(*batch_shape, n_players, a_1, ..., a_n)``: ``payoffs[..., i, s_1, ..., s_n]``
        is player ``i``'s payoff at the pure profile ``(s_1, ..., s_n)``.
    n_players : int, optional
        The number of players. When omitted it is inferred from the shape, which is possible
        only when exactly one reading of the shape fits; otherwise a :class:`GameValueError`
        asks for it.

    Raises
    ------
    GameValueError
        If payoffs are not finite numbers, a player has no action, or the shape does not fit.
    """

    payoffs: np.ndarray
    n_players: int

    def __init__(self, payoffs, n_players: int | None = None):
        array = _as_finite_array(payoffs, "payoffs")
        if n_players is None:
            n_players = _infer_n_players(array.shape)
        if isinstance(n_players, bool) or int(n_players) != n_players:
            raise GameValueError(f"n_players must be an integer, got {n_players!r}")
        n_players = int(n_players)
        if n_players < 1:
            raise GameValueError(f"a game needs at least one player, got n_players={n_players}")
        if array.ndim < n_players + 1:
            raise GameValueError(
                f"payoffs of a {n_players}-player game need at least {n_players + 1} "
                f"dimensions (n_players, a_1, ..., a_n); got shape {array.shape}"
            )
        if array.shape[-n_players - 1] != n_players:
            raise GameValueError(
                f"payoffs axis -{n_players + 1} must hold the {n_players} players; "
                f"got shape {array.shape}"
            )
        actions = array.shape[-n_players:]
        if min(actions) < 1:
            player = int(np.argmin(actions))
            raise GameValueError(f"player {player} has an empty action set (shape {array.shape})")
        array = array.copy()
        array.setflags(write=False)
        object.__setattr__(self, "payoffs", array)
        object.__setattr__(self, "n_players", n_players)

    @classmethod
    def _from_valid(cls, payoffs: np.ndarray, n_players: int) -> NormalFormGame:
        """A game from payoffs already validated by this class (no checks, no copy).

        ``payoffs`` must be a read-only view of a validated game's payoffs, or a fresh array
        derived from them that no one else holds (it is made read-only here).
        """
        if payoffs.flags.writeable:
            payoffs.setflags(write=False)
        game = object.__new__(cls)
        object.__setattr__(game, "payoffs", payoffs)
        object.__setattr__(game, "n_players", int(n_players))
        return game

    # ------------------------------------------------------------------ constructors
    @classmethod
    def bimatrix(cls, A, B) -> NormalFormGame:
        """Two-player game from the row player's matrix ``A`` and the column player's ``B``.

        ``A`` and ``B`` have shape ``(*batch, m, n)`` (they broadcast against each other).
        """
        A = _as_finite_array(A, "A")
        B = _as_finite_array(B, "B")
        if A.ndim < 2 or B.ndim < 2:
            raise GameValueError(
                f"A and B must be matrices (or batches of them); got shapes {A.shape}, {B.shape}"
            )
        if A.shape[-2:] != B.shape[-2:]:
            raise GameValueError(
                f"A and B must have the same number of rows and columns; got {A.shape[-2:]} "
                f"and {B.shape[-2:]}"
            )
        try:
            A, B = np.broadcast_arrays(A, B)
        except ValueError:
            raise GameValueError(
                f"the batch shapes of A {A.shape[:-2]} and B {B.shape[:-2]} do not broadcast"
            ) from None
        return cls(np.stack([A, B], axis=-3), n_players=2)

    @classmethod
    def zero_sum(cls, A) -> NormalFormGame:
        """Two-player zero-sum game: the row player gets ``A``, the column player ``-A``."""
        A = _as_finite_array(A, "A")
        return cls.bimatrix(A, -A)

    @classmethod
    def symmetric(cls, A, n_players: int = 2) -> NormalFormGame:
        r"""Symmetric game from one player's payoff array.

        For two players ``A`` has shape ``(*batch, m, m)``, ``A[s, t]`` being the payoff of
        playing ``s`` against ``t``, and the game is ``(A, A^T)``. For ``n`` players ``A`` has
        shape ``(*batch, m, ..., m)`` with ``n`` action axes, ``A[s_1, s_2, ..., s_n]`` being
        the payoff of a player who plays ``s_1`` while the others play ``s_2, ..., s_n``; it
        must be invariant under permutations of the others' axes. Player ``i``'s payoff is
        :math:`u_i(s) = A(s_i, s_{-i})`.
        """
        A = _as_finite_array(A, "A")
        n = int(n_players)
        if A.ndim < n or len(set(A.shape[-n:])) != 1:
            raise GameValueError(
                f"a symmetric {n}-player game needs {n} action axes of equal length; "
                f"got shape {A.shape}"
            )
        k = A.ndim - n
        others = list(range(k + 1, k + n))
        for a, b in itertools.pairwise(others):
            swapped = np.swapaxes(A, a, b)
            if not np.allclose(swapped, A, rtol=1e-12, atol=1e-12 * (1 + np.abs(A).max())):
                raise GameValueError(
                    "A must not depend on the order of the other players' actions "
                    f"(axes {a - k} and {b - k} differ)"
                )
        payoffs = []
        for i in range(n):
            # u_i(s) = A(s_i, s_{-i}): move player i's action axis to the front.
            order = list(range(k)) + [k + i] + [k + j for j in range(n) if j != i]
            inverse = np.argsort(order)
            payoffs.append(np.transpose(A, inverse))
        return cls(np.stack(payoffs, axis=k), n_players=n)

    @classmethod
    def from_payoff_function(
        cls, function, num_actions: Sequence[int], batch_shape: tuple[int, ...] = ()
    ) -> NormalFormGame:
        """Build a game from ``function(*profile) -> payoffs`` evaluated on every pure profile.

        ``function`` receives one integer array per player (broadcastable index grids) and
        returns an array of shape ``(*batch_shape, n_players, *grid)``.
        """
        grids = np.meshgrid(*[np.arange(a) for a in num_actions], indexing="ij", sparse=True)
        return cls(np.asarray(function(*grids), dtype=float), n_players=len(num_actions))

    # ------------------------------------------------------------------ shape
    @property
    def num_actions(self) -> tuple[int, ...]:
        """Numbers of actions ``(a_1, ..., a_n)``."""
        return tuple(int(a) for a in self.payoffs.shape[-self.n_players :])

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch shape; ``()`` for a single game."""
        return tuple(self.payoffs.shape[: -self.n_players - 1])

    @property
    def batch_size(self) -> int:
        """Number of games in the batch (1 for a single game)."""
        return int(np.prod(self.batch_shape, dtype=np.int64))

    def __len__(self) -> int:
        if not self.batch_shape:
            # builtin: Python's len() protocol
            raise TypeError("a single game has no length; use batch_size")
        return self.batch_shape[0]

    def __getitem__(self, index) -> NormalFormGame:
        """Index the batch (never the players or actions)."""
        if not self.batch_shape:
            # builtin: the sequence protocol (indexing)
            raise IndexError("a single game (empty batch shape) cannot be indexed")
        if not isinstance(index, tuple):
            index = (index,)
        if any(i is Ellipsis for i in index):
            # builtin: the sequence protocol (indexing)
            raise IndexError("Ellipsis is not supported when indexing a batch of games")
        full = index + (slice(None),) * (self.n_players + 1)
        # A view is read-only like its base, a fancy-indexed copy is fresh; either way the
        # values were validated when this game was built.
        return NormalFormGame._from_valid(self.payoffs[full], self.n_players)

    def flatten(self) -> NormalFormGame:
        """The same games with the batch shape flattened to ``(batch_size,)`` (a view)."""
        rest = self.payoffs.shape[-self.n_players - 1 :]
        flat = self.payoffs.reshape((self.batch_size, *rest))
        return NormalFormGame._from_valid(flat, self.n_players)

    def player_payoffs(self, player: int) -> np.ndarray:
        """Player ``player``'s payoff array, shape ``(*batch, a_1, ..., a_n)``."""
        if not 0 <= player < self.n_players:
            # builtin: the sequence protocol (an index out of range)
            raise IndexError(f"player must be in 0..{self.n_players - 1}, got {player}")
        return self.payoffs[(..., player) + (slice(None),) * self.n_players]

    @property
    def payoff_units(self) -> np.ndarray:
        r"""Each player's payoff unit :math:`s_i`, the range of :math:`u_i` (1 if constant).

        Shape ``(*batch_shape, n_players)``; see :func:`payoff_units`. Tolerances on player
        :math:`i`'s payoffs are fractions of :math:`s_i`.
        """
        return payoff_units(self.payoffs, self.n_players)

    def in_payoff_units(self) -> np.ndarray:
        r"""Each player's payoffs in that player's own unit: :math:`(u_i - \min u_i) / s_i`.

        A positive affine map of each player's payoffs (so it changes no equilibrium, no best
        response and no dominance) onto :math:`[0, 1]`, with :math:`s_i` from
        :attr:`payoff_units`; an absolute tolerance on the result is a fraction of each
        player's own unit. Returns a new array of the payoffs' shape
        ``(*batch_shape, n_players, a_1, ..., a_n)``.

        Examples
        --------
        >>> g = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[1e10, 0], [0, 1]])
        >>> g.in_payoff_units()[1].tolist()
        [[1.0, 0.0], [0.0, 1e-10]]
        """
        n = self.n_players
        cells = tuple(range(self.payoffs.ndim - n, self.payoffs.ndim))
        low = self.payoffs.min(axis=cells, keepdims=True)
        units = self.payoff_units.reshape(self.payoffs.shape[: self.payoffs.ndim - n] + (1,) * n)
        return (self.payoffs - low) / units

    @property
    def payoff_scale(self) -> np.ndarray:
        r"""Per game, the largest payoff range of any one player (the unit of tolerances).

        .. math::

            s = \max_{i} \Big( \max_{a} u_i(a) - \min_{a} u_i(a) \Big),

        1 where every player's payoffs are constant (see :func:`payoff_scale`). Unchanged when
        one player's payoffs are shifted. Shape ``batch_shape``.
        """
        return payoff_scale(self.payoffs, self.n_players)

    @property
    def is_two_player(self) -> bool:
        return self.n_players == 2

    def __repr__(self) -> str:
        return (
            f"NormalFormGame(n_players={self.n_players}, num_actions={self.num_actions}, "
            f"batch_shape={self.batch_shape})"
        )


def _infer_n_players(shape: tuple[int, ...]) -> int:
    fits = [n for n in range(1, len(shape)) if shape[-n - 1] == n]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        raise GameValueError(
            f"payoffs of shape {shape} do not fit (*batch, n_players, a_1, ..., a_n) for any "
            "number of players"
        )
    raise GameValueError(
        f"payoffs of shape {shape} fit several numbers of players {fits}; pass n_players"
    )
