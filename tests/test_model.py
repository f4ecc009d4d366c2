"""Each demand type's knowledge, checked against what the rest of the program and the tests use.

A new demand type must be added everywhere or these fail: an encoder, the brute force, the
random generator; and every id it names must be declared for the loader's reference walk.
"""

from __future__ import annotations

import pytest

from allocator.instance.demands import DEMAND_TYPES, DemandBase, needs_party
from allocator.solving.encoders import ENCODERS
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


#: what each type reads of an instance besides the roles, as SPEC §3 defines it
READS = {
    "veto_leader": {"posts"}, "veto_post": {"posts"}, "requires_post": {"posts"},
    "requires_portfolio": {"portfolios"}, "refuse_partner": set(), "requires_partner": set(),
    "requires_form": {"form"}, "refuse_support": set(), "min_partners": set(),
    "max_partners": set(), "min_portfolios": {"members"}, "max_portfolios": {"members"},
    "requires_policy": {"policies"}, "opposes_policy": {"policies"}, "role": set(),
    "equal_split": {"members"},
    # `share` (the default) counts members weighted by the posts and portfolios they hold
    "proportional": {"members", "seats", "posts", "portfolios"},
    "distinct_posts": {"posts"}, "max_cabinet_parties": set(), "minimal_winning": {"quota"},
    "connected": {"positions"},
}


@pytest.mark.parametrize("name", SPEC_TYPES)
def test_each_type_says_what_it_reads(name):
    """Symmetry classes, the coalition level and a sweep's signatures go by `reads()` alone:
    a type that read votes or positions without saying so would let different parties count
    as interchangeable."""
    required = {"role": {"in_": ["support"]}}.get(name, {})
    demand = DEMAND_TYPES[name].model_construct(**required)
    assert demand.reads() == READS[name]
    assert demand.touches_allocation == bool(READS[name] & {"members", "posts", "portfolios"})
    assert (type(demand).numbers is not DemandBase.numbers) == bool(
        READS[name] & {"seats", "votes"})


def test_a_proportional_demand_by_votes_reads_votes():
    demand = DEMAND_TYPES["proportional"].model_construct(basis="votes")
    assert demand.reads() == {"members", "votes", "posts", "portfolios"}
    demand = DEMAND_TYPES["proportional"].model_construct(basis="votes", method="dhondt")
    assert demand.reads() == {"members", "votes"}  # whole members: no weights


def test_a_role_demand_for_ministers_outside_cabinet_reads_the_posts():
    """Only `outside` without `support` tells supporters apart by the posts they hold."""
    role = DEMAND_TYPES["role"]
    assert role.model_construct(in_=["cabinet", "outside"]).reads() == {"posts"}
    assert role.model_construct(in_=["support", "outside"]).reads() == frozenset()
