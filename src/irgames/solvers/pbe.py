r"""Perfect Bayesian equilibria of signalling games, for a whole batch at once.

A pure perfect Bayesian equilibrium (PBE) of a :class:`~irgames.games.signalling.SignallingGame`
is a sender strategy :math:`s : T \to M`, a receiver strategy :math:`q : M \to R` and beliefs
:math:`\mu(\cdot \mid m) \in \Delta(T)` such that

* on the path (:math:`m = s(t)` for some type with :math:`p(t) > 0`) the belief is Bayes'
  posterior :math:`\mu(t \mid m) = p(t) 1[s(t) = m] / \sum_{t'} p(t') 1[s(t') = m]` and
  :math:`q(m)` maximises :math:`\sum_t \mu(t \mid m) u_R(t, m, r)`;
* off the path, :math:`q(m)` is a best response to *some* belief. The set of such beliefs is
  the polytope

  .. math::

      B(m, r) = \{\mu \in \Delta(T) : \textstyle\sum_t \mu_t\,[u_R(t, m, r) - u_R(t, m, r')]
      \ge 0 \ \forall r'\},

  which :func:`pure_pbe` reports by its extreme points (for two types, the interval of
  :math:`\mu(t_0 \mid m)`), with their mean as a representative belief;
* every type's message is optimal: :math:`u_S(t, s(t), q(s(t))) \ge u_S(t, m, q(m))` for all
  :math:`m`.

:func:`pure_pbe` enumerates all :math:`|M|^{|T|}` sender strategies and :math:`|R|^{|M|}` receiver
strategies for every game of the batch at once (the loops run over the combinatorial structure:
combinations of active constraints and subsets of types, never over games). Equilibria are
classified as *separating* (types with positive prior send distinct messages), *pooling* (they
all send one message) or *semi-separating* (anything in between: some types pool, others
separate, or, in :func:`mixed_pbe_2x2x2`, a type mixes).

The intuitive criterion (Cho and Kreps 1987) refines the set: for an off-path message :math:`m`,
let :math:`J(m)` be the types for which :math:`m` is equilibrium-dominated,
:math:`u^*(t) > \max_{r \in BR(\Delta(T), m)} u_S(t, m, r)`. The equilibrium fails the criterion
if some type :math:`t \notin J(m)` would gain from :math:`m` whatever the receiver's best
response to beliefs on :math:`T \setminus J(m)`:
:math:`\min_{r \in BR(\Delta(T \setminus J(m)), m)} u_S(t, m, r) > u^*(t)`.

:func:`mixed_pbe_2x2x2` finds the generic semi-separating (hybrid) equilibria of games with two
types, two messages and two responses by the indifference conditions: one type mixes, which
needs the receiver to mix at the message both types send, which needs the posterior there to
make the receiver indifferent.

:func:`perfect_bayesian_equilibria` is the front door: the pure equilibria and, for 2 x 2 x 2
games, the semi-separating ones, in one result. Every solver also accepts a sender-receiver
:class:`~irgames.games.extensive_form.ExtensiveFormGame` (read with
:meth:`~irgames.games.signalling.SignallingGame.from_tree`). In the intuitive criterion the
type set is all of :math:`T`, types of prior zero included.

Every result is checked against the definition by
:func:`irgames.games.signalling.pbe_regret`, which shares no code with the solvers.

Examples
--------
>>> from irgames.games.signalling import SignallingGame
>>> from irgames.solvers.pbe import pure_pbe
>>> result = pure_pbe(SignallingGame.beer_quiche())
>>> result.kind.tolist(), result.messages_sent().tolist()
(['pooling', 'pooling'], [[0, 0], [1, 1]])
>>> pure_pbe(SignallingGame.beer_quiche(), refine="intuitive").messages_sent().tolist()
[[0, 0]]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..errors import GameValueError, SolverError
from ..games.signalling import SignallingGame, pbe_regret
from .result import Result, tolerance_property

__all__ = [
    "PerfectBayesian",
    "belief_polytope",
    "mixed_pbe_2x2x2",
    "perfect_bayesian_equilibria",
    "pure_pbe",
]


@dataclass(frozen=True, eq=False)
class PerfectBayesian(Result):
    r"""Perfect Bayesian equilibria of a batch of signalling games, one row per equilibrium.

    Attributes
    ----------
    game : SignallingGame
        The solved batch, flattened to one batch axis.
    batch_shape : tuple of int
        The original batch shape.
    game_index : ndarray of int, shape (k,)
        Flat index of each row's game.
    sender : ndarray, shape (k, T, M)
        :math:`\sigma(m \mid t)`.
    receiver : ndarray, shape (k, M, R)
        :math:`\rho(r \mid m)`.
    beliefs : ndarray, shape (k, M, T)
        Bayes' posterior on the path; off the path, a representative belief that sustains the
        receiver's response (the mean of the extreme points of the belief polytope).
    belief_lower, belief_upper : ndarray, shape (k, M, T)
        Bounds of :math:`\mu(t \mid m)` over the beliefs that sustain the equilibrium (equal on
        the path). With two types, ``[belief_lower[..., 0], belief_upper[..., 0]]`` is exactly
        the interval of :math:`\mu(t_0 \mid m)`; in general they bound the polytope, which
        :func:`belief_polytope` describes exactly.
    on_path : ndarray of bool, shape (k, M)
    kind : ndarray of str, shape (k,)
        ``"separating"``, ``"pooling"`` or ``"semi-separating"``.
    intuitive : ndarray of bool, shape (k,)
        Whether the row survives the intuitive criterion (always True for mixed rows, where
        every message is on the path).
    type_payoffs : ndarray, shape (k, T)
        Each type's equilibrium payoff :math:`u^*(t)`.
    payoffs : ndarray, shape (k, 2)
        Ex-ante expected payoffs of sender and receiver.
    sender_regret, receiver_regret, bayes_gap : ndarray, shape (k,)
        From :func:`~irgames.games.signalling.pbe_regret` (independent of the solver): the
        largest gain of a type from another message, of the receiver from another response
        given the belief, and the largest departure of a belief from Bayes' rule on the path.
    scale : ndarray, shape (k,)
        The larger of the two players' payoff ranges in each row's game (for reporting).
    count : ndarray of int, shape batch_shape
    degenerate : ndarray of bool, shape batch_shape
        Games with ties that the method resolved only partly (see the solver).
    method : str
    tol : float
        Relative tolerance (fraction of each player's own payoff range).
    options : dict
    units : ndarray, shape (k, 2)
        Each row's payoff units, sender's and receiver's
        (:attr:`~irgames.games.signalling.SignallingGame.payoff_units`).
    regret : ndarray, shape (k, 2)
        ``sender_regret`` and ``receiver_regret`` side by side (the contract's name).
    """

    game: SignallingGame
    batch_shape: tuple[int, ...]
    game_index: np.ndarray
    sender: np.ndarray
    receiver: np.ndarray
    beliefs: np.ndarray
    belief_lower: np.ndarray
    belief_upper: np.ndarray
    on_path: np.ndarray
    kind: np.ndarray
    intuitive: np.ndarray
    type_payoffs: np.ndarray
    payoffs: np.ndarray
    sender_regret: np.ndarray
    receiver_regret: np.ndarray
    bayes_gap: np.ndarray
    scale: np.ndarray
    count: np.ndarray
    degenerate: np.ndarray
    method: str
    tol: float
    options: dict[str, Any] = field(default_factory=dict)
    units: np.ndarray | None = None

    layout = "per_equilibrium"
    tolerance = tolerance_property()

    def __len__(self) -> int:
        return int(self.game_index.size)

    @property
    def regret(self) -> np.ndarray:
        """Each row's sender and receiver regret, shape ``(k, 2)`` (from ``pbe_regret``)."""
        return np.stack([self.sender_regret, self.receiver_regret], axis=-1)

    @property
    def relative_regret(self) -> np.ndarray:
        r"""Worst regret per row, each player's in her own unit:
        :math:`\max(r_S / s_S, r_R / s_R)`."""
        if self.units is None:
            return np.maximum(self.sender_regret, self.receiver_regret) / self.scale
        return np.maximum(
            self.sender_regret / self.units[:, 0], self.receiver_regret / self.units[:, 1]
        )

    def messages_sent(self) -> np.ndarray:
        """Each type's most likely message, shape ``(k, T)`` (its message, for pure rows)."""
        return self.sender.argmax(axis=-1)

    def responses(self) -> np.ndarray:
        """The receiver's most likely response to each message, shape ``(k, M)``."""
        return self.receiver.argmax(axis=-1)

    def select(self, rows) -> PerfectBayesian:
        """The rows selected by a boolean mask or an index array (counts are recomputed)."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        per_row = {
            name: getattr(self, name)[rows]
            for name in (
                "game_index", "sender", "receiver", "beliefs", "belief_lower", "belief_upper",
                "on_path", "kind", "intuitive", "type_payoffs", "payoffs", "sender_regret",
                "receiver_regret", "bayes_gap", "scale",
            )
        }  # fmt: skip
        if self.units is not None:
            per_row["units"] = self.units[rows]
        size = int(np.prod(self.batch_shape, dtype=np.int64))
        count = np.bincount(per_row["game_index"], minlength=size).reshape(self.batch_shape)
        return replace(self, count=count, **per_row)

    def for_game(self, index) -> PerfectBayesian:
        """The equilibria of one game, by flat index or multi-index."""
        if isinstance(index, tuple):
            index = int(np.ravel_multi_index(index, self.batch_shape))
        return self.select(self.game_index == int(index))

    def to_pandas(self):
        """A :class:`pandas.DataFrame` with one row per equilibrium.

        Columns: ``game``, ``kind``, ``intuitive``, ``sender`` (each type's message
        distribution as a tuple of tuples), ``receiver``, ``beliefs``, ``on_path``, the
        payoffs and the regrets.
        """
        import pandas as pd

        def nested(a):
            return [tuple(tuple(float(x) for x in row) for row in item) for item in a]

        return pd.DataFrame(
            {
                "game": self.game_index,
                "kind": self.kind,
                "intuitive": self.intuitive,
                "sender": nested(self.sender),
                "receiver": nested(self.receiver),
                "beliefs": nested(self.beliefs),
                "on_path": [tuple(bool(x) for x in row) for row in self.on_path],
                "sender_payoff": self.payoffs[:, 0],
                "receiver_payoff": self.payoffs[:, 1],
                "sender_regret": self.sender_regret,
                "receiver_regret": self.receiver_regret,
            }
        )

    def __repr__(self) -> str:
        games = int(np.prod(self.batch_shape, dtype=np.int64))
        worst = float(self.relative_regret.max()) if len(self) else 0.0
        return (
            f"PerfectBayesian({len(self)} equilibria in {games} game(s), method={self.method!r}, "
            f"max relative regret={worst:.2e})"
        )


# ---------------------------------------------------------------------- belief polytopes
def _polytope_vertices(rows: np.ndarray, tol: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Extreme points of :math:`\{\mu \in \Delta(T) : a_k \cdot \mu \ge 0\ \forall k\}`.

    ``rows`` has shape ``(N, K, T)``; ``tol`` (shape ``(N,)``) is the slack allowed in the
    inequalities. Every extreme point makes ``T - 1`` of the ``K + T`` inequalities (the
    ``a_k`` and :math:`\mu_t \ge 0`) active, with :math:`\sum_t \mu_t = 1`; the loop runs over
    those combinations, each one solved for all ``N`` polytopes at once. Returns candidate
    vertices ``(N, V, T)`` and a mask ``(N, V)`` of those that are feasible.
    """
    N, K, T = rows.shape
    if T <= 2:
        return _interval_vertices(rows, tol)
    eye = np.broadcast_to(np.eye(T), (N, T, T))
    constraints = np.concatenate([rows, eye], axis=1)  # (N, K + T, T)
    norms = np.linalg.norm(constraints, axis=-1, keepdims=True)
    unit = constraints / np.where(norms > 0, norms, 1.0)
    combos = list(itertools.combinations(range(K + T), T - 1))
    vertices = np.zeros((N, len(combos), T))
    valid = np.zeros((N, len(combos)), dtype=bool)
    rhs = np.zeros(T)
    rhs[-1] = 1.0
    for c, active in enumerate(combos):
        A = np.concatenate([unit[:, list(active), :], np.ones((N, 1, T))], axis=1)
        ok = np.abs(np.linalg.det(A)) > 1e-10
        if not ok.any():
            continue
        mu = np.linalg.solve(A[ok], np.broadcast_to(rhs, (int(ok.sum()), T))[..., None])[..., 0]
        slack = np.einsum("nkt,nt->nk", rows[ok], mu)
        feasible = np.all(slack >= -tol[ok, None], axis=-1) & np.all(mu >= -1e-9, axis=-1)
        mu = np.clip(mu, 0.0, None)
        mu /= mu.sum(axis=-1, keepdims=True)
        vertices[ok, c] = mu
        valid[ok, c] = feasible
    return vertices, valid


def _interval_vertices(rows: np.ndarray, tol: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r""":func:`_polytope_vertices` for one or two types, without linear algebra.

    With two types a belief is :math:`\mu = (m, 1 - m)` and each inequality reads
    :math:`d_k m + c_k \ge 0` with :math:`d_k = a_{k0} - a_{k1}`, :math:`c_k = a_{k1}`. The
    candidate extreme points are :math:`m = 0`, :math:`m = 1` and the roots
    :math:`m = -c_k / d_k`, each kept if every inequality holds within ``tol``: the same
    candidates and test as the general method, so the set is the interval between the
    smallest and largest valid candidate.
    """
    N, _, T = rows.shape
    if T == 1:
        vertices = np.ones((N, 1, 1))
        valid = np.all(rows[..., 0] >= -tol[:, None], axis=-1)[:, None]
        return vertices, valid
    d = rows[..., 0] - rows[..., 1]  # (N, K)
    c = rows[..., 1]
    norms = np.linalg.norm(rows, axis=-1)
    solvable = np.abs(d) > 1e-10 * np.where(norms > 0, norms, 1.0)
    root = np.divide(-c, d, out=np.zeros_like(d), where=solvable)
    m = np.concatenate([root, np.zeros((N, 1)), np.ones((N, 1))], axis=1)  # (N, K + 2)
    exists = np.concatenate([solvable, np.ones((N, 2), dtype=bool)], axis=1)
    slack = d[:, None, :] * m[:, :, None] + c[:, None, :]  # (N, K + 2, K)
    inside = (m >= -1e-9) & (m <= 1 + 1e-9)
    valid = exists & inside & np.all(slack >= -tol[:, None, None], axis=-1)
    m = np.clip(m, 0.0, 1.0)
    vertices = np.stack([m, 1.0 - m], axis=-1)
    return vertices, valid


def _response_belief_sets(
    ur: np.ndarray, types: tuple[int, ...], tol: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of the beliefs supported on ``types`` under which each response is optimal.

    ``ur`` has shape ``(B, T, M, R)``. Returns vertices ``(B, M, R, V, T)`` (zero outside
    ``types``) and the feasibility mask ``(B, M, R, V)``.
    """
    B, T, M, R = ur.shape
    sub = ur[:, list(types)]  # (B, S, M, R)
    S = len(types)
    # rows[b, m, r, r', t] = u_R(t, m, r) - u_R(t, m, r')
    diff = sub.transpose(0, 2, 3, 1)[:, :, :, None, :] - sub.transpose(0, 2, 3, 1)[:, :, None, :, :]
    others = [[rp for rp in range(R) if rp != r] for r in range(R)]
    rows = np.stack([diff[:, :, r, others[r], :] for r in range(R)], axis=2)  # (B,M,R,R-1,S)
    flat = rows.reshape(B * M * R, R - 1, S)
    vert, valid = _polytope_vertices(flat, np.repeat(tol, M * R))
    V = vert.shape[1]
    full = np.zeros((B * M * R, V, T))
    full[..., list(types)] = vert
    return full.reshape(B, M, R, V, T), valid.reshape(B, M, R, V)


def belief_polytope(
    game: SignallingGame, message: int, response: int, *, tol: float = 1e-9
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""The beliefs at ``message`` under which ``response`` is a best response, for each game.

    The set is :math:`\{\mu \in \Delta(T) : A \mu \ge 0\}` with one row
    :math:`A_{r'} = u_R(\cdot, m, r) - u_R(\cdot, m, r')` per other response :math:`r'`.

    Returns
    -------
    A : ndarray, shape ``(*batch, R - 1, T)``
        The inequalities (together with :math:`\mu \ge 0`, :math:`\sum_t \mu_t = 1`).
    vertices : ndarray, shape ``(*batch, V, T)``
        Candidate extreme points; only those with ``valid`` set are extreme points of the set.
    valid : ndarray of bool, shape ``(*batch, V)``
    nonempty : ndarray of bool, shape ``batch``
        Whether some belief makes ``response`` optimal.

    Examples
    --------
    >>> from irgames.games.signalling import SignallingGame
    >>> A, V, ok, nonempty = belief_polytope(SignallingGame.beer_quiche(), 1, 0)
    >>> sorted(float(v[0]) for v in V[ok])   # duel after quiche iff mu(wimp) >= 1/2
    [0.5, 1.0]
    """
    flat = game.flatten()
    T, M, R = game.num_types, game.num_messages, game.num_responses
    if not (0 <= message < M and 0 <= response < R):
        raise GameValueError(f"message must be in 0..{M - 1} and response in 0..{R - 1}")
    tol_r = tol * flat.payoff_units[:, 1]  # the receiver's inequalities, in her unit
    vert, valid = _response_belief_sets(flat.receiver_payoffs, tuple(range(T)), tol_r)
    ur = flat.receiver_payoffs[:, :, message, :]  # (B, T, R)
    A = np.stack(
        [ur[:, :, response] - ur[:, :, r] for r in range(R) if r != response], axis=1
    ).reshape(*game.batch_shape, R - 1, T)
    V = vert.shape[3]
    vertices = vert[:, message, response].reshape(*game.batch_shape, V, T)
    mask = valid[:, message, response].reshape(*game.batch_shape, V)
    return A, vertices, mask, mask.any(axis=-1)


# ---------------------------------------------------------------------- pure PBE
def _as_signalling(game, name: str) -> SignallingGame:
    """A SignallingGame, read off an ExtensiveFormGame of that shape if need be."""
    if isinstance(game, SignallingGame):
        return game
    from ..games.extensive_form import ExtensiveFormGame

    if isinstance(game, ExtensiveFormGame):
        return SignallingGame.from_tree(game)
    raise SolverError(
        f"{name} needs a SignallingGame (or a sender-receiver ExtensiveFormGame), got "
        f"{type(game).__name__}"
    )


def _check_tol(tol: float) -> float:
    tol = float(tol)
    if not (np.isfinite(tol) and 0 <= tol < 1):
        raise SolverError(f"tol must be a relative tolerance in [0, 1), got {tol}")
    return tol


def pure_pbe(
    game: SignallingGame,
    *,
    tol: float = 1e-9,
    refine: str | None = None,
    max_bytes: int = 2**28,
) -> PerfectBayesian:
    r"""All pure-strategy perfect Bayesian equilibria of every game in the batch.

    Parameters
    ----------
    game : SignallingGame or ExtensiveFormGame
        A tree is read with :meth:`SignallingGame.from_tree`.
    tol : float
        Relative tolerance: a type's message may fall short of her best by ``tol`` times the
        sender's payoff range, and a response short of the receiver's best by ``tol`` times
        the receiver's range (:attr:`SignallingGame.payoff_units`), so ties are kept (and
        both sides of a tie reported) in each player's own unit.
    refine : {None, "intuitive"}
        With ``"intuitive"``, only equilibria that survive the intuitive criterion are
        returned (the flag ``intuitive`` is computed either way).
    max_bytes : int
        Memory budget of the largest intermediate array. Each game needs about
        ``8 * M**T * R**M * M * R`` bytes; the batch is solved in chunks that fit, and a
        :class:`GameValueError` says so when a single game does not.

    Returns
    -------
    PerfectBayesian
        One row per equilibrium (pure sender and receiver strategies), with beliefs on the
        path, the range of beliefs off the path, the classification and the regrets.

    Examples
    --------
    >>> import numpy as np
    >>> from irgames.games.signalling import SignallingGame
    >>> sweep = SignallingGame.beer_quiche(prior_wimp=np.array([0.1, 0.7]))
    >>> pure_pbe(sweep).count.tolist()   # with mostly wimps, no pooling on beer or quiche
    [2, 0]
    """
    game = _as_signalling(game, "pure_pbe")
    if refine not in (None, "intuitive"):
        raise SolverError(f"refine must be None or 'intuitive', got {refine!r}")
    tol = _check_tol(tol)
    T, M, R = game.num_types, game.num_messages, game.num_responses
    per_game = 8 * M**T * R**M * M * R
    if per_game > max_bytes:
        raise SolverError(
            f"enumerating the {M}**{T} sender and {R}**{M} receiver strategies of one game "
            f"needs about {per_game / 2**20:.0f} MiB, over max_bytes={max_bytes / 2**20:.0f} "
            "MiB; raise max_bytes or use a smaller game"
        )
    flat = game.flatten()
    B = flat.batch_size
    chunk = max(1, max_bytes // per_game)
    parts = []
    for start in range(0, max(B, 1), chunk):
        piece = flat[start : start + chunk] if chunk < B else flat
        rows = _pure_chunk(piece, tol)
        rows["b"] = rows["b"] + start
        parts.append(rows)
    rows = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    result = _assemble(
        game, rows["b"], rows["sender"], rows["receiver"], rows["beliefs"], rows["lower"],
        rows["upper"], rows["path"], rows["kind"], rows["intuitive"],
        degenerate=np.zeros(B, dtype=bool), method="pure_pbe", tol=tol,
        options={"refine": refine, "max_bytes": max_bytes},
    )  # fmt: skip
    if refine == "intuitive":
        result = result.select(result.intuitive)
    return result


def _pure_chunk(flat: SignallingGame, tol: float) -> dict[str, np.ndarray]:
    """The pure PBE of a flat batch, as arrays of rows (``b`` indexes the batch)."""
    T, M, R = flat.num_types, flat.num_messages, flat.num_responses
    prior, us, ur = flat.prior, flat.sender_payoffs, flat.receiver_payoffs
    units = flat.payoff_units
    tol_s, tol_r = tol * units[:, 0], tol * units[:, 1]  # (B,) each in the player's own unit
    senders = flat.pure_sender_strategies()  # (nS, T)
    receivers = flat.pure_receiver_strategies()  # (nQ, M)
    m_idx = np.arange(M)
    t_idx = np.arange(T)

    # Bayes' rule for every sender strategy.
    sent = senders[:, :, None] == m_idx  # (nS, T, M)
    joint = prior[:, None, :, None] * sent  # (B, nS, T, M)
    mass = joint.sum(axis=2)  # (B, nS, M)
    on_path = mass > 0
    posterior = np.swapaxes(joint, 2, 3) / np.where(on_path, mass, 1.0)[..., None]  # (B,nS,M,T)

    # Receiver: on the path, optimal given the posterior; off it, optimal for some belief.
    w = np.einsum("bsmt,btmr->bsmr", posterior, ur)
    ok_on = w >= w.max(axis=-1, keepdims=True) - tol_r[:, None, None, None]
    vertices, valid = _response_belief_sets(ur, tuple(range(T)), tol_r)
    feasible = valid.any(axis=-1)  # (B, M, R)
    ok_msg = np.where(on_path[..., None], ok_on, feasible[:, None])  # (B, nS, M, R)
    receiver_ok = ok_msg[:, :, m_idx, receivers].all(axis=-1)  # (B, nS, nQ)

    # Sender: each type's message is a best reply to the receiver's strategy.
    vs = us[:, :, m_idx, receivers]  # (B, T, nQ, M): u_S(t, m, q(m))
    vs = np.moveaxis(vs, 2, 1)  # (B, nQ, T, M)
    best = vs.max(axis=-1)  # (B, nQ, T)
    chosen = vs[:, :, t_idx, senders]  # (B, nQ, nS, T)
    chosen = np.moveaxis(chosen, 2, 1)  # (B, nS, nQ, T)
    sender_ok = np.all(chosen >= best[:, None] - tol_s[:, None, None, None], axis=-1)

    b, s, q = np.nonzero(receiver_ok & sender_ok)
    msg = senders[s]  # (k, T)
    resp = receivers[q]  # (k, M)
    sender = (msg[:, :, None] == m_idx).astype(float)
    receiver = (resp[:, :, None] == np.arange(R)).astype(float)
    path = on_path[b, s]  # (k, M)

    # Beliefs: Bayes on the path; off it, the polytope of beliefs sustaining the response.
    vert = vertices[b[:, None], m_idx, resp]  # (k, M, V, T)
    ok = valid[b[:, None], m_idx, resp]  # (k, M, V)
    n_ok = np.maximum(ok.sum(axis=-1), 1)[..., None]
    representative = (vert * ok[..., None]).sum(axis=2) / n_ok
    lower = np.where(ok[..., None], vert, np.inf).min(axis=2)
    upper = np.where(ok[..., None], vert, -np.inf).max(axis=2)
    post = posterior[b, s]  # (k, M, T)
    u_star = chosen[b, s, q]  # (k, T)
    return {
        "b": b,
        "sender": sender,
        "receiver": receiver,
        "beliefs": np.where(path[..., None], post, representative),
        "lower": np.where(path[..., None], post, lower),
        "upper": np.where(path[..., None], post, upper),
        "path": path,
        "kind": _classify(msg, prior[b] > 0, M),
        "intuitive": _intuitive(flat, b, u_star, path, tol_s, tol_r, vertices_full=valid),
    }


def _classify(messages: np.ndarray, positive: np.ndarray, M: int) -> np.ndarray:
    """Separating, pooling or semi-separating, from each type's (pure) message."""
    used = np.zeros((messages.shape[0], M), dtype=bool)
    rows = np.repeat(np.arange(messages.shape[0]), messages.shape[1])
    used[rows[positive.ravel()], messages.ravel()[positive.ravel()]] = True
    distinct = used.sum(axis=-1)
    n_types = positive.sum(axis=-1)
    kind = np.full(messages.shape[0], "semi-separating", dtype=object)
    kind[distinct == 1] = "pooling"
    kind[distinct == n_types] = "separating"
    return kind.astype(str)


def _intuitive(
    flat: SignallingGame,
    b: np.ndarray,
    u_star: np.ndarray,
    on_path: np.ndarray,
    tol_s: np.ndarray,
    tol_r: np.ndarray,
    vertices_full: np.ndarray,
) -> np.ndarray:
    """The Cho-Kreps intuitive criterion for each pure equilibrium row (the sender's
    comparisons within ``tol_s``, the receiver's best responses within ``tol_r``)."""
    k = b.size
    T, M, R = flat.num_types, flat.num_messages, flat.num_responses
    us = flat.sender_payoffs
    if k == 0:
        return np.zeros(0, dtype=bool)
    # Responses that are best replies to beliefs supported on each subset of types.
    n_sub = 1 << T
    br = np.zeros((n_sub, flat.batch_size, M, R), dtype=bool)
    br[n_sub - 1] = vertices_full.any(axis=-1)
    for code in range(1, n_sub - 1):
        types = tuple(t for t in range(T) if code >> t & 1)
        _, valid = _response_belief_sets(flat.receiver_payoffs, types, tol_r)
        br[code] = valid.any(axis=-1)
    us_k = np.moveaxis(us[b], 1, 2)  # (k, M, T, R)
    best_any = np.where(br[n_sub - 1][b][:, :, None, :], us_k, -np.inf).max(axis=-1)  # (k,M,T)
    tol_k = tol_s[b][:, None, None]
    dominated = best_any < u_star[:, None, :] - tol_k  # J(m), (k, M, T)
    code = ((~dominated) * (1 << np.arange(T))).sum(axis=-1)  # (k, M)
    allowed = br[code, b[:, None], np.arange(M)[None, :]]  # (k, M, R)
    worst = np.where(allowed[:, :, None, :], us_k, np.inf).min(axis=-1)  # (k, M, T)
    breaks = (
        ~dominated
        & (worst > u_star[:, None, :] + tol_k)
        & ~on_path[..., None]
        & (code > 0)[..., None]
    )
    return ~breaks.any(axis=(1, 2))


def _assemble(
    game, b, sender, receiver, beliefs, lower, upper, path, kind, intuitive, *,
    degenerate, method, tol, options,
) -> PerfectBayesian:  # fmt: skip
    flat = game.flatten()
    k = b.size
    rows = SignallingGame(
        flat.prior[b], flat.sender_payoffs[b], flat.receiver_payoffs[b],
        types=game.types, messages=game.messages, responses=game.responses,
    )  # fmt: skip
    if k:
        reg = pbe_regret(rows, sender, receiver, beliefs)
        v_sender = np.einsum("ktmr,kmr->ktm", rows.sender_payoffs, receiver)
        type_payoffs = (v_sender * sender).sum(axis=-1)
        joint = rows.prior[:, :, None, None] * sender[:, :, :, None] * receiver[:, None]
        payoffs = np.stack(
            [
                (joint * rows.sender_payoffs).sum(axis=(1, 2, 3)),
                (joint * rows.receiver_payoffs).sum(axis=(1, 2, 3)),
            ],
            axis=-1,
        )
        s_reg, r_reg, bayes = reg.sender.max(-1), reg.receiver.max(-1), reg.bayes.max(-1)
    else:
        T = game.num_types
        type_payoffs = np.zeros((0, T))
        payoffs = np.zeros((0, 2))
        s_reg = r_reg = bayes = np.zeros(0)
    size = flat.batch_size
    return PerfectBayesian(
        game=flat,
        batch_shape=game.batch_shape,
        game_index=np.asarray(b, dtype=np.int64),
        sender=sender,
        receiver=receiver,
        beliefs=beliefs,
        belief_lower=lower,
        belief_upper=upper,
        on_path=path,
        kind=np.asarray(kind, dtype=str),
        intuitive=np.asarray(intuitive, dtype=bool),
        type_payoffs=type_payoffs,
        payoffs=payoffs,
        sender_regret=s_reg,
        receiver_regret=r_reg,
        bayes_gap=bayes,
        scale=flat.payoff_scale[b],
        units=flat.payoff_units[b],
        count=np.bincount(b, minlength=size).reshape(game.batch_shape),
        degenerate=np.asarray(degenerate, dtype=bool).reshape(game.batch_shape),
        method=method,
        tol=float(tol),
        options=dict(options),
    )


# ---------------------------------------------------------------------- mixed, 2 x 2 x 2
def mixed_pbe_2x2x2(game: SignallingGame, *, tol: float = 1e-9) -> PerfectBayesian:
    r"""Semi-separating (hybrid) PBE of two-type, two-message, two-response games.

    For each choice of the mixing type :math:`a` and the message :math:`m_j` that the other
    type :math:`b` sends for sure (four cases, each solved for the whole batch):

    1. at :math:`m_{1-j}` only :math:`a` is possible, so the receiver best-responds to
       :math:`\mu = \delta_a` (a strict preference is required; a tie is flagged degenerate);
    2. for :math:`a` to mix, the receiver must mix at :math:`m_j`, so the posterior there is
       the receiver's indifference belief
       :math:`\mu^*_a = d_b / (d_b - d_a)`, :math:`d_t = u_R(t, m_j, r_0) - u_R(t, m_j, r_1)`,
       which Bayes' rule turns into :math:`\sigma(m_j \mid a) = \mu^*_a p_b / (p_a (1 - \mu^*_a))`
       (a valid mixture iff :math:`0 < \mu^*_a < p_a`);
    3. the receiver's mixture :math:`\rho(r_0 \mid m_j)` makes :math:`a` indifferent between
       the two messages (linear in :math:`\rho`; must lie in :math:`[0, 1]`);
    4. type :math:`b` must weakly prefer :math:`m_j`.

    Equilibria in which both types mix, or a type is indifferent without the receiver mixing,
    exist only for non-generic payoffs and are not returned; games where such ties occur are
    flagged ``degenerate``. Pure equilibria are left to :func:`pure_pbe`.

    Examples
    --------
    >>> import numpy as np
    >>> from irgames.games.signalling import SignallingGame
    >>> res = mixed_pbe_2x2x2(SignallingGame.beer_quiche(prior_wimp=0.7))
    >>> len(res), res.kind.tolist()
    (1, ['semi-separating'])
    >>> bool(res.relative_regret.max() < 1e-9)
    True
    """
    game = _as_signalling(game, "mixed_pbe_2x2x2")
    if (game.num_types, game.num_messages, game.num_responses) != (2, 2, 2):
        raise SolverError(
            "mixed_pbe_2x2x2 needs two types, two messages and two responses; got "
            f"({game.num_types}, {game.num_messages}, {game.num_responses})"
        )
    tol = _check_tol(tol)
    flat = game.flatten()
    B = flat.batch_size
    p, us, ur = flat.prior, flat.sender_payoffs, flat.receiver_payoffs
    units = flat.payoff_units
    tol_s, tol_r = tol * units[:, 0], tol * units[:, 1]  # each player's ties in her own unit
    eps = 1e-12
    parts = []
    degenerate = np.zeros(B, dtype=bool)
    for a, j in itertools.product(range(2), range(2)):
        o = 1 - j
        bt = 1 - a
        both = (p[:, a] > eps) & (p[:, bt] > eps)
        # 1. receiver's strict best response to type a at the message only a sends.
        e = ur[:, a, o, 0] - ur[:, a, o, 1]
        tie_o = np.abs(e) <= tol_r
        rho_o = (e > 0).astype(float)
        # 2. the indifference belief at m_j and the mixture that produces it.
        d_a = ur[:, a, j, 0] - ur[:, a, j, 1]
        d_b = ur[:, bt, j, 0] - ur[:, bt, j, 1]
        dd = d_b - d_a
        flat_j = np.abs(dd) <= tol_r
        mu_a = np.divide(d_b, dd, out=np.full(B, -1.0), where=~flat_j)
        pa = np.where(both, p[:, a], 1.0)
        x = np.divide(mu_a * p[:, bt], pa * (1.0 - mu_a), out=np.full(B, -1.0), where=mu_a < 1.0)
        interior = (
            both & ~flat_j & (mu_a > eps) & (mu_a < p[:, a] - eps) & (x > eps) & (x < 1 - eps)
        )
        # 3. the receiver's mixture at m_j that makes type a indifferent.
        u_a_o = rho_o * us[:, a, o, 0] + (1 - rho_o) * us[:, a, o, 1]
        den = us[:, a, j, 0] - us[:, a, j, 1]
        flat_s = np.abs(den) <= tol_s
        rho_j = np.divide(u_a_o - us[:, a, j, 1], den, out=np.full(B, -1.0), where=~flat_s)
        in_unit = (rho_j >= -1e-12) & (rho_j <= 1 + 1e-12)
        rho_j = np.clip(rho_j, 0.0, 1.0)
        # 4. type b prefers m_j.
        u_b_j = rho_j * us[:, bt, j, 0] + (1 - rho_j) * us[:, bt, j, 1]
        u_b_o = rho_o * us[:, bt, o, 0] + (1 - rho_o) * us[:, bt, o, 1]
        b_ok = u_b_j >= u_b_o - tol_s
        degenerate |= both & (tie_o | flat_j | flat_s)
        found = np.flatnonzero(interior & ~tie_o & ~flat_s & in_unit & b_ok)
        n = found.size
        sender = np.zeros((n, 2, 2))
        sender[:, a, j] = x[found]
        sender[:, a, o] = 1 - x[found]
        sender[:, bt, j] = 1.0
        receiver = np.zeros((n, 2, 2))
        receiver[:, j, 0] = rho_j[found]
        receiver[:, j, 1] = 1 - rho_j[found]
        receiver[:, o, 0] = rho_o[found]
        receiver[:, o, 1] = 1 - rho_o[found]
        beliefs = np.zeros((n, 2, 2))
        beliefs[:, j, a] = mu_a[found]
        beliefs[:, j, bt] = 1 - mu_a[found]
        beliefs[:, o, a] = 1.0
        parts.append((found, sender, receiver, beliefs))
    b = np.concatenate([part[0] for part in parts])
    order = np.argsort(b, kind="stable")
    b = b[order]
    sender, receiver, beliefs = (
        np.concatenate([part[i] for part in parts])[order] for i in (1, 2, 3)
    )
    k = b.size
    path = np.ones((k, 2), dtype=bool)
    return _assemble(
        game, b, sender, receiver, beliefs, beliefs, beliefs, path,
        np.full(k, "semi-separating"), np.ones(k, dtype=bool),
        degenerate=degenerate, method="mixed_pbe_2x2x2", tol=tol, options={},
    )  # fmt: skip


_ROW_FIELDS = (
    "game_index", "sender", "receiver", "beliefs", "belief_lower", "belief_upper", "on_path",
    "kind", "intuitive", "type_payoffs", "payoffs", "sender_regret", "receiver_regret",
    "bayes_gap", "scale", "units",
)  # fmt: skip


def perfect_bayesian_equilibria(
    game: SignallingGame,
    *,
    tol: float = 1e-9,
    refine: str | None = None,
    mixed: bool | None = None,
) -> PerfectBayesian:
    """The pure PBE and, for two types, messages and responses, the semi-separating ones.

    The front door: :func:`pure_pbe`, joined (when ``mixed`` is true, by default whenever the
    game is 2 x 2 x 2) with :func:`mixed_pbe_2x2x2`, rows ordered by game. ``refine``
    applies to the pure rows (mixed rows have every message on the path, so the intuitive
    criterion does not restrict them).

    Examples
    --------
    >>> import numpy as np
    >>> from irgames.games.signalling import SignallingGame
    >>> res = perfect_bayesian_equilibria(SignallingGame.beer_quiche(np.array([0.1, 0.7])))
    >>> res.game_index.tolist(), res.kind.tolist()
    ([0, 0, 1], ['pooling', 'pooling', 'semi-separating'])
    """
    game = _as_signalling(game, "perfect_bayesian_equilibria")
    shape = (game.num_types, game.num_messages, game.num_responses)
    if mixed is None:
        mixed = shape == (2, 2, 2)
    pure = pure_pbe(game, tol=tol, refine=refine)
    if not mixed:
        return pure
    hybrid = mixed_pbe_2x2x2(game, tol=tol)
    rows = {name: np.concatenate([getattr(pure, name), getattr(hybrid, name)])
            for name in _ROW_FIELDS}  # fmt: skip
    order = np.argsort(rows["game_index"], kind="stable")
    rows = {name: value[order] for name, value in rows.items()}
    return replace(
        pure,
        count=pure.count + hybrid.count,
        degenerate=pure.degenerate | hybrid.degenerate,
        method="pure_pbe + mixed_pbe_2x2x2",
        options={"refine": refine, "mixed": True},
        **rows,
    )
