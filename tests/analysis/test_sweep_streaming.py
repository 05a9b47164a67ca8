"""Sweeps whose results do not fit in memory stream to disk, chunk by chunk, with peak memory
bounded by the budget; outputs are atomic (issue 16, points 3 and 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from analysis_toys import COERCION, EROSION, ORDERED_SPACE, coercion_solve
from hypothesis import given, settings
from hypothesis import strategies as st

from irgames.analysis.model import Model, Outcome
from irgames.analysis.parameters import Range
from irgames.analysis.sweep import SweepError, SweepFile, sweep

HERE = Path(__file__).resolve().parent
ORDERED = Model("ordered", "ordered", ORDERED_SPACE, coercion_solve)
CASES = {
    # constraints (invalid points: NaN, regime -1, bool outcomes as float), a vector outcome
    "ordered": (ORDERED, {"c_s": Range(n=9), "c_t": Range(n=7), "B_t": Range(n=5)}),
    "erosion": (EROSION, {"B_t": Range(n=6), "r": Range(n=5)}),
    "coercion": (COERCION, {"B_s": [0.1, 0.5, 0.9], "B_t": "0:1:11", "c_s": 2}),
}


def _read_netcdf(path):
    xr = pytest.importorskip("xarray")
    return xr.load_dataset(path)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("chunk", [None, 1, 7, 40])
def test_a_streamed_file_equals_the_in_memory_result(tmp_path, case, chunk):
    model, axes = CASES[case]
    whole = sweep(model, **axes)
    whole.to_csv(tmp_path / "whole.csv")
    written = sweep(model, out=tmp_path / "s.csv", chunk_size=chunk, **axes)
    assert isinstance(written, SweepFile) and written.info["streamed"]
    assert written.path == tmp_path / "s.csv" and written.format == "csv"
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert written.n_valid == int(whole.valid.sum()) and written.shape == whole.shape
    assert written.columns == tuple(whole.columns())
    assert written.n_chunks == -(-whole.valid.size // written.chunk_size)
    nc = sweep(model, out=tmp_path / "s.nc", chunk_size=chunk, **axes)
    assert nc.format == "netcdf" and nc.n_valid == written.n_valid
    back, reference = _read_netcdf(nc.path), whole.to_xarray()
    assert back.attrs == reference.attrs
    assert set(back.data_vars) == set(reference.data_vars)
    for name, variable in reference.variables.items():
        assert back[name].dims == variable.dims
        np.testing.assert_array_equal(back[name].values, variable.values)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.nc", "whole.csv"]


def test_a_streamed_dask_sweep_writes_the_same_file(tmp_path):
    dask = pytest.importorskip("dask")
    model, axes = CASES["ordered"]
    sweep(model, out=tmp_path / "numpy.csv", chunk_size=11, **axes)
    with dask.config.set(scheduler="synchronous"):
        on_dask = sweep(model, backend="dask", out=tmp_path / "dask.csv", chunk_size=11, **axes)
        sweep(model, backend="dask", out=tmp_path / "dask.nc", chunk_size=11, **axes)
    assert on_dask.n_chunks > 4  # several groups of blocks
    assert (tmp_path / "numpy.csv").read_bytes() == (tmp_path / "dask.csv").read_bytes()
    sweep(model, out=tmp_path / "numpy.nc", chunk_size=11, **axes)
    assert (tmp_path / "numpy.nc").read_bytes() == (tmp_path / "dask.nc").read_bytes()


@settings(max_examples=25)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 30), st.booleans())
def test_streamed_rows_are_the_points_inside_the_space(n_s, n_t, chunk, netcdf):
    import tempfile

    axes = {"c_s": Range(n=n_s), "c_t": Range(n=n_t), "B_s": [0.0, 0.5]}
    whole = sweep(ORDERED, **axes)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / ("s.nc" if netcdf else "s.csv")
        written = sweep(ORDERED, out=out, chunk_size=chunk, **axes)
        if netcdf:
            back = _read_netcdf(out)
            np.testing.assert_array_equal(back["D"].values, whole["D"])
            np.testing.assert_array_equal(back["valid"].values, whole.valid)
        else:
            frame = written.to_pandas()
            expected = whole.to_pandas()
            assert len(frame) == int(whole.valid.sum()) == written.n_valid
            assert list(frame.columns) == list(expected.columns)
            if len(frame):
                np.testing.assert_allclose(frame["D"], expected["D"], rtol=1e-9)
                np.testing.assert_array_equal(frame["regime"], expected["regime"])


def test_peak_working_memory_stays_within_the_budget_while_streaming(tmp_path):
    budget = 500_000
    axes = {"c_s": Range(n=40), "c_t": Range(n=30), "B_s": Range(n=40)}  # 48,000 points
    for name in ("warm.nc", "warm.csv"):  # the writers' imports (pandas) are not working memory
        sweep(COERCION, out=tmp_path / name, B_t=Range(n=2))
    for name in ("s.nc", "s.csv"):
        tracemalloc.start()
        try:
            written = sweep(COERCION, out=tmp_path / name, memory_budget=budget, **axes)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        # in memory the results alone would take 48,000 x 25 bytes = 1.2 MB
        assert written.info["result_bytes"] > 2 * budget
        assert written.n_chunks > 1 and written.n_valid == 48_000
        assert peak <= 1.25 * budget, (name, peak, budget)


def test_without_out_a_sweep_that_does_not_fit_says_to_stream(monkeypatch, tmp_path):
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "1M")
    axes = {"c_s": Range(n=60), "c_t": Range(n=60), "B_s": Range(n=40)}
    with pytest.raises(MemoryError, match=r"out='sweep\.nc' or 'sweep\.csv'") as info:
        sweep(COERCION, **axes)
    assert "144,000 points" in str(info.value) and "\n" not in str(info.value)
    written = sweep(COERCION, out=tmp_path / "s.nc", **axes)  # the same grid streams
    assert written.n_valid == 144_000


def test_bad_outputs_are_refused_before_solving(tmp_path):
    with pytest.raises(SweepError, match=r"\.csv .* or \.nc"):
        sweep(COERCION, out=tmp_path / "s.txt", B_t=Range(n=3))
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------ in a subprocess
def _run(script: str, *args, timeout=120) -> subprocess.CompletedProcess:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop("IRGAMES_MAX_BYTES", None)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


_LIMITED = """
    import json, os, resource, sys
    import numpy as np
    import scipy.linalg  # the baseline includes numpy and scipy
    from irgames.analysis.model import Model, Outcome
    from irgames.analysis.parameters import Parameter, ParameterSpace, Range
    from irgames.analysis.sweep import sweep
    from irgames.errors import WorkTooLargeError

    WIDTH = 79

    def solve(a, b):
        k = np.arange(WIDTH)
        return Outcome({"y": a - b, "path": a[..., None] + b[..., None] * k}, axes={"path": ("k",)})

    space = ParameterSpace([Parameter("a", 0, 1, default=0.5), Parameter("b", 0, 1, default=0.5)])
    model = Model("wide", "wide", space, solve)
    with open("/proc/self/statm") as statm:
        baseline = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = baseline + 256 * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    axes = {"a": Range(0, 1, 1250), "b": Range(0, 1, 1000)}
    try:
        sweep(model, **axes)
        refused = ""
    except WorkTooLargeError as error:
        refused = str(error)
    written = sweep(model, out=sys.argv[1], memory_budget=32 * 2**20, **axes)
    print(json.dumps({"baseline": baseline, "limit": limit, "refused": refused,
                      "result_bytes": written.info["result_bytes"], "rows": written.n_valid,
                      "chunks": written.n_chunks}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc: Linux")
def test_a_sweep_larger_than_the_address_space_limit_streams_to_a_complete_file(tmp_path):
    netcdf = pytest.importorskip("scipy.io")
    out = tmp_path / "wide.nc"
    done = _run(_LIMITED, out)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # the limit is well above the interpreter with numpy and scipy (about 340 MiB measured
    # with single-threaded BLAS), and the results are larger than the whole limit
    assert report["limit"] - report["baseline"] == 256 * 2**20
    assert report["result_bytes"] > report["limit"]
    assert "out=" in report["refused"]  # in memory, the same sweep is refused by size
    assert report["rows"] == 1_250_000 and report["chunks"] > 10
    with netcdf.netcdf_file(out, mmap=True) as f:
        a, b = f.variables["a"][:].copy(), f.variables["b"][:].copy()
        np.testing.assert_allclose(a, np.linspace(0, 1, 1250))
        np.testing.assert_allclose(b, np.linspace(0, 1, 1000))
        path, y, valid = f.variables["path"], f.variables["y"], f.variables["valid"]
        assert path.shape == (1250, 1000, 79)
        rng = np.random.default_rng(16)
        rows = rng.integers(0, [1250, 1000], size=(200, 2))
        rows = np.vstack([rows, [[0, 0], [1249, 999], [1249, 0]]])  # first, last points
        for i, j in rows:
            np.testing.assert_allclose(path[i, j], a[i] + b[j] * np.arange(79), rtol=1e-15)
            assert y[i, j] == a[i] - b[j] and valid[i, j] == 1
        del path, y, valid


_INTERRUPTED = """
    import os, signal, sys
    from pathlib import Path
    import numpy as np
    from analysis_toys import COERCION
    from irgames.analysis.model import Model
    from irgames.analysis.parameters import Range

    target = Path(sys.argv[1])
    calls = []

    def solve(**p):
        calls.append(1)
        if len(calls) == 4:  # the probe, then chunks 1 and 2 are written: interrupt chunk 3
            partial = [q for q in target.parent.iterdir() if q.name.endswith(".partial")]
            print("partial", len(partial), partial[0].stat().st_size if partial else 0, flush=True)
            os.kill(os.getpid(), getattr(signal, sys.argv[3]))
        return COERCION.solve(**p)

    model = Model("coercion_toy", "toy", COERCION.space, solve)
    axes = {"c_s": "0.5:5:20", "B_t": "0:1:30"}
    if sys.argv[2] == "api":
        from irgames.analysis.sweep import sweep

        sweep(model, out=target, chunk_size=50, **axes)
    else:
        from irgames import cli
        from irgames import models as registry
        from irgames.analysis import sweep as sweep_module
        from irgames.cli import models as commands

        for module in (registry, commands):
            module.get_model = lambda name: model
        real = sweep_module.sweep
        commands.sweep = lambda *a, **k: real(*a, chunk_size=50, **k)
        sys.exit(cli.main(["sweep", "coercion_toy", *[f"{k}={v}" for k, v in axes.items()],
                           "--out", str(target)]))
"""


@pytest.mark.parametrize(
    ("road", "suffix", "signal"),
    [
        ("api", ".csv", "SIGINT"),
        ("api", ".nc", "SIGINT"),
        ("cli", ".csv", "SIGINT"),
        ("cli", ".nc", "SIGINT"),
        ("cli", ".csv", "SIGTERM"),  # the command treats SIGTERM as SIGINT
    ],
)
def test_sigint_while_writing_leaves_no_partial_file_and_the_previous_file(
    tmp_path, road, suffix, signal
):
    target = tmp_path / f"sweep{suffix}"
    target.write_bytes(b"the previous results\n")
    done = _run(_INTERRUPTED, target, road, signal)
    # the interrupt came while the temporary file held the first chunks
    seen = [line for line in done.stdout.splitlines() if line.startswith("partial")]
    assert seen and int(seen[0].split()[1]) == 1 and int(seen[0].split()[2]) > 0, done
    if road == "cli":
        assert done.returncode == 130, done.stderr
        assert done.stderr.strip() == "irgames sweep: interrupted"
    else:
        assert done.returncode != 0 and "KeyboardInterrupt" in done.stderr
    assert target.read_bytes() == b"the previous results\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_streamed_file_has_the_permissions_of_a_plainly_written_one(tmp_path):
    # atomic outputs went through tempfile.mkstemp, whose files are owner-only (0o600)
    plain = tmp_path / "plain.csv"
    plain.write_text("x\n")
    written = sweep(COERCION, out=tmp_path / "s.csv", B_t=Range(n=3))
    assert written.path.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
    os.chmod(written.path, 0o640)  # a file replaced keeps its mode
    sweep(COERCION, out=written.path, B_t=Range(n=3))
    assert written.path.stat().st_mode & 0o777 == 0o640


def test_integers_beyond_netcdf3_are_refused_and_leave_no_file(tmp_path):
    from irgames.analysis.parameters import Parameter, ParameterSpace

    space = ParameterSpace([Parameter("a", 0, 1, default=0.5)])
    model = Model("big_ints", "big ints", space, lambda a: Outcome({"n": (a * 2**40).astype(int)}))
    with pytest.raises(SweepError, match=r"int32.*out='sweep\.csv'"):
        sweep(model, out=tmp_path / "s.nc", a=Range(0, 1, 5))
    assert not list(tmp_path.iterdir())
    sweep(model, out=tmp_path / "s.csv", a=Range(0, 1, 5))
    assert (tmp_path / "s.csv").read_text().splitlines()[-1] == "1,1099511627776"
