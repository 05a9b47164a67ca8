r"""``irgames models``, ``claims``, ``figures`` and ``sweep``: the registered models, their
claims and figures, and sweeps over their parameters.

The functions behind them can be called from Python (they were ``irgames.analysis.commands``):
the subcommands parse arguments and call these; every mistake of the user (an unknown model
or parameter, a value outside its domain, a malformed range, an unsupported output format)
raises :class:`CommandError`, whose message is one line that the CLI prints as is.

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
irgames.cli.models.CommandError: malformed assignment 'B_t=0:1': ...
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from .._atomic import terminate_as_interrupt
from ..analysis.claims import claims_report
from ..analysis.parameters import ParameterError, Range
from ..analysis.sweep import SweepError, sweep
from ..errors import IrgamesError, UnknownModelError, WorkTooLargeError
from . import (
    EXIT_CLAIM_FAILS,
    EXIT_FAILURE,
    EXIT_INVALID,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    CLIError,
    Command,
    _models,
    _one_line,
    _progress,
    _signals_held,
    register,
)


# ---------------------------------------------------------------------------- models
def _configure_models(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list")


def _run_models(args: argparse.Namespace) -> int:
    models = _models(None)
    rows = [
        {
            "name": m.name,
            "title": m.title,
            "parameters": list(m.space.names),
            "claims": [c.name for c in m.claims],
            "figures": [f.name for f in m.figures],
        }
        for m in models
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    if not rows:
        print("no models registered")
        return EXIT_OK
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        counts = (
            f"{len(r['parameters'])} parameters, {len(r['claims'])} claims, "
            f"{len(r['figures'])} figures"
        )
        print(f"{r['name']:<{width}}  {r['title']}  ({counts})")
    return EXIT_OK


register(
    Command(
        "models", "list the registered models with their titles", _configure_models, _run_models
    )
)


# ---------------------------------------------------------------------------- claims
def _add_claims_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-n",
        "--points",
        type=int,
        default=1000,
        metavar="N",
        help="random points per claim (default 1000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--min-given",
        type=int,
        default=100,
        metavar="K",
        help="draw more points, up to 20 times N, until K of them satisfy a claim's "
        "condition (default 100; 0 draws exactly N)",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="never show a progress bar on stderr"
    )


def _check_claims(models: list, *, n: int, seed: int, progress: bool, min_given: int = 100):
    """Check every claim of ``models``; returns a ClaimsReport and seconds per model."""
    from ..analysis.claims import ClaimsReport, check

    if n < 1:
        raise CLIError(f"the number of points must be at least 1, got {n}", EXIT_INVALID)
    if min_given < 0:
        raise CLIError(f"--min-given must be at least 0, got {min_given}", EXIT_INVALID)
    pairs = [(m, c) for m in models for c in m.claims]
    checks, seconds = [], {m.name: 0.0 for m in models}
    for model, claim in _progress(pairs, total=len(pairs), desc="claims", enabled=progress):
        start = time.perf_counter()
        checks.append(check(model, claim, n=n, seed=seed, min_conditioned=min_given))
        seconds[model.name] += time.perf_counter() - start
    return ClaimsReport(tuple(checks)), seconds


def _configure_claims(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", nargs="?", default=None, help="one model (default: all)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--check", action="store_true", help="exit with code 7 when some claim fails"
    )
    _add_claims_options(parser)


def _run_claims(args: argparse.Namespace) -> int:
    models = _models(args.model)
    report, _ = _check_claims(
        models,
        n=args.points,
        seed=args.seed,
        progress=not args.no_progress,
        min_given=args.min_given,
    )
    if args.json:
        print(report.to_json())
    else:
        print(report.to_text() if len(report) else "no claims to check")
    if args.check and not report.all_hold:
        failing = [f"{c.model}.{c.claim}" for c in report if not c.holds]
        raise CLIError(f"claims fail: {', '.join(failing)}", EXIT_CLAIM_FAILS)
    return EXIT_OK


register(
    Command(
        "claims",
        "check every claim of a model (or of all) and print the report",
        _configure_claims,
        _run_claims,
    )
)


# ---------------------------------------------------------------------------- figures
def _configure_figures(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, metavar="M", help="one model (default: all)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder for DIR/<model>/<figure>.png, .pdf and .csv (default: docs/figures of the "
        "checkout irgames runs from, else ./docs/figures)",
    )
    parser.add_argument(
        "--no-claims", action="store_true", help="render the figures only, skip the claims"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the files written and the claims as JSON"
    )
    _add_claims_options(parser)


def _default_figures_dir() -> Path:
    """``docs/figures`` of the checkout irgames is installed from (editable), else of ``.``."""
    root = Path(__file__).resolve().parents[3]
    if (root / "pyproject.toml").is_file() and (root / "docs").is_dir():
        return root / "docs" / "figures"
    return Path("docs") / "figures"


def _render_atomically(render, figure, folder: Path) -> tuple[Path, Path]:
    """``render(figure, folder)`` with both files put in place at once, or neither.

    The figure is rendered into a temporary folder beside its files (``folder/.<name>.*
    .partial``); when all are written they are renamed onto ``<name>.png`` (and ``.pdf``) and
    ``<name>.csv`` with SIGINT and SIGTERM held, so an interrupt lands before the renames
    (the temporary folder is removed and the previous files are left as they were) or after
    them, never between. On any error the temporary folder is removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    staging = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{figure.name}.", suffix=".partial", dir=folder))
        written = render(figure, staging)
        targets = tuple(folder / Path(path).name for path in written)
        with _signals_held():
            for path, target in zip(written, targets, strict=True):
                os.replace(path, target)
            shutil.rmtree(staging, ignore_errors=True)
        return targets
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise


