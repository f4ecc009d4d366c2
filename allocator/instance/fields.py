"""The building blocks of the instance format: the bounds every value respects, the typed
fields they make (an id, a text, a count of seats, a decimal), and exact arithmetic on decimals.

The bounds are generous for any real chamber, and small enough that no valid instance overflows
CP-SAT's 64-bit arithmetic (`demands.Proportional.magnitude` checks the one product that could
still grow too large). docs/format.md lists them.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictFloat, StrictInt

MAX_SEATS = 100_000  #: seats of a party, of the whole chamber, the quota
MAX_MEMBERS = 1_000  #: cabinet members, and every count a demand states
MAX_VOTES = 10**12  #: votes of a party (a count or a share)
MAX_DECIMALS = 6  #: digits after the decimal point in votes, positions and tolerances
MAX_PARTIES = 500
MAX_ITEMS = 5_000  #: demands, policies, posts, portfolios, scenarios, sources
MAX_TEXT = 10_000  #: characters in a name, text or source
#: CP-SAT computes in 64-bit integers; every bound of the model stays below this
MAX_MAGNITUDE = 2**62


def _few_decimals(value: int | float) -> int | float:
    if exact(value).denominator > 10**MAX_DECIMALS:
        raise ValueError(f"use at most {MAX_DECIMALS} decimals (got {value!r})")
    return value


Slug = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$", max_length=100)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Seats = Annotated[StrictInt, Field(ge=0, le=MAX_SEATS)]
Members = Annotated[StrictInt, Field(ge=1, le=MAX_MEMBERS)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_MEMBERS)]
Decimal = Annotated[StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)],
                    AfterValidator(_few_decimals)]
Votes = Annotated[Decimal, Field(ge=0, le=MAX_VOTES)]
Position = Annotated[Decimal, Field(ge=-MAX_VOTES, le=MAX_VOTES)]
#: a party's colour in pictures of the chamber: `#rrggbb`
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Tolerance = Annotated[Decimal, Field(ge=0, le=MAX_MEMBERS)]
MAX_WEIGHT = 100  #: a post's or portfolio's weight, in average portfolios
#: the weight of a post or portfolio, relative to an average portfolio (1)
Weight = Annotated[Decimal, Field(gt=0, le=MAX_WEIGHT)]


def _share_above_half(value: int | float | str) -> int | float | str:
    try:
        share = exact(value)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"write a quota share as a decimal (0.6) or a fraction (2/3), not "
                         f"{value!r}") from None
    if share.denominator > 10**MAX_DECIMALS:
        raise ValueError(f"use at most {MAX_DECIMALS} decimals, or a fraction such as 2/3 "
                         f"(got {value!r})")
    if not Fraction(1, 2) < share <= 1:
        raise ValueError(f"a quota share is above one half and at most 1 (got {value!r}); for a "
                         "simple majority leave `quota` out")
    return value


#: a qualified majority, as a share of the chamber's seats: a decimal (0.6) or a fraction
#: written `2/3` (which no decimal states exactly)
QuotaShare = Annotated[StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)]
                       | Annotated[str, Field(max_length=20)],
                       AfterValidator(_share_above_half)]
Role = Literal["cabinet", "support", "abstain", "opposition"]
When = Literal["cabinet", "involved"]
Form = Literal["majority", "minority"]


def exact(value: int | float | str) -> Fraction:
    """The decimal a user wrote (15.6), or a fraction (`2/3`), exactly: never a binary
    float."""
    return Fraction(str(value))


def quota_of(total: int, share: Fraction | None = None) -> int:
    """The seats a government needs in a chamber of `total`: more than half (the default), or
    at least `share` of them (a qualified majority)."""
    if share is None:
        return total // 2 + 1
    return max(-(-share.numerator * total // share.denominator), total // 2 + 1)


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never silently drop a demand."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

