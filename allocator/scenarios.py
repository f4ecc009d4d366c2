"""Scenarios and generated ids: turning what the user wrote into the instance that gets solved."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import UsageError, known
from .model import DemandBase, Instance, Scenario


def with_ids(demands: Sequence[DemandBase], taken: set[str]) -> list[DemandBase]:
    """Give every demand without an id a stable one, `<party>-<type>-<n>`.

    `n` counts the demands of the same party and type before it (so editing other demands never
    renames it), bumped past ids the user already took.
    """
    explicit = taken | {d.id for d in demands if d.id}
    seen: dict[tuple[str | None, str], int] = {}
    out: list[DemandBase] = []
    for demand in demands:
        kind = (demand.party, demand.type)  # type: ignore[attr-defined]
        seen[kind] = seen.get(kind, 0) + 1
        if demand.id:
            out.append(demand)
            continue
        stem = f"{demand.party}-{kind[1]}" if demand.party else kind[1]
        n = seen[kind]
        while f"{stem}-{n}" in explicit:
            n += 1
        explicit.add(f"{stem}-{n}")
        out.append(demand.model_copy(update={"id": f"{stem}-{n}"}))
    return out


def find_scenario(instance: Instance, name: str) -> Scenario:
    for scenario in instance.scenarios:
        if scenario.name == name:
            return scenario
    raise UsageError(
        f"no scenario named {name!r} in {instance.name!r} "
        f"({known(s.name for s in instance.scenarios)})"
    )


def apply_scenario(instance: Instance, scenario: Scenario) -> Instance:
    """The instance as the scenario changes it: overrides merged, demands dropped, then added."""
    update: dict[str, object] = {"scenarios": [], "outcome": None}
    if scenario.seats is not None:
        update["seats"] = scenario.seats
    if scenario.majority is not None:
        update["majority"] = scenario.majority
    for key in ("cabinet", "government"):
        override = getattr(scenario, key)
        if override is not None:
            given = {f: getattr(override, f) for f in override.model_fields_set
                     if getattr(override, f) is not None}
            update[key] = getattr(instance, key).model_copy(update=given)
    kept = [d for d in instance.demands if d.id not in set(scenario.drop)]
    taken = {d.id for d in instance.demands if d.id}
    update["demands"] = kept + with_ids(scenario.add, taken)
    return instance.model_copy(update=update)


def resolve(instance: Instance, scenario: str | None) -> Instance:
    """The instance to solve: as written, or as the named scenario changes it."""
    if scenario is None:
        return instance.model_copy(update={"scenarios": []})
    return apply_scenario(instance, find_scenario(instance, scenario))
