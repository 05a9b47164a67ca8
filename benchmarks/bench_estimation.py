r"""Strategic estimation: the Leblang-sized fit and its bootstrap, against per-observation code.

Workload (seeded): the specification of Leblang (2003) as the R package games' article fits
it, egame12 with private information and probit (:math:`u_{11}` on 8 regressors without a
constant, :math:`u_{13}` and :math:`u_{14}` constants, :math:`u_{24}` a constant and 8
regressors: 19 coefficients), on simulated covariates (standard normal, three of them 0/1) and
outcomes drawn from the model, with 7,240 observations in the full run as in Leblang's data
(fewer in the quick and tiny runs).

Candidates:

* ``irgames estimate``: :func:`irgames.estimate`, one batched pass over all observations per
  likelihood evaluation, exact gradient, BFGS and Newton polish;
* ``per-observation Python likelihood``: what a user writes without a batched likelihood, a
  plain loop over observations with the closed forms of the egame12 private-information
  probabilities (``math.erf``), maximised by the same BFGS of scipy with finite-difference
  gradients;
* the bootstrap: ``irgames bootstrap`` (all replicates of a chunk in one batched likelihood
  per Fisher-scoring step) against ``estimate per replicate`` (one :func:`irgames.estimate`
  per resample, its counts as frequency weights). A bootstrap through the per-observation
  likelihood would cost one loop fit per replicate; the run reports that product as a fact
  (``loop bootstrap seconds, estimated``), not as a timed row.

Agreement, before any rate: the two likelihoods are equal at the truth (relative ``1e-10``);
the two fits reach the same maximum (log-likelihoods within ``1e-4``, coefficients within 2%
of a standard error); two bootstrap replicates equal the weighted refits of their resamples
(``1e-5``, the bootstrap stopping at steps of ``1e-6``).

Examples
--------
>>> from benchmarks.common import Config
>>> family = run(Config(mode="tiny", repeats=1))
>>> all(c.agreed for c in family.checks), len(family.rows) > 0
(True, True)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize

import irgames as ig
from irgames.estimation import egame12
from irgames.estimation.model import StrategicModel, _prepare

from .common import Agreement, Config, Family, rows_from_timings
from .timing import compare

FAMILY = "estimation"
OURS = "irgames estimate"
LOOP = "per-observation Python likelihood"
BOOT = "irgames bootstrap"
REFIT = "estimate per replicate"

U11 = ["capcont", "lreserves", "overval", "creditgrow", "USinterest", "service", "contagion"]
U11 = [*U11, "prioratt"]
U24 = ["unifgov", "lexports", "preelec", "postelec", "rightgov", "realinterest", "capcont"]
U24 = [*U24, "lreserves"]
BINARY = {"capcont", "unifgov", "preelec", "postelec", "rightgov"}
UTILITIES = {
    "u11": "0 + " + " + ".join(U11),
    "u13": "1",
    "u14": "1",
    "u24": "1 + " + " + ".join(U24),
}


def leblang_sized(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Simulated data of Leblang's shape and the coefficients it was drawn from."""
    rng = np.random.default_rng(seed)
    columns = sorted(set(U11) | set(U24))
    data = pd.DataFrame(
        {
            c: (rng.random(n) < 0.4).astype(float) if c in BINARY else rng.normal(size=n)
            for c in columns
        }
    )
    model = StrategicModel(egame12(), UTILITIES, errors="private")
    model.design(data, fit=True)
    index = model.index()
    truth = pd.Series(rng.normal(scale=0.4, size=len(index)), index=index)
    truth[("1", "3", "Intercept")] = -0.5
    truth[("1", "4", "Intercept")] = 0.5
    data["y"] = ig.simulate(
        egame12(), data, truth, seed=seed + 1, utilities=UTILITIES, errors="private"
    )
    return data, truth


def _phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def _clog(p: float) -> float:
    return math.log(min(max(p, 2.2e-16), 1.0 - 1.1e-16))


def loop_loglik(theta, rows, y) -> float:
    """The log-likelihood by a loop over observations (egame12, private information)."""
    b11 = theta[:8]
    b13, b14 = theta[8], theta[9]
    b24 = theta[10:]
    total = 0.0
    for x11, x24, outcome in zip(rows[0], rows[1], y, strict=True):
        u11 = sum(b * x for b, x in zip(b11, x11, strict=True))
        u24 = b24[0] + sum(b * x for b, x in zip(b24[1:], x24, strict=True))
        p4 = _phi(u24 / math.sqrt(2.0))
        p3 = 1.0 - p4
        p2 = _phi((p3 * b13 + p4 * b14 - u11) / math.sqrt(1.0 + p3 * p3 + p4 * p4))
        if outcome == "1":
            total += _clog(1.0 - p2)
        elif outcome == "3":
            total += _clog(p2) + _clog(p3)
        else:
            total += _clog(p2) + _clog(p4)
    return total


def _loop_inputs(data: pd.DataFrame):
    rows = (data[U11].to_numpy().tolist(), data[U24].to_numpy().tolist())
    return rows, data["y"].astype(str).tolist()


def loop_loglik_and_gradient(theta, rows, y, h: float = 1e-6):
    """The loop's log-likelihood and its forward-difference gradient (as scipy takes it)."""
    theta = np.asarray(theta, dtype=float)
    f0 = loop_loglik(theta, rows, y)
    grad = np.empty(theta.size)
    for j in range(theta.size):
        e = np.zeros(theta.size)
        e[j] = h
        grad[j] = (loop_loglik(theta + e, rows, y) - f0) / h
    return f0, grad


