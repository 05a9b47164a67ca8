"""A missing optional extra is one clear error that names it (issue 16, point 7)."""

from __future__ import annotations

import sys

import pytest
from analysis_toys import COERCION

from irgames.analysis.parameters import Range
from irgames.analysis.sweep import MissingExtraError, sweep
from irgames.errors import IrgamesError


@pytest.fixture
def no_dask(monkeypatch):
    for name in [m for m in sys.modules if m == "dask" or m.startswith("dask.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "dask", None)  # import dask now fails
    monkeypatch.setitem(sys.modules, "dask.array", None)


def test_the_dask_backend_without_dask_names_the_extra(no_dask):
    with pytest.raises(MissingExtraError) as info:
        sweep(COERCION, backend="dask", B_t=Range(n=3))
    error = info.value
    assert isinstance(error, ModuleNotFoundError) and isinstance(error, IrgamesError)
    assert str(error) == (
        "backend='dask' needs dask, which is not installed: pip install \"irgames[dask]\""
    )
    assert error.__cause__ is None and error.__suppress_context__


def test_the_command_line_reports_a_missing_extra_on_one_line(no_dask, monkeypatch, capsys):
    from irgames import cli
    from irgames import models as registry
    from irgames.cli import models as commands

    for module in (registry, commands):
        monkeypatch.setattr(module, "get_model", lambda name: COERCION)
    code = cli.main(["sweep", "coercion_toy", "B_t=0:1:3", "--backend", "dask"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert 'pip install "irgames[dask]"' in err and "Traceback" not in err
