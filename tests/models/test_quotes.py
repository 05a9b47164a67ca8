"""Every claim quotes its op-ed: the quoted sentence is in the op-ed's text (white space
folded), and every quote table a model exports is too.

The op-eds are the project's shared files (``../shared/seeds`` beside the checkout, or
``IRGAMES_OP_EDS``); the test skips with that reason outside CI and fails in CI without them.
"""

from __future__ import annotations

import pytest

import irgames as ig

#: Which op-eds each model quotes (files of the shared folder, named as it names them).
QUOTED = {
    "sanctions_paradox": ["001_119921a2a00547a1.txt"],
    "repeated_coercion": ["001_119921a2a00547a1.txt"],
    "issue_linkage": ["001_119921a2a00547a1.txt"],
    "omnibalancing": ["000_07c32c0179fb5827.txt"],
    "omnibalancing_threats": ["000_07c32c0179fb5827.txt"],
    "fleeting_relationships": ["002_3c243af3dc800484.txt"],
    "balance_of_threat": ["003_0196c28347a3c628.txt", "004_021ccc247fb96882.txt"],
    "exploiting_fear": ["004_021ccc247fb96882.txt", "003_0196c28347a3c628.txt"],
}


def _folded(text: str) -> str:
    return " ".join(text.split())


def test_every_registered_model_names_its_op_eds():
    assert sorted(QUOTED) == sorted(ig.all_models())


@pytest.mark.parametrize("name", sorted(QUOTED))
def test_every_quote_is_a_sentence_of_the_op_ed(name, op_eds):
    text = " ".join(_folded((op_eds / f).read_text(encoding="utf-8")) for f in QUOTED[name])
    model = ig.get_model(name)
    assert model.claims, f"{name} has no claims"
    for claim in model.claims:
        assert claim.quote, f"{name}.{claim.name} quotes nothing"
        assert _folded(claim.quote) in text, f"{name}.{claim.name}: {claim.quote!r}"
    module = __import__(f"irgames.models.{name}", fromlist=["QUOTES"])
    for key, quote in getattr(module, "QUOTES", {}).items():
        assert _folded(quote) in text, f"{name}.QUOTES[{key!r}]"
