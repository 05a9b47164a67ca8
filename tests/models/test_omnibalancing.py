"""Omnibalancing: the closed form and worked numbers through the generic backward induction,
an independent brute-force solution of the K-threat game, regret in the reduced normal form,
and every claim over its stated domain."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from irgames.models._threats import solve_threats, threat_game
from irgames.models.omnibalancing import MODEL as omnibalancing
from irgames.models.omnibalancing import TWO_THREATS, solve_two_threats
from irgames.models.omnibalancing_threats import MODEL as omnibalancing_threats
from irgames.models.omnibalancing_threats import THREE_THREATS, _f_always_bought
from scipy.stats import norm

from irgames.games.normal_form import GameValueError
from irgames.games.reduced_form import reduced_normal_form
from irgames.games.regret import regret
from irgames.testing import assert_claim, claim_test

model = omnibalancing
space = model.space
Phi = norm.cdf


def at(**values):
    """The two-threat model at the defaults, overridden by ``values`` (arrays allowed)."""
    return model.evaluate({**space.defaults(), **{k: np.asarray(v) for k, v in values.items()}})


def G(theta, E, kappa, s, sigma):
    """THEORIES.md: the survival that appeasing F buys when F backs D if not appeased."""
    return Phi((E - theta) / sigma) - Phi((E - kappa - s - theta) / sigma)


# ---------------------------------------------------------------------------- worked numbers
def test_worked_numbers():
    # E = 1, kappa_F = 0.3, s_F = 0.5, sigma = 0.5: G(0.6) = 0.576; with R = 10 and w z = 4
    # the leader appeases at theta_D = 0.6 and balances at 0 and 1.5.
    # F (V_F = 5, c_F = 0.1) backs D wherever it is not appeased and accepts the concession
    # wherever it is offered: the premises of the closed form
    common = dict(E=1, kappa_F=0.3, s_F=0.5, sigma=0.5, R=10, V_F=5, c_F=0.1)
    out = at(w=1, z=4, theta_D=[0.0, 0.6, 1.5], **common)
    assert np.all(out["F_backs"]) and np.all(out["F_accepts"])
    assert round(float(out["survival_gain"][1]), 3) == 0.576
    assert out["appeases"].tolist() == [0.0, 1.0, 0.0]
    assert out["regime"].tolist() == [2, 0, 2]
    np.testing.assert_allclose(out["survival_gain"], G(np.array([0, 0.6, 1.5]), 1, 0.3, 0.5, 0.5))
    np.testing.assert_allclose(out["appeasement_margin"], 10 * out["survival_gain"] - 4)
    # the same with w = 0.5, z = 8 (only the product matters to the leader)
    half = at(w=0.5, z=8, theta_D=[0.0, 0.6, 1.5], **common)
    assert half["appeases"].tolist() == [0.0, 1.0, 0.0]


def test_the_price_of_appeasement():
    # F accepts the concession iff z + c_F >= V_F G(theta_D): with V_F = 10 backing D is worth
    # 5.76 - 0.1 > 4 to F at theta_D = 0.6, so it would refuse, and the leader balances
    out = at(
        E=1,
        kappa_F=0.3,
        s_F=0.5,
        sigma=0.5,
        R=10,
        w=1,
        z=4,
        V_F=10,
        c_F=0.1,
        theta_D=[0.0, 0.6, 1.5],
    )
    assert out["F_accepts"].tolist() == [True, False, True]
    assert out["appeases"].tolist() == [0.0, 0.0, 0.0]
    assert out["regime"].tolist() == [2, 1, 2]
    assert bool(out["tied"][1])  # offering a refused concession changes nothing: a tie


def test_agency_gap_at_the_worked_numbers():
    out = at(theta_D=[0.0, 0.6, 1.5])
    assert out["agency_gap"].tolist() == [False, True, False]
    assert out["utility_state"].tolist() == [0.0, -4.0, 0.0]
    assert not np.any(out["state_appeases"])


# ---------------------------------------------------------------------------- closed forms
def _margins(p):
    """F's gain from backing if not offered, F's gain from accepting if offered, and the
    survival that an accepted concession buys the leader."""
    E, th, sg, k, s = (p[n] for n in ("E", "theta_D", "sigma", "kappa_F", "s_F"))
    backing = p["V_F"] * (Phi((E - k - th) / sg) - Phi((E - k - s - th) / sg)) - p["c_F"]
    backs = backing >= 0
    accepting = p["z"] + p["c_F"] - p["V_F"] * (Phi((E - th) / sg) - Phi((E - k - s - th) / sg))
    gain = Phi((E - th) / sg) - Phi((E - k - s * backs - th) / sg)
    return backing, backs, accepting, gain


@given(space.strategy())
def test_closed_form_at_random_points(point):
    out = model.evaluate({k: np.asarray([v]) for k, v in point.items()})
    backing, backs, accepting, gain = _margins(point)
    scale = max(point["R"], point["w"] * point["z"], point["V_F"], 1.0)
    assume(abs(backing) > 1e-9 * scale and abs(accepting) > 1e-9 * scale)
    assert bool(out["F_backs"][0]) == backs
    # F accepts iff the concession is worth at least what backing D would bring it
    assert bool(out["F_accepts"][0]) == (accepting > 0)
    assert float(out["survival_gain"][0]) == pytest.approx(gain, abs=1e-12)
    assert float(out["survival_if_appease"][0]) == pytest.approx(
        Phi((point["E"] - point["theta_D"]) / point["sigma"]), abs=1e-12
    )
    margin = point["R"] * gain - point["w"] * point["z"]
    assume(abs(margin) > 1e-9 * scale)
    # L appeases iff R G(theta_D) >= w z (G with s_F where F's backing pays, without it
    # else) and F accepts: w z / R <= G <= (z + c_F) / V_F where F backs
    assert bool(out["appeases"][0]) == (margin > 0 and accepting > 0)
    assert float(out["appeasement_margin"][0]) == pytest.approx(margin, abs=1e-9 * scale)
    expected_survival = float(
        out["survival_if_appease" if margin > 0 and accepting > 0 else "survival_if_balance"][0]
    )
    assert float(out["survival"][0]) == pytest.approx(expected_survival, abs=1e-15)


@given(
    st.floats(0.5, 2.0),
    st.floats(0.05, 1.0),
    st.floats(0.05, 1.0),
    st.floats(0.1, 1.0),
)
def test_peak_of_the_survival_gain(E, kappa, s, sigma):
    # G peaks at theta_D = E - (kappa_F + s_F)/2 (the interval of width kappa_F + s_F is
    # centred on the mode of the normal)
    peak = E - (kappa + s) / 2
    assume(0.05 <= peak <= 2.95)
    theta = np.linspace(0, 3, 3001)
    out = at(E=E, kappa_F=kappa, s_F=s, sigma=sigma, V_F=20.0, c_F=1e-3, theta_D=theta)
    gain = np.where(out["F_backs"], out["survival_gain"], -np.inf)
    assume(bool(out["F_backs"][np.argmin(np.abs(theta - peak))]))
    top = G(peak, E, kappa, s, sigma)
    assert gain.max() <= top + 1e-12  # nothing on the grid beats the closed-form peak
    best = theta[np.argmax(gain)]
    # the argmax sits at the peak, unless the curve is flat there to rounding
    assert abs(best - peak) <= 1.5e-3 or top - G(best, E, kappa, s, sigma) <= 1e-12


# ------------------------------------------------------------------ equilibrium by regret
def _pure_profile(spe):
    reduced = reduced_normal_form(spe.game)
    index = reduced.strategy_of_choice(spe.choice)
    sizes = reduced.game.num_actions
    return reduced.game, [np.eye(m)[i] for m, i in zip(sizes, index, strict=True)]


def _three_threat_solution(points):
    n = points["E"].size
    zero = np.zeros(n)
    return solve_threats(
        THREE_THREATS,
        E=points["E"],
        sigma=points["sigma"],
        R=points["R"],
        w=points["w"],
        severity=np.stack([points["theta_D"], points["kappa_F"], points["kappa_X"]], -1),
        cost=np.stack([points["z_D"], points["z_F"], points["z_X"]], -1),
        support=np.stack([zero, points["s_F"], zero], -1),
        stake=np.stack([zero, points["V_F"], zero], -1),
        backing_cost=np.stack([zero, points["c_F"], zero], -1),
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_equilibrium_has_no_profitable_deviation(seed):
    # the SPE profile, mapped to the reduced normal form, has zero regret (computed by
    # irgames.games.regret, which shares no code with backward induction), at 500 random
    # points of each model (one batched reduced form per model)
    two = solve_two_threats(**space.sample(500, seed))
    three = _three_threat_solution(omnibalancing_threats.space.sample(500, seed))
    for sol in (two, three):
        game, profile = _pure_profile(sol.spe)
        scale = np.asarray(game.payoff_scale).reshape(-1, 1)
        assert np.all(regret(game, profile) <= 1e-9 * scale)


# ------------------------------------------------------- the K-threat game, independently
def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _brute_force(internal, appeasable, can_back, E, sigma, R, w, sev, z, sup, V, c):
    """Subgame-perfect play of one multi-threat game by explicit recursion (plain Python)."""
    K = len(internal)

    def survival(A, backers):
        left = [k for k in range(K) if k not in A]
        x = E - sum(sev[k] for k in left)
        if any(internal[k] for k in left):
            x -= sum(sup[k] for k in backers)
        return _phi(x / sigma)

    def follow(order, accepted, backers):
        # the backers move in index order; an offered one accepts (stays out, takes the
        # concession) or refuses and backs D; the others back D or stay out
        if not order:
            return accepted, backers
        k, rest = order[0], order[1:]
        if k in accepted:
            yes = follow(rest, accepted, backers)
            no = follow(rest, accepted - {k}, backers | {k})
            u_yes = z[k] + V[k] * (1 - survival(*yes))
            u_no = V[k] * (1 - survival(*no)) - c[k]
            return yes if u_yes >= u_no else no
        on = follow(rest, accepted, backers | {k})
        off = follow(rest, accepted, backers)
        u_on = V[k] * (1 - survival(*on)) - c[k]
        u_off = V[k] * (1 - survival(*off))
        return on if u_on >= u_off else off

    options = []
    free = [k for k in range(K) if appeasable[k]]
    order = tuple(k for k in range(K) if can_back[k])
    for size in range(len(free) + 1):
        for offer in itertools.combinations(free, size):
            accepted, backers = follow(order, frozenset(offer), frozenset())
            p = survival(accepted, backers)
            options.append((R * p - w * sum(z[k] for k in accepted), accepted, p))
    return options


#: Structures of threats (internal, appeasable, can back), K = 1..4.
STRUCTURES = [
    ((True,), (True,), (False,)),
    ((False,), (True,), (True,)),
    ((True, False), (False, True), (False, True)),
    ((True, False, False), (True, True, True), (False, True, False)),
    ((True, False, False), (True, True, True), (False, True, True)),
    ((True, True, False), (False, True, True), (False, False, True)),
    ((True, False, True, False), (True, True, False, True), (False, True, False, True)),
    ((False, False, True, False), (True, True, True, True), (True, False, False, True)),
]


@pytest.mark.parametrize("flags", STRUCTURES, ids=lambda f: "".join("ie"[not i] for i in f[0]))
@given(seed=st.integers(0, 2**32 - 1))
def test_k_threat_game_against_brute_force(flags, seed):
    rng = np.random.default_rng(seed)
    internal, appeasable, can_back = flags
    K = len(internal)
    names = tuple(f"T{k}" for k in range(K))
    structure = threat_game(names, internal, appeasable, can_back)
    n = 4
    E = rng.uniform(0, 2, n)
    sigma = rng.uniform(0.1, 1, n)
    R = rng.uniform(0, 20, n)
    w = rng.uniform(0, 2, n)
    sev, z, sup, V, c = (
        rng.uniform(lo, hi, (n, K)) for lo, hi in ((0, 1), (0.01, 5), (0, 1), (0, 20), (0.01, 2))
    )
    sol = solve_threats(
        structure,
        E=E,
        sigma=sigma,
        R=R,
        w=w,
        severity=sev,
        cost=z,
        support=sup,
        stake=V,
        backing_cost=c,
    )
    for i in range(n):
        options = _brute_force(
            internal,
            appeasable,
            can_back,
            E[i],
            sigma[i],
            R[i],
            w[i],
            sev[i],
            z[i],
            sup[i],
            V[i],
            c[i],
        )
        values = np.array([o[0] for o in options])
        scale = max(R[i], w[i] * z[i].sum(), V[i].max(), 1.0)
        assert float(sol.payoffs[i, 0]) == pytest.approx(values.max(), abs=1e-9 * scale)
        near = [o for o in options if o[0] >= values.max() - 1e-7 * scale]
        if len({o[1] for o in near}) > 1:
            continue  # a near-tie between different outcomes: either is an equilibrium
        best = near[0]
        assert set(np.flatnonzero(sol.appeases[i])) == set(best[1])
        assert float(sol.survival[i]) == pytest.approx(best[2], abs=1e-12)


@given(st.integers(0, 2**32 - 1))
def test_three_threats_reduce_to_two(seed):
    # with X harmless (kappa_X = 0) and D unbuyable (w z_D >= R), the three-threat game
    # makes the two-threat choice
    p = omnibalancing_threats.space.sample(60, seed)
    p["kappa_X"] = np.zeros(60)
    p["w"] = np.maximum(p["w"], 0.7)
    p["z_D"] = np.full(60, 30.0)
    three = omnibalancing_threats.evaluate(p)
    two = model.evaluate(
        {
            "E": p["E"],
            "theta_D": p["theta_D"],
            "sigma": p["sigma"],
            "kappa_F": p["kappa_F"],
            "s_F": p["s_F"],
            "R": p["R"],
            "w": p["w"],
            "z": p["z_F"],
            "V_F": p["V_F"],
            "c_F": p["c_F"],
        }
    )
    assert np.all(three["appeases_D"] == 0) and np.all(three["appeases_X"] == 0)
    np.testing.assert_array_equal(three["appeases_F"], two["appeases"])
    np.testing.assert_allclose(three["survival"], two["survival"], atol=1e-15)


def test_structures_and_errors():
    assert TWO_THREATS.game.players == ("L", "F", "state")
    assert THREE_THREATS.game.players == ("L", "F", "state")
    assert len(THREE_THREATS.subset_labels()) == 8
    assert THREE_THREATS.game.is_perfect_information
    with pytest.raises(GameValueError, match="one entry"):
        threat_game(("D", "F"), (True,))
    with pytest.raises(GameValueError, match="distinct identifiers"):
        threat_game(("D", "D"), (True, False))
    with pytest.raises(GameValueError, match="only external"):
        threat_game(("D", "F"), (True, False), can_back=(True, False))
    with pytest.raises(GameValueError, match="taken"):
        threat_game(("L", "F"), (True, False))
    with pytest.raises(GameValueError, match="last axis of length 2"):
        solve_threats(
            TWO_THREATS,
            E=1,
            sigma=0.5,
            R=1,
            w=1,
            severity=[1, 2, 3],
            cost=[0, 1],
            support=[0, 1],
            stake=[0, 1],
            backing_cost=[0, 1],
        )
    with pytest.raises(GameValueError, match="non-negative"):
        solve_threats(
            TWO_THREATS,
            E=1,
            sigma=0.5,
            R=1,
            w=1,
            severity=[1, -2],
            cost=[0, 1],
            support=[0, 1],
            stake=[0, 1],
            backing_cost=[0, 1],
        )
    with pytest.raises(GameValueError, match="sigma"):
        solve_threats(
            TWO_THREATS,
            E=1,
            sigma=0,
            R=1,
            w=1,
            severity=[1, 2],
            cost=[0, 1],
            support=[0, 1],
            stake=[0, 1],
            backing_cost=[0, 1],
        )
    with pytest.raises(ValueError, match="theta_D"):
        model(theta_D=-1.0)


# ---------------------------------------------------------------------------------- claims
CHEAP = dict(n=300, segments=20, use_hypothesis=False)
ALL = [(m, c) for m in (omnibalancing, omnibalancing_threats) for c in m.claims]


@pytest.mark.parametrize(("m", "claim"), ALL, ids=[f"{m.name}-{c.name}" for m, c in ALL])
def test_claim_holds_over_its_domain(m, claim):
    assert_claim(m, claim, seed=11, **CHEAP)


#: Pointwise claims as hypothesis properties (a batch of points per example). The claim
#: ``balances_primary_appeases_secondary`` is conditioned on about 2% of the space: it is
#: checked on 2000 points by ``test_rare_condition_claim`` instead.
RARE = "balances_primary_appeases_secondary"
POINTWISE = [(m, c) for m, c in ALL if c.kind == "pointwise" and c.name != RARE]


@pytest.mark.parametrize(
    ("m", "claim"), POINTWISE, ids=[f"{m.name}-{c.name}" for m, c in POINTWISE]
)
def test_pointwise_claims_as_properties(m, claim):
    claim_test(m, claim, n=200)()


def test_rare_condition_claim():
    result = assert_claim(omnibalancing_threats, RARE, n=2000, seed=3, use_hypothesis=False)
    assert result.n_conditioned >= 10


def test_split_the_alignment_has_bite():
    # F and X identical but for F's tie to D: the leader appeases F and balances X somewhere
    # (where F can be bought); and where F cannot be bought, the leader turns to X instead
    p = omnibalancing_threats.space.sample(2000, 5)
    p["kappa_X"], p["z_X"] = p["kappa_F"], p["z_F"]
    out = omnibalancing_threats.evaluate(p)
    bought = _f_always_bought(p, out)
    f_only = (out["appeases_F"] == 1) & (out["appeases_X"] == 0)
    x_only = (out["appeases_X"] == 1) & (out["appeases_F"] == 0)
    assert np.any(f_only & bought)
    assert not np.any(x_only & bought)
    assert np.any(x_only & ~bought)  # the condition is needed


def test_a_price_too_high_makes_appeasement_bimodal():
    # F refuses the concession around the peak of G, where backing D is worth most to it:
    # the leader appeases on both sides of that band (the single-peaked claim's condition)
    theta = np.linspace(0, 3, 121)
    out = at(E=1.0, kappa_F=0.0, s_F=0.5, R=20.0, V_F=13.0, theta_D=theta)
    a = out["appeases"]
    refused = ~out["F_accepts"]
    assert np.any(refused) and np.all(a[refused] == 0)
    runs = np.flatnonzero(np.diff(a) != 0)
    assert runs.size == 4  # 0 -> 1 -> 0 (refusal) -> 1 -> 0


def test_single_peakedness_needs_fs_backing():
    # where F's backing pays only for some domestic threats, appeasement can return: the
    # claim is stated where F backs D (a counterexample found by the claims check)
    theta = np.linspace(0, 3, 121)
    out = at(
        E=2.0,
        sigma=0.1,
        kappa_F=0.96,
        s_F=0.5,
        R=3.0,
        w=0.2,
        z=4.0,
        V_F=1.5,
        c_F=1.2,
        theta_D=theta,
    )
    a = out["appeases"]
    fell = np.flatnonzero(np.diff(a) < 0)
    assert fell.size and np.any(np.diff(a)[fell[0] + 1 :] > 0)


# ---------------------------------------------------------------------- sweeps and figures
def test_sweep_numpy_and_dask_agree():
    pytest.importorskip("dask")
    from irgames.analysis.sweep import Range, sweep

    axes = {"theta_D": Range(n=7), "R": Range(n=5)}
    reference = sweep(omnibalancing_threats, chunk_size=9, **axes)
    on_dask = sweep(omnibalancing_threats, backend="dask", chunk_size=9, **axes)
    assert on_dask.n_chunks > 1
    for name in reference.outcome:
        np.testing.assert_array_equal(on_dask[name], reference[name])
    np.testing.assert_array_equal(on_dask.outcome.regime, reference.outcome.regime)


@pytest.mark.parametrize("m", [omnibalancing, omnibalancing_threats], ids=lambda m: m.name)
def test_figures_compute_deterministic_data(m, tmp_path):
    import matplotlib.pyplot as plt

    from irgames.analysis.model import figure_table, write_csv

    for figure in m.figures:
        first, second = figure.compute(), figure.compute()
        assert first.keys() == second.keys()
        for k in first:
            assert np.array_equal(np.asarray(first[k]), np.asarray(second[k]))
        write_csv(figure_table(first), tmp_path / "data.csv")
        assert (tmp_path / "data.csv").read_text().count("\n") > 2
        fig = figure.draw({k: np.asarray(v) for k, v in first.items()})
        fig.savefig(tmp_path / "figure.png", dpi=50)
        plt.close(fig)
        assert (tmp_path / "figure.png").stat().st_size > 0


@given(st.integers(0, 2**32 - 1), st.floats(0.01, 100.0))
def test_rescaling_all_payoffs_changes_no_choice(seed, scale):
    # R, z, V_F and c_F in one unit: multiplying them by lambda > 0 multiplies every player's
    # payoff by lambda, so the subgame-perfect choices are the same
    p = space.sample(50, seed)
    base = solve_two_threats(**p)
    scaled = solve_two_threats(**{**p, **{k: p[k] * scale for k in ("R", "z", "V_F", "c_F")}})
    margin = np.abs(base.value_by_action[..., 0] - base.value_by_action[..., 1])
    clear = margin > 1e-9 * np.maximum(p["R"], 1.0)
    np.testing.assert_array_equal(base.action[clear], scaled.action[clear])
    np.testing.assert_array_equal(base.spe.choice[clear], scaled.spe.choice[clear])
    np.testing.assert_allclose(scaled.payoffs, base.payoffs * scale, rtol=1e-9, atol=1e-12)


@given(st.integers(0, 2**32 - 1))
def test_relabelling_threats_permutes_the_choice(seed):
    # the same three threats listed in another order: the same sets are appeased
    rng = np.random.default_rng(seed)
    n = 30
    args = dict(
        E=rng.uniform(0, 2, n),
        sigma=rng.uniform(0.1, 1, n),
        R=rng.uniform(0, 20, n),
        w=rng.uniform(0, 2, n),
    )
    sev, z, sup, V, c = (
        rng.uniform(lo, hi, (n, 3)) for lo, hi in ((0, 1), (0.01, 5), (0, 1), (0, 20), (0.01, 2))
    )
    first = solve_threats(
        THREE_THREATS, severity=sev, cost=z, support=sup, stake=V, backing_cost=c, **args
    )
    order = [2, 0, 1]  # X, D, F
    permuted = threat_game(("X", "D", "F"), (False, True, False), None, (False, False, True))
    second = solve_threats(
        permuted,
        severity=sev[:, order],
        cost=z[:, order],
        support=sup[:, order],
        stake=V[:, order],
        backing_cost=c[:, order],
        **args,
    )
    np.testing.assert_allclose(second.payoffs[:, 0], first.payoffs[:, 0], rtol=0, atol=1e-12)
    values = np.sort(first.value_by_action, axis=-1)
    clear = values[:, -1] - values[:, -2] > 1e-9 * np.maximum(args["R"], 1.0)
    np.testing.assert_array_equal(second.appeases[clear], first.appeases[clear][:, order])
