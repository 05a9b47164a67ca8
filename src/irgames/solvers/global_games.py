r"""Cutoff equilibria of global games of regime change (Morris and Shin).

**The game.** A continuum of players of mass one each choose to *attack* (act: balance, run,
join) or not. A regime (the status quo; a hegemon) of strength :math:`\theta` falls iff the
mass attacking is at least its strength, :math:`A \ge \theta`. An attacker pays :math:`c` and
gains :math:`b > c` if the regime falls; not attacking pays 0. So attacking pays iff the
probability of regime change is at least :math:`c/b`. Player :math:`i` observes a private
signal :math:`x_i = \theta + \sigma \varepsilon_i`, :math:`\varepsilon_i \sim N(0, 1)` i.i.d.
(private precision :math:`\beta = \sigma^{-2}`), and the common prior is either improper
uniform on :math:`\mathbb{R}` or :math:`N(y, 1/\alpha)`; a public signal :math:`y` of precision
:math:`\alpha` under the uniform prior is the same thing, so ``prior_mean`` and
``prior_precision`` also describe a public signal.

**Monotone equilibria.** In a cutoff strategy a player attacks iff :math:`x_i < x^*`. Then
:math:`A(\theta) = \Phi((x^* - \theta)/\sigma)` falls in :math:`\theta`, and the regime falls
iff :math:`\theta \le \theta^*` with :math:`\theta^* = \Phi(\sqrt\beta\,(x^* - \theta^*))`.
The posterior of :math:`\theta` given :math:`x` is normal with mean
:math:`(\alpha y + \beta x)/(\alpha + \beta)` and precision :math:`\alpha + \beta`, and the
marginal type :math:`x^*` is indifferent, :math:`P(\theta \le \theta^* \mid x^*) = c/b`.
Writing :math:`z = \Phi^{-1}(\theta^*)`, so that :math:`x^* = \theta^* + z/\sqrt\beta`, the two
conditions reduce to one equation in :math:`z`:

.. math::

    H(z) = \alpha\,(\Phi(z) - y) - \sqrt\beta\, z - \sqrt{\alpha + \beta}\;\Phi^{-1}(c/b) = 0 .

Each root is a fixed point of the best-response map on cutoffs (:func:`best_response_cutoff`)
and so a monotone equilibrium.

**All of them.** :math:`H'(z) = \alpha\varphi(z) - \sqrt\beta`. If
:math:`\alpha^2/\beta \le 2\pi` (i.e. :math:`\sigma \le \sqrt{2\pi}/\alpha`), :math:`H` is
decreasing and the equilibrium is unique: this is the uniqueness condition of Morris and Shin
(2003, section 3.1; Hellwig 2002). Otherwise :math:`H` increases exactly on
:math:`(-z_0, z_0)` with :math:`\varphi(z_0) = \sqrt\beta/\alpha` and decreases outside, so it
has at most three roots, one per monotone piece, and each is bracketed exactly: all roots lie
in :math:`[h_-/\sqrt\beta, h_+/\sqrt\beta]` with
:math:`h_\pm = \alpha(\tfrac12 \pm \tfrac12 - y) - \sqrt{\alpha+\beta}\,\Phi^{-1}(c/b)`. The
solver checks the three pieces for sign changes and polishes each bracket with Chandrupatla's
method, vectorised over the batch: the list is complete, not a scan.

**Closed forms.** Under the improper uniform prior (:math:`\alpha = 0`) the equilibrium is
unique for every :math:`\sigma` and :math:`\theta^* = 1 - c/b` (Morris and Shin 1998, 2003).
As the noise vanishes (:math:`\sigma \to 0`, :math:`\alpha` fixed) the threshold tends to the
same :math:`1 - c/b` (:func:`noiseless_limit`): the risk-dominance selection.

References
----------
Morris, S. and Shin, H. S. (1998). Unique equilibrium in a model of self-fulfilling currency
attacks. *American Economic Review* 88(3), 587-597.
Morris, S. and Shin, H. S. (2003). Global games: theory and applications. In *Advances in
Economics and Econometrics*, 8th World Congress, Cambridge University Press.
Hellwig, C. (2002). Public information, private information, and the multiplicity of
equilibria in coordination games. *Journal of Economic Theory* 107(2), 191-222.

Examples
--------
>>> from irgames.solvers.global_games import regime_change_cutoffs
>>> eq = regime_change_cutoffs(benefit=1.0, cost=0.25, noise=0.1)
>>> round(float(eq.threshold[0]), 12), bool(eq.unique[()])
(0.75, True)
>>> many = regime_change_cutoffs(1.0, 0.5, noise=1.0, prior_mean=0.5, prior_precision=5.0)
>>> int(many.count), bool(many.unique)
(3, False)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import elementwise
from scipy.special import ndtr, ndtri

from ..errors import GameValueError, SolverError
from ..games.normal_form import _as_finite_array
from .result import Result

__all__ = [
    "CutoffEquilibria",
    "best_response_cutoff",
    "noiseless_limit",
    "regime_change_cutoffs",
    "regime_threshold",
    "uniqueness_condition",
]


@dataclass(frozen=True, eq=False)
class CutoffEquilibria(Result):
    r"""Monotone (cutoff) equilibria of a batch of regime-change games, one row each.

    Attributes
    ----------
    batch_shape : tuple of int
    game_index : ndarray of int, shape (r,)
        Flat index of each row's game.
    threshold : ndarray, shape (r,)
        :math:`\theta^*`: the regime falls iff its strength is at most this.
    cutoff : ndarray, shape (r,)
        :math:`x^*`: a player attacks iff her signal is below this.
    residual : ndarray, shape (r,)
        :math:`b\,P(\theta \le \theta^* \mid x^*) - c`, the marginal type's expected gain from
        attacking, from the posterior in closed form (tests recompute it by quadrature).
    count : ndarray of int, shape batch_shape
        Equilibria per game (1 or 3, or 2 at a tangency).
    unique : ndarray of bool, shape batch_shape
        The uniqueness condition :math:`\alpha^2 \sigma^2 \le 2\pi`.
    benefit, cost, noise, prior_mean, prior_precision : ndarray, shape batch_shape
        The parameters, broadcast.
    """

    batch_shape: tuple[int, ...]
    game_index: np.ndarray
    threshold: np.ndarray
    cutoff: np.ndarray
    residual: np.ndarray
    count: np.ndarray
    unique: np.ndarray
    benefit: np.ndarray
    cost: np.ndarray
    noise: np.ndarray
    prior_mean: np.ndarray
    prior_precision: np.ndarray
    method: str = "regime change: monotone pieces of H(z) + Chandrupatla"

    layout = "per_equilibrium"

    def __len__(self) -> int:
        return int(self.game_index.size)

    def attacking_share(self, theta) -> np.ndarray:
        r"""Mass attacking :math:`A(\theta) = \Phi((x^* - \theta)/\sigma)` for each row;
        ``theta`` broadcasts against ``(r,)``."""
        sigma = self.noise.reshape(-1)[self.game_index]
        return ndtr((self.cutoff - np.asarray(theta, dtype=float)) / sigma)

    def extreme(self, which: str = "min") -> np.ndarray:
        """Per game, the smallest (``"min"``) or largest (``"max"``) threshold."""
        size = int(np.prod(self.batch_shape, dtype=np.int64))
        if which == "min":
            out = np.full(size, np.inf)
            np.minimum.at(out, self.game_index, self.threshold)
        elif which == "max":
            out = np.full(size, -np.inf)
            np.maximum.at(out, self.game_index, self.threshold)
        else:
            raise SolverError(f"which must be 'min' or 'max', got {which!r}")
        return out.reshape(self.batch_shape)


def noiseless_limit(benefit, cost) -> np.ndarray:
    r"""Threshold as private noise vanishes: :math:`\theta^* \to 1 - c/b`.

    >>> float(noiseless_limit(1.0, 0.4))
    0.6
    """
    b, c = _payoffs(benefit, cost)
    return 1.0 - c / b


def uniqueness_condition(noise, prior_precision) -> np.ndarray:
    r"""Whether the monotone equilibrium is unique: :math:`\alpha^2\sigma^2 \le 2\pi`.

    Equivalently :math:`\beta \ge \alpha^2/(2\pi)` with private precision
    :math:`\beta = \sigma^{-2}` (Morris and Shin 2003, section 3.1).

    >>> uniqueness_condition(1.0, [2.0, 3.0]).tolist()
    [True, False]
    """
    sigma = _positive(noise, "noise")
    alpha = _nonnegative(prior_precision, "prior_precision")
    return alpha**2 * sigma**2 <= 2 * np.pi


def regime_threshold(cutoff, noise) -> np.ndarray:
    r"""The strength :math:`\theta^*` at which the regime just falls when all use ``cutoff``:
    the unique solution of :math:`\theta = \Phi((x^* - \theta)/\sigma)`."""
    x = _as_finite_array(cutoff, "cutoff")
    sigma = _positive(noise, "noise")
    x, sigma = np.broadcast_arrays(x, sigma)
    # g(theta) = theta - Phi((x - theta)/sigma) increases in theta, with g(0) < 0 < g(1):
    # bisection halves the bracket 64 times (below the spacing of doubles in [0, 1]).
    lo, hi = np.zeros(x.shape), np.ones(x.shape)
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        up = mid - ndtr((x - mid) / sigma) >= 0
        lo, hi = np.where(up, lo, mid), np.where(up, mid, hi)
    return 0.5 * (lo + hi)


def best_response_cutoff(
    cutoff, benefit, cost, noise, *, prior_mean=0.0, prior_precision=0.0
) -> np.ndarray:
    r"""The best-response cutoff to others who attack iff their signal is below ``cutoff``.

    With :math:`\hat\theta` = :func:`regime_threshold` of the others' cutoff, a player attacks
    iff :math:`P(\theta \le \hat\theta \mid x) \ge c/b`; the posterior is normal with mean
    :math:`(\alpha y + \beta x)/(\alpha+\beta)` and precision :math:`\alpha + \beta`, so the
    best response is the signal :math:`x'` at which the posterior mean equals
    :math:`\hat\theta - \Phi^{-1}(c/b)/\sqrt{\alpha+\beta}`. Equilibria are fixed points.
    """
    b, c = _payoffs(benefit, cost)
    sigma = _positive(noise, "noise")
    alpha = _nonnegative(prior_precision, "prior_precision")
    y = _as_finite_array(prior_mean, "prior_mean")
    beta = sigma**-2
    theta_hat = regime_threshold(cutoff, sigma)
    mean = theta_hat - ndtri(c / b) / np.sqrt(alpha + beta)
    return ((alpha + beta) * mean - alpha * y) / beta


def regime_change_cutoffs(
    benefit, cost, noise, *, prior_mean=0.0, prior_precision=0.0
) -> CutoffEquilibria:
    r"""All monotone equilibria of a batch of regime-change global games.

    Parameters
    ----------
    benefit : array_like
        :math:`b`, the attacker's gain if the regime falls.
    cost : array_like
        :math:`c`, with :math:`0 < c < b`.
    noise : array_like
        :math:`\sigma > 0`, the standard deviation of private signals.
    prior_mean : array_like, optional
        :math:`y`, the prior mean (or public signal); ignored when ``prior_precision`` is 0.
    prior_precision : array_like, optional
        :math:`\alpha \ge 0`; 0 (the default) is the improper uniform prior.

    All parameters broadcast into the batch shape.

    Returns
    -------
    CutoffEquilibria
        Every monotone equilibrium (threshold, cutoff) of every game.

    Raises
    ------
    GameValueError
        If a cost is not in :math:`(0, b)`, a noise is not positive, or a precision is negative.
    """
    b, c = _payoffs(benefit, cost)
    sigma = _positive(noise, "noise")
    alpha = _nonnegative(prior_precision, "prior_precision")
    y = _as_finite_array(prior_mean, "prior_mean")
    b, c, sigma, alpha, y = np.broadcast_arrays(b, c, sigma, alpha, y)
    shape = b.shape
    fb, fc, fs, fa, fy = (np.ascontiguousarray(v).reshape(-1) for v in (b, c, sigma, alpha, y))
    size = fb.size
    sb = 1.0 / fs  # sqrt(beta)
    q = np.sqrt(fa + sb**2) * ndtri(fc / fb)

    def H(z, a, yy, s, qq):
        return a * (ndtr(z) - yy) - s * z - qq

    lo = (fa * (0.0 - fy) - q) / sb - 1.0
    hi = (fa * (1.0 - fy) - q) / sb + 1.0
    # H increases on (-z0, z0) where alpha * phi(z) > sqrt(beta), and decreases elsewhere.
    ratio = fa / (np.sqrt(2 * np.pi) * sb)
    with np.errstate(divide="ignore"):
        z0 = np.sqrt(2 * np.log(np.maximum(ratio, 1.0)))
    e = np.stack([lo, np.clip(-z0, lo, hi), np.clip(z0, lo, hi), hi])  # (4, size)
    args = (fa, fy, sb, q)
    h = H(e, *args)
    tiny = 64 * np.finfo(float).eps * (np.abs(fa) + sb * np.abs(e) + np.abs(q) + 1.0)
    zero = np.abs(h) <= tiny
    games, zs = [], []
    # Roots at the inner breakpoints (tangencies), counted once.
    for j in (1, 2):
        hit = zero[j] & (e[j] > e[j - 1])
        games.append(np.flatnonzero(hit))
        zs.append(e[j][hit])
    for j in range(3):
        left, right = e[j], e[j + 1]
        ok = (right > left) & (np.sign(h[j]) * np.sign(h[j + 1]) < 0) & ~zero[j] & ~zero[j + 1]
        idx = np.flatnonzero(ok)
        if idx.size:
            res = elementwise.find_root(
                H,
                (left[idx], right[idx]),
                args=tuple(a[idx] for a in args),
                tolerances={"xatol": 1e-15, "xrtol": 4 * np.finfo(float).eps, "fatol": 0.0},
            )
            games.append(idx)
            zs.append(res.x)
    game_index = np.concatenate(games).astype(np.int64)
    z = np.concatenate(zs)
    order = np.lexsort((z, game_index))
    game_index, z = game_index[order], z[order]
    theta = ndtr(z)
    cutoff = theta + z * fs[game_index]
    post_mean = (fa[game_index] * fy[game_index] + sb[game_index] ** 2 * cutoff) / (
        fa[game_index] + sb[game_index] ** 2
    )
    post_sd = 1.0 / np.sqrt(fa[game_index] + sb[game_index] ** 2)
    residual = fb[game_index] * ndtr((theta - post_mean) / post_sd) - fc[game_index]
    count = np.bincount(game_index, minlength=size).reshape(shape)
    return CutoffEquilibria(
        batch_shape=shape,
        game_index=game_index,
        threshold=theta,
        cutoff=cutoff,
        residual=residual,
        count=count,
        unique=(alpha**2 * sigma**2 <= 2 * np.pi),
        benefit=b,
        cost=c,
        noise=sigma,
        prior_mean=y,
        prior_precision=alpha,
    )


# ---------------------------------------------------------------------- validation
def _payoffs(benefit, cost) -> tuple[np.ndarray, np.ndarray]:
    b = _positive(benefit, "benefit")
    c = _positive(cost, "cost")
    if np.any(c >= b):
        raise GameValueError(
            "the cost of attacking must be below its benefit (0 < c < b); otherwise no one "
            f"ever attacks: got benefit={benefit!r}, cost={cost!r}"
        )
    return b, c


def _positive(value, name: str) -> np.ndarray:
    array = _as_finite_array(value, name)
    if np.any(array <= 0):
        raise GameValueError(f"{name} must be positive, got {value!r}")
    return array


def _nonnegative(value, name: str) -> np.ndarray:
    array = _as_finite_array(value, name)
    if np.any(array < 0):
        raise GameValueError(f"{name} must be non-negative, got {value!r}")
    return array