def _run_figures(args: argparse.Namespace) -> int:
    from ..plot import render_figure_files

    models = _models(args.model)
    out: Path = args.out if args.out is not None else _default_figures_dir()
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {out} is a file; give a folder for the figures", EXIT_NOT_FOUND)
    progress = not args.no_progress
    figures = [(m, f) for m in models for f in m.figures]
    written, seconds = [], {m.name: 0.0 for m in models}
    say = (lambda text: print(text, file=sys.stderr)) if args.json else print
    for model, figure in _progress(figures, total=len(figures), desc="figures", enabled=progress):
        start = time.perf_counter()
        try:
            png, pdf, csv = _render_atomically(render_figure_files, figure, out / model.name)
        except OSError as error:
            raise CLIError(
                f"cannot write into {out / model.name}: {error.strerror} (choose another --out)",
                EXIT_NOT_FOUND,
            ) from None
        elapsed = time.perf_counter() - start
        seconds[model.name] += elapsed
        written.append(
            {
                "model": model.name,
                "figure": figure.name,
                "png": str(png),
                "pdf": str(pdf),
                "csv": str(csv),
                "seconds": round(elapsed, 3),
            }
        )
        say(f"{model.name}: wrote {png}, {pdf.name} and {csv.name} ({elapsed:.1f} s)")
    if not figures:
        say("no figures to render")
    report, claim_seconds = None, {}
    if not args.no_claims:
        report, claim_seconds = _check_claims(
            models, n=args.points, seed=args.seed, progress=progress, min_given=args.min_given
        )
    timing = {
        m.name: {
            "figures": round(seconds[m.name], 3),
            "claims": round(claim_seconds.get(m.name, 0.0), 3),
        }
        for m in models
    }
    if args.json:
        doc = {
            "out": str(out),
            "figures": written,
            "claims": None if report is None else [c.to_dict() for c in report],
            "seconds": timing,
        }
        print(json.dumps(doc, indent=2))
        return EXIT_OK
    if report is not None:
        print()
        print(report.to_text() if len(report) else "no claims to check")
    print()
    print("time per model (s):")
    width = max([5, *(len(name) for name in timing)])
    for name, t in timing.items():
        print(f"  {name:<{width}}  figures {t['figures']:6.1f}  claims {t['claims']:6.1f}")
    return EXIT_OK


