r"""The analysis commands behind ``irgames claims`` and ``irgames sweep``.

The command-line interface (:mod:`irgames.cli`) parses arguments and calls these functions;
every mistake of the user (an unknown model or parameter, a value outside its domain, a
malformed range, an unsupported output format) raises :class:`CommandError`, whose message is
one line that the CLI prints as is.

``run_claims(model_name=None, as_json=False)``
    Checks every claim of one model (or of every registered model) and prints the report: per
    claim the share of the points where it holds, the number of points checked and
    conditioned, the verdict, and a shrunk counterexample where it fails. Returns 0 (a claim
    that fails is a finding, not an error); with ``fail_on_false=True`` it returns 1 when some
    claim fails, for use as a check.

``run_figures(model_name=None, outdir="docs/figures")``
    Renders every figure of one model (or of all) into ``outdir/<model>/<figure>.png`` and
    ``.csv``, deterministically.

``run_sweep(model_name, ["B_t=0:1:101", "c_s=1", "B_s=0.2,0.5,0.8"], "out.csv")``
    Sweeps a model and writes the result: ``name=lo:hi:n`` is an axis of ``n`` points from
    ``lo`` to ``hi`` (log-spaced for log-scale parameters), ``name=v1,v2,...`` an axis of
    explicit values, ``name=v`` holds a parameter fixed. The output format follows the suffix:
    ``.csv`` (points inside the space, one row each) or ``.nc`` (netCDF, the labelled grid).

Examples
--------
>>> parse_assignment("B_t=0:1:11")
('B_t', Range(0.0, 1.0, 11))
>>> parse_assignment("c_s=2")
('c_s', 2.0)
>>> parse_assignment("B_s=0.2,0.5")
('B_s', [0.2, 0.5])
>>> parse_assignment("B_t=0:1")
Traceback (most recent call last):
...
irgames.analysis.commands.CommandError: malformed assignment 'B_t=0:1': ...
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

# This module is the command line's glue (it merges into irgames.cli): the one module of
# analysis that reaches above it, for the registry (irgames.models, through the top-level
# package's lazy lookup) and for rendering (irgames.plot, inside run_figures).
from .. import all_models, get_model
from ..errors import IrgamesError, UnknownModelError, WorkTooLargeError
from .claims import claims_report
from .parameters import ParameterError, Range
from .sweep import SweepError, sweep

__all__ = ["CommandError", "parse_assignment", "run_claims", "run_figures", "run_sweep"]

_FORMAT = "use name=lo:hi:n (an axis), name=v1,v2,... (explicit values) or name=v (fixed)"


class CommandError(IrgamesError, ValueError):
    """A command was given bad input; the message is one line for the user."""


def _number(text: str, assignment: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise CommandError(
            f"malformed assignment {assignment!r}: {text!r} is not a number; {_FORMAT}"
        ) from None


def parse_assignment(assignment: str) -> tuple[str, object]:
    """Parse ``name=lo:hi:n``, ``name=v1,v2,...`` or ``name=v``.

    Returns
    -------
    (name, spec)
        ``spec`` is a :class:`~irgames.analysis.parameters.Range`, a list of floats, or a
        float (fixed value).
    """
    name, sep, value = assignment.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise CommandError(f"malformed assignment {assignment!r}: {_FORMAT}")
    if not name.isidentifier():
        raise CommandError(f"malformed assignment {assignment!r}: {name!r} is not a name")
    if ":" in value:
        parts = value.split(":")
        if len(parts) != 3:
            raise CommandError(f"malformed assignment {assignment!r}: {_FORMAT}")
        lo, hi = _number(parts[0], assignment), _number(parts[1], assignment)
        try:
            n = int(parts[2])
        except ValueError:
            raise CommandError(
                f"malformed assignment {assignment!r}: the number of points {parts[2]!r} "
                "is not an integer"
            ) from None
        if n < 1:
            raise CommandError(f"malformed assignment {assignment!r}: need at least 1 point")
        try:
            return name, Range(lo, hi, n)
        except ParameterError as error:
            raise CommandError(f"assignment {assignment!r}: {error}") from None
    if "," in value:
        return name, [_number(v, assignment) for v in value.split(",") if v.strip()]
    return name, _number(value, assignment)


def _model(model_name: str):
    try:
        return get_model(model_name)
    except UnknownModelError as error:
        raise CommandError(str(error)) from None


def run_claims(
    model_name: str | None = None,
    as_json: bool = False,
    *,
    n: int = 1000,
    seed: int = 0,
    fail_on_false: bool = False,
    stream: TextIO | None = None,
) -> int:
    """Check the claims of one model (or all) and print the report (see the module docstring
    for the return value)."""
    stream = stream or sys.stdout
    models = [_model(model_name)] if model_name else list(all_models().values())
    report = claims_report(models, n=n, seed=seed)
    if as_json:
        stream.write(report.to_json() + "\n")
    else:
        if not len(report):
            stream.write("no claims to check\n")
        else:
            stream.write(report.to_text() + "\n")
    return 1 if (fail_on_false and not report.all_hold) else 0


def run_sweep(
    model_name: str,
    assignments: list[str],
    output_path,
    *,
    backend: str = "numpy",
    stream: TextIO | None = None,
) -> int:
    """Sweep a model over the axes given by ``assignments`` and write CSV or netCDF.

    CSV is streamed chunk by chunk (a grid larger than memory is fine); both formats are
    written atomically (an interrupt leaves no partial file and any previous file as it
    was). A grid whose in-memory results would exceed the memory limit (netCDF) is refused
    with its size.
    """
    stream = stream or sys.stdout
    model = _model(model_name)
    path = Path(output_path)
    if path.suffix.lower() not in (".csv", ".nc"):
        raise CommandError(
            f"cannot write {str(path)!r}: the output must end in .csv or .nc (netCDF)"
        )
    axes: dict[str, object] = {}
    fixed: dict[str, float] = {}
    for assignment in assignments:
        name, spec = parse_assignment(assignment)
        if name not in model.space:
            raise CommandError(
                f"model {model.name!r} has no parameter {name!r}; its parameters are "
                f"{', '.join(model.space.names)}"
            )
        if name in axes or name in fixed:
            raise CommandError(f"parameter {name!r} is given twice")
        if isinstance(spec, float):
            fixed[name] = spec
        else:
            axes[name] = spec
    if not axes:
        raise CommandError(f"give at least one axis to sweep (name=lo:hi:n); {_FORMAT}")
    try:
        written = sweep(model, backend=backend, fixed=fixed, out=path, **axes)
    except (ParameterError, SweepError, WorkTooLargeError) as error:
        raise CommandError(str(error)) from None
    grid = " x ".join(f"{d}[{written.coords[d].size}]" for d in written.dims)
    stream.write(
        f"swept {model.name} over {grid} = {written.n_valid} points in the space; wrote {path}\n"
    )
    return 0


def run_figures(
    model_name: str | None = None,
    outdir="docs/figures",
    *,
    stream: TextIO | None = None,
) -> int:
    """Render the figures of one model (or all) into ``outdir/<model>/``; returns 0."""
    from ..plot import render_figure

    stream = stream or sys.stdout
    models = [_model(model_name)] if model_name else list(all_models().values())
    count = 0
    for model in models:
        for figure in model.figures:
            png, csv = render_figure(figure, Path(outdir) / model.name)
            stream.write(f"{model.name}: wrote {png} and {csv}\n")
            count += 1
    if not count:
        stream.write("no figures to render\n")
    return 0