def loop_fit(data: pd.DataFrame, k: int) -> tuple[np.ndarray, float]:
    rows, y = _loop_inputs(data)
    n = len(y)
    opt = optimize.minimize(
        lambda t: -loop_loglik(t, rows, y) / n,
        np.zeros(k),
        method="BFGS",
        options={"gtol": 1e-7},
    )
    return opt.x, -opt.fun * n


def run(config: Config) -> Family:
    family = Family(FAMILY)
    n = config.pick(300, 1000, 7240)
    data, truth = leblang_sized(n, seed=config.seed)
    k = truth.size
    name = f"Leblang-sized, private probit, {k} coefficients"

    # -- agreement of the likelihoods at the truth
    model = StrategicModel(egame12(), UTILITIES, errors="private")
    _, yy, Xs, Zs, _, _ = _prepare(model, data, "y", None)
    ours_ll = float(model.evaluate(truth.to_numpy(), Xs, Zs, yy)[0].loglik.sum())
    rows, y = _loop_inputs(data)
    their_ll = loop_loglik(truth.to_numpy(), rows, y)
    family.check(
        Agreement(
            FAMILY,
            name,
            LOOP,
            n,
            1,
            abs(ours_ll - their_ll) <= 1e-10 * abs(their_ll),
            f"log-likelihood at the truth {ours_ll:.10f} and {their_ll:.10f}",
        )
    )

    # -- one log-likelihood with its gradient (what an optimiser asks for at every step)
    theta = truth.to_numpy()

    def ours_eval():
        return model.evaluate(theta, Xs, Zs, yy, grad=True)

    def loop_eval():
        return loop_loglik_and_gradient(theta, rows, y)

    ours_g = ours_eval()[1]
    _, loop_g = loop_eval()
    gap = float(np.max(np.abs(ours_g - loop_g) / np.maximum(1.0, np.abs(ours_g))))
    family.check(
        Agreement(
            FAMILY,
            name,
            LOOP,
            n,
            1,
            gap <= 1e-4,
            f"gradients (exact, and forward differences of the loop) within {gap:.1e}",
        )
    )
    timings = compare(
        {OURS: (ours_eval, n), LOOP: (loop_eval, n)},
        repeats=config.pick(1, 2, 3),
        min_sample=config.pick(0.0, 0.02, 0.02),
    )
    family.rows += rows_from_timings(
        FAMILY,
        f"likelihood and gradient, {name}",
        f"{n} observations",
        "observations/s",
        timings,
        {OURS: n, LOOP: n},
        reference=OURS,
    )

    # -- the fit (the loop's fit only in the full run: it takes minutes)
    fit = ig.estimate(egame12(), data, outcome="y", utilities=UTILITIES, errors="private")
    candidates = {
        OURS: (
            lambda: ig.estimate(
                egame12(), data, outcome="y", utilities=UTILITIES, errors="private"
            ),
            1,
        ),
    }
    loop_seconds = float("nan")
    if config.mode == "full":
        theta_loop, ll_loop = loop_fit(data, k)
        gap = np.abs(fit.params.to_numpy() - theta_loop) / fit.bse.to_numpy()
        ok = abs(fit.loglik - ll_loop) <= 1e-4 and bool(np.all(gap <= 0.02))
        family.check(
            Agreement(
                FAMILY,
                name,
                LOOP,
                n,
                1,
                ok,
                f"log-likelihoods {fit.loglik:.6f} and {ll_loop:.6f}; largest "
                f"coefficient gap {gap.max():.2e} standard errors",
            )
        )
        candidates[LOOP] = (lambda: loop_fit(data, k), 1)
    timings = compare(candidates, repeats=config.pick(1, 2, 1), min_sample=0.0)
    family.rows += rows_from_timings(
        FAMILY,
        f"fit, {name}",
        f"{n} observations",
        "fits/s",
        timings,
        dict.fromkeys(candidates, 1),
        reference=OURS,
    )
    if LOOP in timings:
        loop_seconds = 1.0 / timings[LOOP].median

    # -- the bootstrap
    B = config.pick(6, 20, 1000)
    refits = config.pick(2, 3, 20)
    boot = fit.bootstrap(B, seed=config.seed)
    for b in (0, B - 1):
        ref = ig.estimate(
            egame12(),
            data,
            outcome="y",
            utilities=UTILITIES,
            errors="private",
            weights=boot.counts[b],
            start=fit.params,
        )
        diff = float(np.max(np.abs(ref.params.to_numpy() - boot.params.iloc[b].to_numpy())))
        family.check(
            Agreement(
                FAMILY,
                f"bootstrap, {name}",
                REFIT,
                n,
                1,
                diff <= 1e-5,
                f"replicate {b}: largest coefficient difference {diff:.1e}",
            )
        )

    def refit_each():
        return [
            ig.estimate(
                egame12(),
                data,
                outcome="y",
                utilities=UTILITIES,
                errors="private",
                weights=boot.counts[b],
                start=fit.params,
            )
            for b in range(refits)
        ]

    timings = compare(
        {BOOT: (lambda: fit.bootstrap(B, seed=config.seed), B), REFIT: (refit_each, refits)},
        repeats=config.pick(1, 1, 2),
        min_sample=0.0,
    )
    family.rows += rows_from_timings(
        FAMILY,
        f"bootstrap, {name}",
        f"{B} replicates",
        "replicates/s",
        timings,
        {BOOT: B, REFIT: refits},
        reference=BOOT,
    )
    family.facts["estimation"] = {
        "observations": n,
        "coefficients": k,
        "bootstrap replicates": B,
        "bootstrap converged": int(boot.converged.sum()),
        "irgames bootstrap seconds": B / timings[BOOT].median,
        "loop fit seconds": loop_seconds,
        "loop bootstrap seconds, estimated": B * loop_seconds,
    }
    return family
