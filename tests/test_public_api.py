"""``import irgames as ig`` is enough: every public name resolves and is documented."""

from __future__ import annotations

import inspect

import irgames as ig


def test_every_exported_name_resolves():
    missing = [name for name in ig.__all__ if not hasattr(ig, name)]
    assert missing == []


def test_every_exported_callable_has_a_docstring():
    undocumented = [
        name
        for name in ig.__all__
        if callable(getattr(ig, name)) and not inspect.getdoc(getattr(ig, name))
    ]
    assert undocumented == []


def test_exports_are_the_objects_of_their_modules():
    assert ig.vertex_enumeration is ig.solvers.vertex_enumeration.vertex_enumeration
    assert ig.sweep is ig.analysis.sweep.sweep
    assert ig.NormalFormGame is ig.games.normal_form.NormalFormGame
