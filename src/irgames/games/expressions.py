r"""The symbolic entries of a game tree: payoffs and chance probabilities as sympy
expressions in named parameters, read, checked and evaluated on arrays.

A table of entries (one row per terminal node or chance node) may hold numbers, arrays with a
batch shape, strings such as ``"B_t * D - c_t"`` or sympy expressions. :func:`_split_entries`
tells a numeric table from a symbolic one (checking that every symbol is a declared
parameter); :func:`_evaluate` turns a symbolic table into numbers for parameter arrays,

.. math::

    \texttt{out}[b, r, c] = e_{rc}\big(\theta^{(b)}\big),

one vectorised :func:`sympy.lambdify` call per distinct expression (cached), broadcast over
the batch; given the previous numbers and the names of the parameters that changed, it
evaluates again only the entries that use one of them (the re-binding of
:meth:`irgames.games.extensive_form.ExtensiveFormGame.rebind`).

These are the private helpers of :mod:`irgames.games.extensive_form` and
:mod:`irgames.games.tree_builder`.

Examples
--------
>>> import numpy as np, sympy
>>> x = sympy.Symbol("x")
>>> exprs, values = _split_entries([["x", 1], [2, "2*x"]], (2, 2), "payoffs", (x,))
>>> values is None
True
>>> _evaluate(exprs, (x,), {"x": np.array([0.0, 1.0])}, (2,)).tolist()
[[[0.0, 1.0], [2.0, 0.0]], [[1.0, 1.0], [2.0, 2.0]]]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy

from .normal_form import GameValueError


def _is_symbolic(value) -> bool:
    return isinstance(value, sympy.Basic) and bool(value.free_symbols)


def _split_entries(data, shape, what, params):
    """Return (exprs, values): one of them None."""
    if data is None:
        if shape[0] == 0 or shape[1] == 0:
            return None, np.zeros(shape)
        return None, None
    if isinstance(data, np.ndarray) and data.dtype != object:
        return None, data
    array = np.empty(shape, dtype=object)
    try:
        rows = list(data)
        if len(rows) != shape[0]:
            raise GameValueError(f"{what} has {len(rows)} rows, expected {shape[0]}")
        for r, row in enumerate(rows):
            row = list(row)
            if len(row) > shape[1]:
                raise GameValueError(f"{what} row {r} has {len(row)} entries, expected {shape[1]}")
            for c in range(shape[1]):
                array[r, c] = row[c] if c < len(row) else 0
    except TypeError:
        raise GameValueError(f"{what} must be an array or a table of entries") from None
    symbolic = False
    allowed = set(params)
    for r in range(shape[0]):
        for c in range(shape[1]):
            e = array[r, c]
            if isinstance(e, str):
                e = _parse_expr(e, params, what)
                array[r, c] = e
            if isinstance(e, sympy.Basic):
                extra = e.free_symbols - allowed
                if extra:
                    names = sorted(str(x) for x in extra)
                    raise GameValueError(
                        f"{what} use undeclared parameter(s) {names}; declare them in parameters"
                    )
                symbolic = symbolic or bool(e.free_symbols)
    if symbolic:
        return array, None
    # no free symbols: evaluate to numbers (entries may be arrays of a batch)
    return None, _evaluate(array, (), {}, ())


def _constant_table(values, what) -> np.ndarray:
    """Numeric (possibly batched) table as an object table of array entries."""
    values = np.asarray(values, dtype=float)
    if values.ndim < 2:
        raise GameValueError(f"{what} must have at least two dimensions; got {values.shape}")
    table = np.empty(values.shape[-2:], dtype=object)
    for r in range(table.shape[0]):
        for c in range(table.shape[1]):
            entry = values[..., r, c]
            table[r, c] = float(entry) if entry.ndim == 0 else entry
    return table


def _parse_expr(text: str, params, what: str):
    local = {p.name: p for p in params}
    try:
        expr = sympy.sympify(text, locals=local)
    except (sympy.SympifyError, SyntaxError, TypeError) as error:
        raise GameValueError(f"cannot read {what} entry {text!r}: {error}") from None
    return expr


def _evaluate(
    exprs: np.ndarray,
    params,
    arrays: Mapping[str, np.ndarray],
    batch,
    cache=None,
    previous: np.ndarray | None = None,
    changed: set[str] | None = None,
) -> np.ndarray:
    """Evaluate an object array of entries on parameter arrays: shape (*batch, r, c).

    With ``previous`` (the numbers at earlier values) and ``changed`` (the names whose values
    differ), only the entries that use a changed parameter are evaluated again.
    """
    rows, cols = exprs.shape
    symbols = list(params)
    args = [arrays.get(p.name, np.nan) for p in symbols]
    shapes = [np.shape(e) for e in exprs.flat if isinstance(e, np.ndarray)]
    try:
        batch = np.broadcast_shapes(batch, *shapes)
    except ValueError:
        raise GameValueError(f"array entries {shapes} do not broadcast with {batch}") from None
    out = np.empty((*batch, rows, cols), dtype=float)
    if previous is not None:
        out[...] = previous  # one copy; the entries that use a changed parameter are redone
    cache = {} if cache is None else cache
    for r in range(rows):
        for c in range(cols):
            e = exprs[r, c]
            if previous is not None and not (
                isinstance(e, sympy.Basic) and {s.name for s in e.free_symbols} & changed
            ):
                continue
            if isinstance(e, sympy.Basic):
                if e.free_symbols:
                    key = e
                    if key not in cache:
                        cache[key] = sympy.lambdify(symbols, e, modules="numpy")
                    with np.errstate(all="ignore"):
                        value = cache[key](*args)
                else:
                    value = float(e)
            else:
                value = np.asarray(e, dtype=float)
            out[..., r, c] = value
    return out
