r"""The one command: every benchmark family, one table, JSON and a plot.

``python -m benchmarks [--quick] [--json PATH] [--plot PATH] [--only NAME ...]``

The run first measures the machine's memory copy bandwidth (for the bandwidth floors), then
runs each family (agreement checks first, then alternating timings), prints one table and
writes the JSON and the plot when asked. It exits with status 1 if any agreement check fails
(a :class:`~benchmarks.common.Disagreement`) and lets any other error propagate; it never fails
on timing.

Table columns: the median rate with its min-max over the repeats, the implementation's batch
(games per call for irgames; games looped over for a peer), ``x irgames``: how many times the
reference irgames row is faster than the row (the reference row reads 1.0; scaling rows, which
time irgames alone at other sizes, have none), and the bandwidth floor where it applies (the
rate at which merely reading the input and writing the result at the measured copy bandwidth
would take all the time).

Examples
--------
>>> report = run_all(Config(mode="tiny", repeats=1), only=["sweep"])
>>> report["checks"] and all(c["agreed"] for c in report["checks"])
True
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import sys
import time
from importlib import metadata

import numpy as np

from .common import Config, Disagreement, Family
from .timing import copy_bandwidth

FAMILIES = {
    "two_by_two": "benchmarks.bench_two_by_two",
    "all_equilibria": "benchmarks.bench_all_equilibria",
    "vertex_enumeration": "benchmarks.bench_vertex_enumeration",
    "lemke_howson": "benchmarks.bench_lemke_howson",
    "backward_induction": "benchmarks.bench_backward_induction",
    "sweep": "benchmarks.bench_sweep",
    "repeated": "benchmarks.bench_repeated",
    "nfg_reader": "benchmarks.bench_nfg_reader",
    "estimation": "benchmarks.bench_estimation",
}


def machine() -> dict:
    """The machine and the versions behind a run."""
    versions = {}
    for package in ("irgames", "numpy", "scipy", "nashpy", "pygambit", "quantecon", "numba"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "versions": versions,
    }


def run_all(config: Config, only=None, *, log=None) -> dict:
    """Run the families (all, or those named in ``only``); return the report as a dict.

    Raises :class:`~benchmarks.common.Disagreement` on the first failed agreement check.
    """
    import importlib

    log = log or (lambda message: None)
    names = list(FAMILIES) if not only else list(only)
    unknown = [n for n in names if n not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown families {unknown}; choose from {list(FAMILIES)}")
    bw = copy_bandwidth(config.pick(1 << 24, 1 << 27, 1 << 28), repeats=config.pick(2, 5, 7))
    config = Config(config.mode, config.repeats, config.seed, bw.median, config.exclude)
    log(f"copy bandwidth {bw.median / 1e9:.1f} GB/s ({bw.low / 1e9:.1f}-{bw.high / 1e9:.1f})")
    report = {
        "machine": machine(),
        "config": {
            "mode": config.mode,
            "repeats": config.repeats,
            "seed": config.seed,
            "exclude": list(config.exclude),
        },
        "bandwidth": {"median": bw.median, "low": bw.low, "high": bw.high},
        "rows": [],
        "checks": [],
        "facts": {},
        "seconds": {},
    }
    for name in names:
        start = time.perf_counter()
        family: Family = importlib.import_module(FAMILIES[name]).run(config)
        report["seconds"][name] = time.perf_counter() - start
        report["rows"] += [r.as_dict() for r in family.rows]
        report["checks"] += [c.as_dict() for c in family.checks]
        report["facts"].update(family.facts)
        log(
            f"{family.name}: {len(family.rows)} rows, {len(family.checks)} checks passed, "
            f"{report['seconds'][name]:.0f} s"
        )
    return report


def _rate(x: float) -> str:
    if not math.isfinite(x):
        return "-"
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:.3g}"


def format_table(rows: list[dict], *, markdown: bool = False) -> str:
    """The rows as a text (or markdown) table."""
    header = [
        "workload",
        "size",
        "batch",
        "implementation",
        "median rate (min-max)",
        "unit",
        "x irgames",
        "bandwidth floor",
        "note",
    ]
    lines = []
    for r in rows:
        ratio = r["ratio"]
        lines.append(
            [
                r["workload"],
                r["size"],
                f"{r['batch']:,}",
                r["implementation"],
                f"{_rate(r['median'])} ({_rate(r['low'])}-{_rate(r['high'])})",
                r["unit"],
                "-" if not math.isfinite(ratio) else f"{ratio:,.3g}",
                _rate(r["floor"]),
                r["note"],
            ]
        )
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(str(c) for c in line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=True)]
    widths[-1] = 0
    fmt = lambda line: "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True))  # noqa: E731
    return "\n".join(
        [fmt(header), fmt(["-" * w for w in widths[:-1]] + [""])] + [fmt(x) for x in lines]
    )


def plot(rows: list[dict], path: str) -> None:
    """Rate against batch size, one panel per family, one line per (workload, implementation)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    families = list(dict.fromkeys(r["family"] for r in rows))
    fig, axes = plt.subplots(
        math.ceil(len(families) / 2),
        2,
        figsize=(12, 3.6 * math.ceil(len(families) / 2)),
        squeeze=False,
    )
    for ax, family in zip(axes.flat, families, strict=False):
        lines: dict[tuple, list] = {}
        for r in rows:
            if r["family"] == family:
                lines.setdefault((r["workload"], r["implementation"]), []).append(r)
        for (workload, impl), rs in lines.items():
            rs = sorted(rs, key=lambda r: r["batch"])
            x = [r["batch"] for r in rs]
            y = [r["median"] for r in rs]
            err = [[r["median"] - r["low"] for r in rs], [r["high"] - r["median"] for r in rs]]
            scaling = len(set(x)) == len(x) > 1  # a line only where the batch size varies
            ax.errorbar(
                x,
                y,
                yerr=err,
                marker="o" if scaling else "s",
                ms=3,
                capsize=2,
                label=f"{impl} [{workload}]",
                ls="-" if scaling else "none",
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(family)
        ax.set_xlabel("games (points) per call")
        ax.set_ylabel(rows[[r["family"] for r in rows].index(family)]["unit"])
        ax.legend(fontsize=5, ncol=1 if len(lines) < 8 else 2)
        ax.grid(True, which="major", alpha=0.3)
    for ax in list(axes.flat)[len(families) :]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="CI smoke run (under 2 minutes)")
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", metavar="PATH", help="write the report as JSON")
    parser.add_argument("--plot", metavar="PATH", help="plot rate against batch size")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    parser.add_argument("--only", nargs="+", choices=list(FAMILIES), help="run these families")
    parser.add_argument("--repeats", type=int, help="samples per candidate (default 5; 3 quick)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--exclude",
        nargs="+",
        default=(),
        metavar="PEER",
        help="peer packages to leave out (nashpy, pygambit, quantecon)",
    )
    args = parser.parse_args(argv)
    mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    repeats = args.repeats or {"tiny": 1, "quick": 3, "full": 5}[mode]
    config = Config(mode=mode, repeats=repeats, seed=args.seed, exclude=tuple(args.exclude))
    start = time.perf_counter()
    try:
        report = run_all(config, args.only, log=lambda m: print(m, file=sys.stderr, flush=True))
    except Disagreement as error:
        print(f"DISAGREEMENT: {error}", file=sys.stderr)
        return 1
    report["seconds"]["total"] = time.perf_counter() - start
    m = report["machine"]
    print(
        f"# irgames benchmarks ({mode}), {m['date']}, {m['cpus']} CPUs, {m['processor']}, "
        f"Python {m['python']}, numpy {m['versions']['numpy']}; load average at start "
        f"{m['load_average']}"
    )
    bw = report["bandwidth"]
    print(
        f"# memory copy bandwidth {bw['median'] / 1e9:.1f} GB/s "
        f"({bw['low'] / 1e9:.1f}-{bw['high'] / 1e9:.1f}), read + write"
    )
    print(format_table(report["rows"], markdown=args.markdown))
    print()
    print(f"# agreement checks: {len(report['checks'])}, all passed")
    for c in report["checks"]:
        print(f"  {c['family']} / {c['workload']} / {c['peer']}: {c['games']} games; {c['detail']}")
    print("# facts")
    for k, v in report["facts"].items():
        print(f"  {k}: {v:.4g}" if isinstance(v, float) else f"  {k}: {v}")
    print(f"# total {report['seconds']['total']:.0f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                report,
                f,
                indent=1,
                default=lambda o: o.item() if isinstance(o, np.generic) else str(o),
            )
    if args.plot:
        plot(report["rows"], args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
