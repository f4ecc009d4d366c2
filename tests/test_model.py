"""Each demand type's knowledge, checked against what the rest of the program and the tests use.

A new demand type must be added everywhere or these fail: an encoder, the brute force, the
random generator; and every id it names must be declared for the loader's reference walk.
"""

from __future__ import annotations

import pytest

from allocator.encoding import ENCODERS
from allocator.model import DEMAND_TYPES, needs_party
from tests import bruteforce, strategies

SPEC_TYPES = [  # SPEC §3's table, in its order
    "veto_leader", "veto_post", "requires_post", "requires_portfolio", "refuse_partner",
    "requires_partner", "requires_form", "refuse_support", "min_partners", "max_partners",
    "min_portfolios", "max_portfolios", "requires_policy", "opposes_policy", "role",
    "equal_split", "proportional", "distinct_posts", "max_cabinet_parties", "minimal_winning",
    "connected",
]


def test_the_model_has_every_spec_type_in_order():
    assert list(DEMAND_TYPES) == SPEC_TYPES


def test_every_demand_class_has_an_encoder():
    assert set(ENCODERS) == set(DEMAND_TYPES.values())


def test_the_brute_force_and_the_generator_know_every_type():
    assert set(bruteforce.CHECKS) == set(DEMAND_TYPES)
    assert set(strategies.BUILDERS) == set(DEMAND_TYPES)


@pytest.mark.parametrize("name", SPEC_TYPES)
def test_party_and_when_as_the_spec_says(name):
    cls = DEMAND_TYPES[name]
    assert needs_party(cls) == (name in strategies.NEEDS_PARTY)
    assert (cls.default_when is not None) == (name in strategies.WHEN_TYPES)
    expected_when = bruteforce.DEFAULT_WHEN.get(name, "cabinet") if cls.default_when else None
    assert cls.default_when == expected_when
    assert (name in bruteforce.ALWAYS_TYPES) == (cls.default_when is None)


@pytest.mark.parametrize("name", SPEC_TYPES)
def test_every_id_field_is_declared_for_the_reference_walk(name):
    """A field holding ids (a slug, or a list of them) must be in `references`, or the loader
    would let a typo through."""
    cls = DEMAND_TYPES[name]
    schema = cls.model_json_schema(by_alias=True)["properties"]
    slug_fields = {key for key, prop in schema.items()
                   if "pattern" in str(prop) and key not in ("id",)}
    declared = {cls.model_fields[f].alias or f for f in cls.references} | {"party", "by"}
    assert slug_fields == declared


@pytest.mark.parametrize("name", SPEC_TYPES)
def test_which_types_touch_the_allocation(name):
    """The roles-only model (coalition level, first phase) leaves these out, and the symmetry
    of the second phase reads their `mentions`: SPEC §3's types about members and posts."""
    cls = DEMAND_TYPES[name]
    touches = name in {"veto_leader", "veto_post", "requires_post", "requires_portfolio",
                       "min_portfolios", "max_portfolios", "equal_split", "proportional",
                       "distinct_posts"}
    assert cls.touches_allocation == touches
