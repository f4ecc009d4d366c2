"""What a sweep draws from (`allocator sweep`): polls, and the electoral system that turns a
draw's votes into seats. Part of an instance, or of a file beside it (`sweep --polls FILE`).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictInt, model_validator

from .fields import MAX_ITEMS, MAX_MEMBERS, MAX_PARTIES, MAX_SEATS, Decimal, Slug, Strict, Text

#: a share of all votes, in percent
Share = Annotated[Decimal, Field(ge=0, le=100)]
Sample = Annotated[StrictInt, Field(ge=1, le=10**9)]


class Poll(Strict):
    """One poll: each listed party's share of all votes in percent; what the shares leave of
    100 went to parties the instance does not list ("others")."""

    pollster: Text | None = None
    date: datetime.date | None = None
    sample: Sample = Field(description="how many people answered")
    shares: dict[Slug, Share] = Field(description="party id -> percent of all votes")


class Polls(Strict):
    """Where a sweep's vote shares come from: one poll (`shares` and `sample`), or several
    (`polls`), pooled as the R package `coalitions` does: the latest poll of each pollster
    within `window` days of the latest poll, shares weighted by sample size, and an effective
    sample size that allows for `correlation` between pollsters. Each draw is a Dirichlet
    draw with concentration share x sample + `prior` (1/2: Jeffreys)."""

    shares: dict[Slug, Share] | None = None
    sample: Sample | None = None
    polls: list[Poll] | None = Field(default=None, min_length=1, max_length=MAX_ITEMS)
    window: Annotated[StrictInt, Field(ge=0, le=10_000)] = Field(
        default=14, description="days before the latest poll that still count")
    correlation: Annotated[Decimal, Field(ge=0, le=1)] = 0.5
    prior: Annotated[Decimal, Field(gt=0, le=MAX_MEMBERS)] = 0.5

    @model_validator(mode="after")
    def _one_source(self) -> Polls:
        single = self.shares is not None or self.sample is not None
        if single and self.polls is not None:
            raise ValueError("give one poll (shares and sample) or several (polls), not both")
        if self.polls is None and (self.shares is None or self.sample is None):
            raise ValueError("give shares and sample (one poll), or polls (several)")
        return self

    def as_polls(self) -> list[Poll]:
        if self.polls is not None:
            return self.polls
        assert self.shares is not None and self.sample is not None
        return [Poll(sample=self.sample, shares=self.shares)]


class Threshold(Strict):
    """A party wins seats only with at least `share` percent of all votes, or (where
    `direct_seats` is given) at least that many constituency seats (`electoral_system.direct`)."""

    share: Share = 0
    direct_seats: Annotated[StrictInt, Field(ge=1, le=MAX_SEATS)] | None = None


class ElectoralSystem(Strict):
    """How a draw's votes become seats: `seats` shared among the parties over the threshold by
    `method`. `others_win_seats`: the votes of unlisted parties are one list competing for
    seats (held by no listed party: they count toward the total, never toward a majority);
    by default they win none (many small parties, each under any threshold)."""

    seats: Annotated[StrictInt, Field(ge=1, le=MAX_SEATS)]
    majority: Annotated[StrictInt, Field(ge=1, le=MAX_SEATS)] | None = None
    method: Literal["dhondt", "sainte_lague", "modified_sainte_lague", "hamilton", "droop"]
    threshold: Share | Threshold = 0
    direct: dict[Slug, Annotated[StrictInt, Field(ge=0, le=MAX_SEATS)]] = Field(
        default_factory=dict, description="party id -> constituency seats it is expected to win")
    exempt: list[Slug] = Field(default_factory=list, max_length=MAX_PARTIES,
                               description="parties the threshold does not apply to")
    others_win_seats: bool = False

    @property
    def bar(self) -> Threshold:
        return self.threshold if isinstance(self.threshold, Threshold) else Threshold(
            share=self.threshold)


class Uncertainty(Strict):
    """A file beside an instance with what a sweep draws from (`sweep --polls FILE`)."""

    votes: Polls | None = None
    electoral_system: ElectoralSystem | None = None

