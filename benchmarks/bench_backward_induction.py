r"""Backward induction over parameter batches: node-points per second against per-game peers.

Workloads (seeded):

* the coercion tree of Drezner (1999): sender S demands, target T acquiesces or stands firm,
  S backs down or imposes; five parameters drawn uniformly, batches of :math:`10^2` to
  :math:`10^7` points (the scaling in batch size);
* complete binary trees of two players with standard normal payoffs, depths 4 to 16 (the
  scaling in tree size).

irgames solves every point of a batch at once with
:func:`~irgames.solvers.backward_induction.backward_induction` (ties flagged). The rate is
*node-points* per second: nodes of the tree times points of the batch, per second.

Comparisons, one game per call:

* ``pygambit logit_solve``: pygambit has no backward-induction solver, and its
  ``lcp_solve`` returns *a* Nash equilibrium of the tree, which in these games is often not
  subgame perfect (different payoffs on most depth-6 trees), so it does not compute the same
  thing. The limit of the agent logit quantal response equilibria that ``logit_solve``
  traces is a sequential equilibrium, which in a generic perfect-information game is the
  unique subgame-perfect equilibrium: the same answer. The pygambit trees are built outside
  the timed region (only the solve is timed, which favours the peer).
* ``per-point Python loop``: a plain recursion over the nodes of one point at a time (what a
  user writes without a batched solver), on a few thousand points.

Agreement, before any rate: at every compared point the action chosen at *every* decision node
(on and off the path; at points with ties, where several SPE exist, only the payoffs) and the
root payoffs must be the same as irgames' (payoffs within
``1e-6`` of the payoff range for pygambit, whose logit path stops at a regret of ``1e-8``;
exactly for the loop).

The bandwidth floor counts the payoffs read and the arrays the solver returns (values, choices,
reach, ties) per point.

Examples
--------
>>> from benchmarks.common import Config
>>> family = run(Config(mode="tiny", repeats=1))
>>> all(c.agreed for c in family.checks), len(family.rows) > 0
(True, True)
"""

from __future__ import annotations

import numpy as np

from irgames.games.extensive_form import ExtensiveFormGame, TreeBuilder
from irgames.games.tree_generators import complete_tree
from irgames.solvers.backward_induction import backward_induction

from .common import Agreement, Config, Family, nbytes, rows_from_timings
from .timing import compare

FAMILY = "backward induction"
OURS = "irgames backward_induction"
LOOP = "per-point Python loop"
GAMBIT = "pygambit logit_solve"


def coercion(points: int, seed: int = 0) -> ExtensiveFormGame:
    """Drezner's coercion tree bound to ``points`` uniform parameter draws."""
    T = TreeBuilder(["S", "T"], parameters="D c_s c_t B_s B_t")
    D, c_s, c_t, B_s, B_t = T.symbols

    def U(P_s, P_t):
        return T.terminal(P_s - (1 - B_s) * P_t, P_t - (1 - B_t) * P_s)

    root = T.decision(
        "S",
        {
            "status quo": U(0, 0),
            "demand": T.decision(
                "T",
                {
                    "acquiesce": U(D, -D),
                    "stand firm": T.decision("S", {"back down": U(0, 0), "impose": U(-c_s, -c_t)}),
                },
            ),
        },
    )
    rng = np.random.default_rng(seed)
    return T.build(root).bind(
        D=rng.uniform(0, 3, points),
        c_s=rng.uniform(0, 3, points),
        c_t=rng.uniform(0, 3, points),
        B_s=rng.uniform(0, 1, points),
        B_t=rng.uniform(0, 1, points),
    )


def python_loop(game: ExtensiveFormGame, points: int) -> tuple[np.ndarray, np.ndarray]:
    """Root payoffs and choices of the first ``points`` games by a per-point recursion.

    Perfect information, no chance nodes; the lowest-indexed best action wins ties.
    """
    kids: list[list[int]] = [[] for _ in range(game.n_nodes)]
    for v in range(1, game.n_nodes):
        kids[int(game.parent[v])].append(v)
    term = {int(t): r for r, t in enumerate(game.terminals)}
    mover = game.mover.tolist()
    payoffs = game.flatten().payoffs
    roots, choices = [], []
    for b in range(points):
        pay = payoffs[b].tolist()
        value: list = [None] * game.n_nodes
        choice = [-1] * game.n_nodes
        for v in range(game.n_nodes - 1, -1, -1):
            m = mover[v]
            if m < 0:
                value[v] = pay[term[v]]
            else:
                best = 0
                for a in range(1, len(kids[v])):
                    if value[kids[v][a]][m] > value[kids[v][best]][m]:
                        best = a
                choice[v] = best
                value[v] = value[kids[v][best]]
        roots.append(value[0])
        choices.append(choice)
    return np.array(roots), np.array(choices)


