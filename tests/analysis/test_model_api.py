"""Outcome, Model, Figure rendering and the model registry."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_toys import COERCION, EROSION, coercion_solve
from hypothesis import given
from hypothesis import strategies as st

from irgames import models as registry
from irgames.analysis.model import Model, Outcome, OutcomeError, evaluate_valid
from irgames.analysis.parameters import Parameter, ParameterError, ParameterSpace
from irgames.plot import render_figure


def test_outcome_broadcasts_and_is_read_only():
    out = Outcome({"a": np.arange(3.0), "b": 1.0}, regime=[0, 1, -1], regime_names=["x", "y"])
    assert out.shape == (3,)
    assert list(out) == ["a", "b"] and len(out) == 2
    np.testing.assert_array_equal(out["b"], [1.0, 1.0, 1.0])
    assert out.regime_labels().tolist() == ["x", "y", ""]
    np.testing.assert_array_equal(out["regime"], [0, 1, -1])
    with pytest.raises(ValueError, match="read-only"):
        out["a"][0] = 5
    with pytest.raises(KeyError, match="no outcome 'c'"):
        out["c"]
    frame = out.to_pandas(params={"p": np.array([1.0, 2.0, 3.0])})
    assert list(frame.columns) == ["p", "a", "b", "regime"]
    assert frame["regime"].tolist() == ["x", "y", ""]


def test_a_single_point_outcome_has_regime_labels_and_columns():
    out = Outcome({"a": np.float64(1.0)}, regime=np.int64(0), regime_names=["x"])
    assert out.regime_labels().shape == () and out.regime_labels()[()] == "x"
    columns = out.columns()
    assert columns["regime"].tolist() == ["x"] and columns["a"].tolist() == [1.0]


def test_outcome_rejects_bad_input():
    with pytest.raises(OutcomeError, match="broadcast"):
        Outcome({"a": np.zeros(2), "b": np.zeros(3)})
    with pytest.raises(OutcomeError, match="regime_names"):
        Outcome({"a": np.zeros(2)}, regime=[0, 1])
    with pytest.raises(OutcomeError, match=r"-1\.\.1"):
        Outcome({"a": np.zeros(2)}, regime=[0, 2], regime_names=["x", "y"])


def test_model_call_validates_and_fills_defaults():
    out = COERCION(B_t=np.array([0.0, 0.5, 1.0]))
    assert out.shape == (3,)
    # c_s = 1, c_t = 3, B_s = 0.5: D* = (3 - (1 - B_t)) / (2 - B_t)
    np.testing.assert_allclose(out["D"], [1.0, 2.5 / 1.5, 3.0])
    with pytest.raises(ParameterError, match=r"'B_t' = 1\.5"):
        COERCION(B_t=1.5)
    with pytest.raises(ParameterError, match="unknown parameter 'cs'"):
        COERCION(cs=1.0)


def test_published_example():
    # Drezner: c_s = 1, c_t = 3, B_s = B_t = 0.5 gives D* = 5/3 and U_S = 2.5
    out = COERCION(c_s=1.0, c_t=3.0, B_s=0.5, B_t=0.5)
    assert float(out["D"]) == pytest.approx(5 / 3, rel=1e-12)
    assert float(out["U_S"]) == pytest.approx(2.5, rel=1e-12)


@given(st.integers(0, 2**16), st.integers(1, 30))
def test_batched_solve_equals_per_point_solve(seed, n):
    draws = COERCION.space.sample(n, seed)
    batch = COERCION.evaluate(draws)
    for i in range(n):
        single = COERCION(**{k: v[i] for k, v in draws.items()})
        for name in batch:
            np.testing.assert_allclose(batch[name][i], single[name], rtol=1e-12, atol=0)
        assert batch.regime[i] == single.regime


def test_evaluate_valid_masks_points_outside_the_space():
    params = {"c_s": np.array([1.0, 2.0]), "c_t": 3.0, "B_s": 0.5, "B_t": np.array([0.5, 2.0])}
    out = evaluate_valid(COERCION, params)
    assert np.isfinite(out["D"][0]) and np.isnan(out["D"][1])
    assert out.regime.tolist() == [1, -1]


def test_solve_must_return_an_outcome_of_the_right_shape():
    space = ParameterSpace([Parameter("a", 0, 1, default=0.5)])
    bad = Model("bad", "bad", space, lambda a: 3.0)
    with pytest.raises(OutcomeError, match="must return an Outcome"):
        bad(a=0.2)
    wrong = Model("wrong", "wrong", space, lambda a: Outcome({"x": np.zeros(5)}))
    with pytest.raises(OutcomeError, match="shape"):
        wrong(a=np.zeros(3))
    with pytest.raises(KeyError, match="no claim 'nope'"):
        COERCION.claim("nope")


def test_figures_render_deterministically(tmp_path):
    figure = COERCION.figure("concession")
    png1, csv1 = render_figure(figure, tmp_path / "one")
    png2, csv2 = render_figure(figure, tmp_path / "two")
    assert csv1.read_bytes() == csv2.read_bytes()
    assert png1.read_bytes() == png2.read_bytes()
    lines = csv1.read_text().splitlines()
    assert lines[0] == "B_t,D" and len(lines) == 12
    b, d = map(float, lines[-1].split(","))
    assert b == pytest.approx(1.0) and d == pytest.approx(3.0)


def test_registry_finds_models_by_name(tmp_path, monkeypatch):
    package = tmp_path / "toy_models_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text(
        "import numpy as np\n"
        "from irgames.analysis.model import Model, Outcome\n"
        "from irgames.analysis.parameters import Parameter, ParameterSpace\n"
        "SPACE = ParameterSpace([Parameter('a', 0, 1, default=0.5)])\n"
        "alpha = Model('alpha', 'Alpha', SPACE, lambda a: Outcome({'y': a}))\n"
        "beta = Model('beta', 'Beta', SPACE, lambda a: Outcome({'y': 2 * a}))\n"
    )
    (package / "_private.py").write_text("raise RuntimeError('private modules are skipped')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    monkeypatch.setattr(
        registry, "models_package", lambda: importlib.import_module("toy_models_pkg")
    )
    registry.refresh()
    try:
        assert list(registry.all_models()) == ["alpha", "beta"]
        assert float(registry.get_model("beta")(a=0.25)["y"]) == pytest.approx(0.5)
        with pytest.raises(registry.UnknownModelError, match=r"unknown model 'gamma'.*alpha, beta"):
            registry.get_model("gamma")
        (package / "second.py").write_text(
            "from toy_models_pkg.first import alpha as again\n"
            "import toy_models_pkg.first as f\n"
            "from irgames.analysis.model import Model\n"
            "alpha = Model('alpha', 'dup', f.SPACE, f.alpha.solve)\n"
        )
        registry.refresh()
        with pytest.raises(registry.RegistryError, match="two models are named 'alpha'"):
            registry.all_models()
        (package / "second.py").write_text("raise ValueError('broken model')\n")
        registry.refresh()
        with pytest.raises(registry.RegistryError, match="second"):
            registry.all_models()
    finally:
        registry.refresh()


def test_registry_reads_the_real_models_package():
    registry.refresh()
    models = registry.all_models()
    assert all(isinstance(m, Model) and m.name == name for name, m in models.items())


def test_coercion_toy_is_self_consistent():
    # the credible-threat condition and the concession formula, independently of the model
    out = coercion_solve(np.array([1.0, 2.0]), np.array([3.0, 3.0]), 0.5, 0.5)
    assert out["credible"].tolist() == [True, False]


def test_outcomes_with_trailing_axes():
    model = EROSION
    out = model(B_t=np.array([0.5, 1.0]), r=0.5)
    assert out.shape == (2,) and out["path"].shape == (2, 3)
    assert out.trailing_shape("path") == (3,) and out.trailing_shape("final") == ()
    np.testing.assert_allclose(out["path"][1], [1.0, 0.5, 0.25])
    assert list(out.columns()) == ["final", "path[0]", "path[1]", "path[2]"]
    with pytest.raises(OutcomeError, match="trailing axes"):
        out.scalar("path")
    # points outside the space get NaN rows of the right shape
    masked = evaluate_valid(model, {"B_t": np.array([0.5, 0.2]), "r": np.array([0.1, 0.5])})
    assert masked["path"].shape == (2, 3) and np.isnan(masked["path"][1]).all()
    with pytest.raises(OutcomeError, match="fewer than its trailing axes"):
        Outcome({"path": np.zeros(2)}, axes={"path": ("round", "player")})
    from irgames.analysis.statics import derivative

    with pytest.raises(OutcomeError, match="pick a scalar outcome"):
        derivative(model, "path", "r")


def test_evaluate_hands_solve_equal_length_1d_arrays_and_reshapes_the_outcome():
    seen = []

    def solve(a, b):
        seen.append((a.shape, b.shape, a.ndim, b.ndim))
        return Outcome(
            {"sum": a + b, "path": np.stack([a, b, a * b], axis=-1)},
            regime=(a > b).astype(int),
            regime_names=["b", "a"],
            axes={"path": ("step",)},
        )

    space = ParameterSpace([Parameter("a", 0, 1, default=0.5), Parameter("b", 0, 1, default=0.2)])
    model = Model("flat", "Flat", space, solve)
    a = np.linspace(0, 1, 3)[:, None]
    b = np.linspace(0, 1, 4)[None, :]
    out = model.evaluate({"a": a, "b": b})
    assert seen == [((12,), (12,), 1, 1)]  # broadcast and flattened once, in C order
    assert out.shape == (3, 4) and out.trailing_shape("path") == (3,)
    np.testing.assert_array_equal(out["sum"], a + b)
    np.testing.assert_array_equal(out["path"][..., 2], a * b)
    np.testing.assert_array_equal(out.regime, (a > b).astype(int))
    seen.clear()
    scalar = model.evaluate({"a": 0.3, "b": 0.1})  # scalars: one point
    assert seen == [((1,), (1,), 1, 1)] and scalar.shape == ()
    assert float(scalar["sum"]) == pytest.approx(0.4)
    assert scalar["path"].shape == (3,)


def test_evaluate_names_the_model_when_solve_returns_the_wrong_length():
    space = ParameterSpace([Parameter("a", 0, 1, default=0.5)])
    model = Model("short", "Short", space, lambda a: Outcome({"y": a[:-1]}))
    with pytest.raises(OutcomeError, match=r"model 'short': solve returned outcomes of shape"):
        model.evaluate({"a": np.zeros((2, 3))})
