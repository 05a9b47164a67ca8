r"""The nonparametric bootstrap of a strategic fit, all replicates in one batched likelihood.

Replicate :math:`b` resamples the :math:`n` observations with replacement, i.e. gives
observation :math:`i` the multinomial count :math:`c_{bi}` (with :math:`\sum_i c_{bi} = n`),
and maximises :math:`\ell_b(\theta) = \sum_i c_{bi}\, \ell_i(\theta)`. All replicates are refit
at once, each from the full-sample estimate, by Fisher scoring: the observations of every
replicate are stacked into one batch of :math:`B n` games and one pass up the tree gives, per
row, the score and the Jacobian :math:`J_{it} = \partial P_{it} / \partial\theta` of every
outcome probability, so that

.. math::

    g_b = \sum_i c_{bi}\, \nabla\ell_i(\theta_b), \qquad
    \mathcal I_b = \sum_i c_{bi} \sum_t \frac{J_{it} J_{it}^\top}{P_{it}}, \qquad
    \theta_b \leftarrow \theta_b + \mathcal I_b^{-1} g_b,

with the step halved for the replicates whose likelihood would fall. Replicates that still move
after a few steps (Fisher scoring converges only linearly) switch to Newton steps on the
observed information, central differences of the batched scores, computed once and reused
for the following steps. The bootstrap standard
error is the standard deviation of the converged replicates' estimates. Replicates are taken in
chunks sized to the memory limit (:func:`irgames._memory.require`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._memory import memory_limit, require
from ..errors import ParameterError
from ._likelihood import forward

__all__ = ["BootstrapResult", "bootstrap"]


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap replicates of a fit.

    Attributes
    ----------
    params : pandas.DataFrame
        One row per replicate, one column per coefficient.
    converged : numpy.ndarray of bool
        Per replicate: Fisher scoring reached a vanishing step.
    counts : numpy.ndarray of int, shape (replicates, nobs)
        How often each observation is drawn in each replicate.
    bse : pandas.Series
        Standard deviation (ddof 1) of the converged replicates' estimates.
    """

    params: pd.DataFrame
    converged: np.ndarray
    counts: np.ndarray

    @property
    def bse(self) -> pd.Series:
        ok = self.params[self.converged]
        return ok.std(axis=0, ddof=1).rename("bootstrap std err")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Percentile intervals from the converged replicates."""
        ok = self.params[self.converged]
        return pd.DataFrame({"lower": ok.quantile(alpha / 2), "upper": ok.quantile(1 - alpha / 2)})


def _rows(model, thetas, Xs, Zs, y, counts, *, grad: bool):
    """One pass over the stacked rows of ``len(thetas)`` replicates."""
    tree = model.tree
    B, n = counts.shape
    parts = [model.split(th, Xs, Zs) for th in thetas]
    F = len(model.utilities)
    u = np.zeros((B, n, tree.n_terminals, tree.n_players))
    for j, (ut, X) in enumerate(zip(model.utilities, Xs, strict=True)):
        beta = np.stack([p[j] for p in parts])  # (B, p_j)
        u[:, :, ut.terminal, ut.player] = beta @ X.T
    log_scale = None
    if model.scales:
        log_scale = np.stack(
            [np.stack([p[F + g] for p in parts]) @ Z.T for g, Z in enumerate(Zs)], axis=-1
        ).reshape(B * n, len(Zs))
    res = forward(
        tree,
        u.reshape(B * n, tree.n_terminals, tree.n_players),
        [(ut.terminal, ut.player) for ut in model.utilities],
        log_scale,
        [sc.players for sc in model.scales],
        np.tile(y, B),
        link=model.link,
        errors=model.errors,
        grad=grad,
    )
    ll = (counts * res.loglik.reshape(B, n)).sum(axis=1)
    if not grad:
        return ll, None, None
    blocks = [*Xs, *Zs]
    gl = res.grad.reshape(B, n, -1)
    dP = res.dreach.reshape(B, n, tree.n_terminals, -1)
    P = np.maximum(res.reach.reshape(B, n, tree.n_terminals), 1e-300)
    score = np.concatenate(
        [np.einsum("bn,bn,np->bp", counts, gl[:, :, j], X) for j, X in enumerate(blocks)],
        axis=1,
    )
    J = np.concatenate([dP[..., j, None] * X[None, :, None, :] for j, X in enumerate(blocks)], -1)
    J *= np.sqrt(counts[:, :, None, None] / P[..., None])
    info = np.einsum("bntp,bntq->bpq", J, J)
    return ll, score, info


def _observed_information(model, thetas, Xs, Zs, y, counts) -> np.ndarray:
    """Minus the Hessian of each replicate's log-likelihood: central differences of the
    batched scores (one pair of passes per coefficient), symmetrised."""
    b, k = thetas.shape
    H = np.empty((b, k, k))
    for j in range(k):  # loop over coefficients, each a batched pass over all replicates
        h = 1e-5 * np.maximum(1.0, np.abs(thetas[:, j]))
        up, down = thetas.copy(), thetas.copy()
        up[:, j] += h
        down[:, j] -= h
        s_up = _rows(model, up, Xs, Zs, y, counts, grad=True)[1]
        s_down = _rows(model, down, Xs, Zs, y, counts, grad=True)[1]
        H[:, :, j] = (s_up - s_down) / (2.0 * h[:, None])
    return -0.5 * (H + np.swapaxes(H, 1, 2))


def bootstrap(
    fit, n: int = 1000, seed=None, *, maxiter: int = 60, tol: float = 1e-6, newton_after: int = 15
):
    """Refit ``fit`` on ``n`` resamples of its observations, batched (see the module).

    Parameters
    ----------
    fit : EstimationResult
    n : int
        Number of replicates.
    seed : int or numpy.random.Generator, optional
    maxiter : int
        Fisher-scoring iterations at most.
    tol : float
        A replicate has converged when its step is below ``tol * max(1, |theta|)`` (ample for
        a standard deviation over replicates; lower it to match refits more closely).
    newton_after : int
        Replicates still moving after this many Fisher-scoring steps switch to steps on the
        observed information (central differences of the batched scores, refreshed every 5
        steps).

    Returns
    -------
    BootstrapResult
    """
    from .model import _outcome_codes

    if int(n) < 2:
        raise ParameterError(f"the bootstrap needs at least 2 replicates, got {n}")
    n = int(n)
    rng = np.random.default_rng(seed)
    model = fit.model
    frame = fit.data
    y = _outcome_codes(model, frame, fit.outcome)
    Xs, Zs = model.design(frame, fit=False)
    nobs = y.size
    base = np.ones(nobs) if fit.weights is None else np.asarray(fit.weights, float)
    k = fit.params.size
    T = model.tree.n_terminals
    K = len(model.utilities) + len(model.scales)
    per_replicate = 8.0 * nobs * (T * (k + 2 * K + 4) + 4 * K + 16)
    chunk = int(max(1, min(n, memory_limit() // (4 * per_replicate))))
    require(per_replicate * chunk, "a chunk of bootstrap replicates")
    theta0 = fit.params.to_numpy()
    out = np.empty((n, k))
    done = np.zeros(n, dtype=bool)
    all_counts = np.empty((n, nobs), dtype=np.uint32)
    for start in range(0, n, chunk):  # chunks of replicates, each one batched pass per step
        b = min(chunk, n - start)
        drawn = rng.multinomial(nobs, np.full(nobs, 1.0 / nobs), size=b)
        all_counts[start : start + b] = drawn
        counts = drawn * base
        thetas = np.tile(theta0, (b, 1))
        active = np.ones(b, dtype=bool)
        use_observed = np.zeros(b, dtype=bool)
        fixed_info = np.zeros((b, k, k))
        with np.errstate(over="ignore", under="ignore"):
            ll, score, info = _rows(model, thetas, Xs, Zs, y, counts, grad=True)
            for it in range(maxiter):
                idx = np.flatnonzero(active)
                if idx.size == 0:
                    break
                if it >= newton_after and (it - newton_after) % 5 == 0:
                    # the few slow replicates: the observed information, computed once and
                    # kept for the next steps (refreshed every 5)
                    observed = _observed_information(model, thetas[idx], Xs, Zs, y, counts[idx])
                    posdef = np.all(np.linalg.eigvalsh(observed) > 0, axis=1)
                    use_observed[idx[posdef]] = True
                    fixed_info[idx[posdef]] = observed[posdef]
                info[use_observed] = fixed_info[use_observed]
                try:
                    step = np.linalg.solve(info[idx], score[idx][..., None])[..., 0]
                except np.linalg.LinAlgError:
                    step = np.stack(
                        [np.linalg.lstsq(info[i], score[i], rcond=None)[0] for i in idx]
                    )
                small = np.all(np.abs(step) <= tol * np.maximum(1.0, np.abs(thetas[idx])), 1)
                active[idx[small]] = False
                done[start + idx[small]] = True
                idx, step = idx[~small], step[~small]
                if idx.size == 0:
                    break
                factor = np.ones(idx.size)
                for _halving in range(20):
                    cand = thetas[idx] + factor[:, None] * step
                    ll_c, _, _ = _rows(model, cand, Xs, Zs, y, counts[idx], grad=False)
                    worse = ~(ll_c >= ll[idx] - 1e-10 * np.abs(ll[idx]))
                    if not worse.any():
                        break
                    factor[worse] *= 0.5
                thetas[idx] = cand
                ll_n, score_n, info_n = _rows(model, thetas[idx], Xs, Zs, y, counts[idx], grad=True)
                ll[idx], score[idx], info[idx] = ll_n, score_n, info_n
        out[start : start + b] = thetas
    return BootstrapResult(
        params=pd.DataFrame(out, columns=fit.params.index), converged=done, counts=all_counts
    )
