"""``irgames bench``: the benchmarks of a checkout (``python -m benchmarks``)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import (
    EXIT_FAILURE,
    EXIT_NOT_FOUND,
    EXIT_OK,
    CLIError,
    Command,
    register,
)


# ---------------------------------------------------------------------------- bench
def _checkout_root() -> Path | None:
    """The repository root when irgames runs from a checkout (``pyproject.toml`` and
    ``benchmarks/`` next to ``src/``), else None."""
    root = Path(__file__).resolve().parents[3]
    if (root / "benchmarks").is_dir() and (root / "pyproject.toml").is_file():
        return root
    return None


def _configure_bench(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="small sizes, a quick look")


def _run_bench(args: argparse.Namespace) -> int:
    root = _checkout_root()
    if root is None:
        raise CLIError(
            "the benchmarks are not installed with the package: run 'irgames bench' from a git "
            "checkout of irgames installed with 'pip install -e .'",
            EXIT_NOT_FOUND,
        )
    if not (root / "benchmarks" / "__main__.py").is_file():
        raise CLIError(
            f"{root / 'benchmarks'} has no __main__.py, so 'python -m benchmarks' cannot run; "
            "update the checkout (git pull) or run a benchmarks/bench_*.py file directly",
            EXIT_NOT_FOUND,
        )
    env = dict(os.environ)
    paths = [str(root / "src"), str(root), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    command = [sys.executable, "-m", "benchmarks", *(["--quick"] if args.quick else [])]
    done = subprocess.run(command, cwd=root, env=env, check=False)
    if done.returncode != 0:
        raise CLIError(
            f"'python -m benchmarks' exited with code {done.returncode} (see its output above)",
            EXIT_FAILURE,
        )
    return EXIT_OK


register(
    Command(
        "bench",
        "run the benchmarks against peers (from a checkout: python -m benchmarks)",
        _configure_bench,
        _run_bench,
    )
)