def _gambit_trees(game: ExtensiveFormGame, points: int):
    from irgames.io.efg import to_pygambit_tree

    return [to_pygambit_tree(game, index=b, return_nodes=True) for b in range(points)]


def _gambit_solve(trees) -> list:
    import pygambit

    return [pygambit.nash.logit_solve(tree).equilibria[0] for tree, _ in trees]


def _gambit_answer(game: ExtensiveFormGame, trees, equilibria):
    decision = np.flatnonzero(game.mover >= 0)
    roots, choices = [], []
    for (tree, nodes), eq in zip(trees, equilibria, strict=True):
        roots.append([float(eq.payoff(p)) for p in tree.players])
        choice = np.full(game.n_nodes, -1)
        for v in decision:
            choice[v] = int(np.argmax([float(eq[a]) for a in nodes[v].infoset.actions]))
        choices.append(choice)
    return np.array(roots), np.array(choices)


def _agree(family, workload, peer, game, result, roots, choices, atol):
    k = len(roots)
    decision = np.flatnonzero(game.mover >= 0)
    ours_choice = result.choice.reshape(-1, game.n_nodes)[:k][:, decision]
    ours_roots = result.payoffs.reshape(-1, result.payoffs.shape[-1])[:k]
    tied = result.ties.reshape(-1)[:k]
    same_choice = (ours_choice == choices[:, decision]).all(axis=1) | tied
    close = np.abs(ours_roots - roots).max(axis=1) <= atol
    ok = same_choice & close
    family.check(
        Agreement(
            FAMILY,
            workload,
            peer,
            k,
            k,
            bool(ok.all()),
            f"{int(ok.sum())} of {k} points: same action at every decision node and same "
            f"root payoffs (tied points: {int(tied.sum())})",
        )
    )


def _floor(config: Config, game: ExtensiveFormGame, result) -> float:
    per_point = (nbytes(result) + game.payoffs.nbytes) / game.batch_size
    return config.bandwidth / per_point * game.n_nodes


def _case(family, config, name, game, loop_points, gambit_points):
    result = backward_induction(game)
    candidates = {OURS: (lambda: backward_induction(game), game.n_nodes * game.batch_size)}
    batches = {OURS: game.batch_size}
    roots, choices = python_loop(game, loop_points)
    _agree(family, name, LOOP, game, result, roots, choices, 0.0)
    candidates[LOOP] = (lambda: python_loop(game, loop_points), game.n_nodes * loop_points)
    batches[LOOP] = loop_points
    if gambit_points and config.uses("pygambit"):
        trees = _gambit_trees(game, gambit_points)
        roots, choices = _gambit_answer(game, trees, _gambit_solve(trees))
        scale = float(np.max(game.payoffs[:gambit_points]) - np.min(game.payoffs[:gambit_points]))
        _agree(family, name, GAMBIT, game, result, roots, choices, 1e-6 * scale)
        candidates[GAMBIT] = (lambda: _gambit_solve(trees), game.n_nodes * gambit_points)
        batches[GAMBIT] = gambit_points
    timings = compare(candidates, repeats=config.repeats if gambit_points < 5 else 3)
    floors = {OURS: _floor(config, game, result)} if np.isfinite(config.bandwidth) else {}
    return rows_from_timings(
        FAMILY,
        name,
        f"{game.n_nodes} nodes",
        "node-points/s",
        timings,
        batches,
        reference=OURS,
        floors=floors,
        notes={LOOP: "one point at a time", GAMBIT: "one game per call; trees prebuilt"},
    )


def run(config: Config) -> Family:
    family = Family(FAMILY)
    # binary trees: (depth, irgames points, loop points, pygambit games)
    trees = config.pick(
        [(3, 100, 20, 1)],
        [(3, 100_000, 500, 3), (4, 100_000, 300, 2), (10, 1000, 20, 0)],
        [
            (3, 1_000_000, 2000, 10),
            (4, 1_000_000, 1000, 5),
            (6, 100_000, 500, 0),
            (10, 10_000, 50, 0),
            (16, 100, 2, 0),
        ],
    )
    for depth, points, loop_points, gambit_points in trees:
        game = complete_tree(depth, 2, 2, batch_shape=(points,), seed=config.seed + depth)
        family.rows += _case(
            family, config, f"binary tree depth {depth}", game, loop_points, gambit_points
        )
    # the coercion tree across batch sizes
    sizes = config.pick(
        [100], [10**2, 10**3, 10**4, 10**5], [10**2, 10**3, 10**4, 10**5, 10**6, 10**7]
    )
    for points in sizes:
        game = coercion(points, config.seed)
        rows = _case(
            family,
            config,
            "coercion tree (Drezner)",
            game,
            min(points, config.pick(20, 1000, 2000)),
            0,
        )
        family.rows += rows
    return family