register(
    Command(
        "figures",
        "regenerate every model's figures (PNG, PDF and CSV), then print the claims report",
        _configure_figures,
        _run_figures,
    )
)


# ---------------------------------------------------------------------------- sweep
def _configure_sweep(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a model (see 'irgames models')")
    parser.add_argument(
        "assignments",
        nargs="+",
        metavar="name=lo:hi:n",
        help="an axis of n points (name=lo:hi:n), explicit values (name=v1,v2,...) or a "
        "fixed value (name=v)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="FILE.csv (one row per point) or FILE.nc (netCDF grid), streamed chunk by chunk "
        "(any grid size) and written atomically; default: CSV on stdout",
    )
    parser.add_argument("--backend", choices=["numpy", "dask"], default="numpy")
    parser.add_argument(
        "--json", action="store_true", help="print a JSON summary of the sweep (needs --out)"
    )


def _run_sweep(args: argparse.Namespace) -> int:
    import io

    _models(args.model)  # an unknown model is reported before any parsing
    if args.json and args.out is None:
        raise CLIError(
            "--json prints a summary of the file written: give --out FILE.csv", EXIT_USAGE
        )
    target, tmp = args.out, None
    if target is None:
        tmp = tempfile.mkdtemp(prefix="irgames-sweep-")
        target = Path(tmp) / "sweep.csv"
    elif target.parent != Path("") and not target.parent.is_dir():
        raise CLIError(
            f"cannot write {target}: folder {target.parent} does not exist", EXIT_NOT_FOUND
        )
    summary = io.StringIO()
    try:
        try:
            with terminate_as_interrupt():  # SIGTERM, like SIGINT, leaves no partial file
                run_sweep(
                    args.model, args.assignments, target, backend=args.backend, stream=summary
                )
        except CommandError as error:
            raise CLIError(_one_line(error), EXIT_INVALID) from None
        except ImportError as error:  # an optional extra (dask, xarray) is missing
            raise CLIError(_one_line(error), EXIT_FAILURE) from None
        except OSError as error:
            raise CLIError(f"cannot write {target}: {error.strerror}", EXIT_NOT_FOUND) from None
        if tmp is not None:
            with open(target, encoding="utf-8", newline="") as written:
                shutil.copyfileobj(written, sys.stdout)
            sys.stdout.flush()
            print(summary.getvalue().strip().replace(f"; wrote {target}", ""), file=sys.stderr)
        elif args.json:
            print(
                json.dumps(
                    {
                        "model": args.model,
                        "file": str(target),
                        "summary": summary.getvalue().strip(),
                    },
                    indent=2,
                )
            )
        else:
            print(summary.getvalue().strip())
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return EXIT_OK


register(
    Command(
        "sweep",
        "solve a model over a grid of parameters and write CSV or netCDF",
        _configure_sweep,
        _run_sweep,
    )
)


# ------------------------------------------------------- the commands as Python functions
_FORMAT = "use name=lo:hi:n (an axis), name=v1,v2,... (explicit values) or name=v (fixed)"


def get_model(name: str):
    """The registered model called ``name`` (:func:`irgames.models.get_model`, looked up when
    called, so that ``irgames solve`` never imports the models)."""
    from .. import models as registry

    return registry.get_model(name)


def all_models() -> dict:
    """Every registered model by name (:func:`irgames.models.all_models`, looked up when
    called)."""
    from .. import models as registry

    return registry.all_models()


class CommandError(IrgamesError, ValueError):
    """A command was given bad input; the message is one line for the user."""


def _assignment_number(text: str, assignment: str) -> float:
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
        lo, hi = _assignment_number(parts[0], assignment), _assignment_number(parts[1], assignment)
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
        return name, [_assignment_number(v, assignment) for v in value.split(",") if v.strip()]
    return name, _assignment_number(value, assignment)


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
