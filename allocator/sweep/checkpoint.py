"""A sweep's checkpoint: every answer kept in a folder, so that a sweep run again solves only
what it had not. Anyone can write into a folder, so nothing read from it is taken on trust.

The folder holds `sweep.json`, which says which sweep the answers belong to (a digest of the
problem, the seed and the seat table), and answer files `answers-000012.json`, one per task.
Each file holds its answers and their SHA-256 digest; each answer, its signature's key, the
draw it was computed from (the seats, the unlisted seats, the votes where drawn) and the
governments found (each party's role as a digit, in party order: `0` cabinet, `1` support,
`2` abstain, `3` opposition).

**Writing.** A file is written whole under a name no file has yet: past the highest number in
the folder, made by linking a complete temporary file to its name, which fails rather than
replaces when the name is taken (another sweep, a file that could not be read). A save never
overwrites anything.

**Reading back**, what fails a check is left aside, and its parliaments are solved again:
* a file: a regular file of at most `MAX_FILE` bytes, JSON of the shape above (`_File`), whose
  digest is that of its answers;
* an answer: its key is its draw's (`Parliaments.key`), and every government fits the draw
  under SPEC §2's base rules on seats (`BaseRules`). The per-party figures are computed from
  the governments (`run.Outlook.of`), never read.

What cannot be checked without solving again is that the governments are all, and only, those
meeting the demands: a file forged with care (governments that fit the seats, the digest
computed again) is believed. The checks catch accidents and edits made by hand, not someone
set on deceiving who can write into the folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InstanceError, UsageError
from ..files import read_text
from ..instance.fields import MAX_PARTIES, MAX_SEATS
from ..instance.schema import Instance
from ..solving.investiture import SeatRules
from ..solving.result import ABSTAIN, CABINET
from .draws import ELECTORATE, Draw
from .governments import Governments, Roles

if TYPE_CHECKING:
    from .run import Key, Parliaments

MANIFEST = "sweep.json"
#: an answer file's name, and its number
ANSWERS = re.compile(r"answers-([0-9]{6,12})\.json")
#: the most of an answer file that is read (a task's answers about 16-party parliaments, with
#: hundreds of thousands of governments each, stay well below it)
MAX_FILE = 64 * 1024 * 1024
MAX_MANIFEST = 4096

Seats = Annotated[int, Field(ge=0, le=MAX_SEATS)]
Votes = Annotated[int, Field(ge=0, le=ELECTORATE)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Manifest(_Strict):
    fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$")


class _Answer(_Strict):
    key: str = Field(pattern=r"^[0-9a-f]{32}$")
    seats: list[Seats] = Field(max_length=MAX_PARTIES)
    unlisted: Seats
    votes: list[Votes] | None
    governments: list[Annotated[str, Field(pattern=r"^[0-3]+$", max_length=MAX_PARTIES)]]


class _File(_Strict):
    sha256: str
    answers: list[_Answer]


def digest(answers: Sequence[_Answer]) -> str:
    """The SHA-256 of answers as they are written (pydantic writes the same answers the same
    way, whatever the spacing or order of keys of the file they were read from)."""
    return hashlib.sha256(
        "\n".join(answer.model_dump_json() for answer in answers).encode()).hexdigest()


@dataclass(frozen=True)
class Saved:
    """One answer as a checkpoint keeps it: a signature's key, the draw it was computed from,
    and the governments it allows."""

    key: Key
    draw: Draw
    governments: Governments


class Checkpoint:
    """The folder of one sweep's answers (see the module docstring)."""

    def __init__(self, folder: str, fingerprint: str) -> None:
        self.folder = Path(folder)
        self.where = f"--checkpoint {folder}"
        if os.path.lexists(folder) and not self.folder.is_dir():
            raise UsageError(f"{self.where}: not a folder (a file, or a link that leads to no "
                             "folder); give a folder, new or of this sweep")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"{self.where}: cannot make that folder ({exc.strerror or exc})"
                             ) from None
        if not self._create(MANIFEST, _Manifest(fingerprint=fingerprint).model_dump_json()):
            self._check(fingerprint)
        try:
            names = os.listdir(folder)
        except OSError as exc:
            raise UsageError(f"{self.where}: cannot read it ({exc.strerror or exc})") from None
        numbered = sorted((int(found[1]), found[0]) for found in map(ANSWERS.fullmatch, names)
                          if found)
        self.files = [name for _, name in numbered]
        self.next = numbered[-1][0] + 1 if numbered else 0  # past every file's number

    def _check(self, fingerprint: str) -> None:
        """The folder's manifest names this sweep, or the folder is refused."""
        try:
            said = _Manifest.model_validate_json(read_text(self.folder / MANIFEST,
                                                           MAX_MANIFEST))
        except (InstanceError, ValidationError):
            said = None
        if said is None or said.fingerprint != fingerprint:
            raise UsageError(
                f"{self.where}: it is not a checkpoint of this sweep (its {MANIFEST} is of "
                "another sweep, or of no sweep: the instance, scenario, seed or seat table "
                "differ); give an empty folder or the one of this sweep")

    def answers(self, parliaments: Parliaments) -> Iterator[tuple[Key, Instance,
                                                                   Governments]]:
        """Every saved answer that holds up (see the module docstring): its key, the
        parliament of its draw, and its governments."""
        for name in self.files:
            for answer in self._read(self.folder / name):
                checked = _checked(answer, parliaments)
                if checked is not None:
                    yield checked

    def _read(self, path: Path) -> list[_Answer]:
        """A file's answers, or none where it is not an intact answer file."""
        try:
            found = _File.model_validate_json(read_text(path, MAX_FILE))
        except (InstanceError, ValidationError):
            return []
        return found.answers if found.sha256 == digest(found.answers) else []

    def save(self, answers: Sequence[Saved]) -> None:
        """Keep these answers in a new file, never over another one."""
        kept = [_Answer(key=a.key, seats=list(a.draw.seats), unlisted=a.draw.unlisted,
                        votes=None if a.draw.votes is None else list(a.draw.votes),
                        governments=["".join(map(str, g)) for g in a.governments])
                for a in answers]
        text = _File(sha256=digest(kept), answers=kept).model_dump_json()
        while not self._create(f"answers-{self.next:06d}.json", text):
            self.next += 1
        self.next += 1

    def _create(self, name: str, text: str) -> bool:
        """Write a new file whole (a temporary file, then linked to its name); False, and
        nothing written, where the name is taken."""
        temporary = self.folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            with open(temporary, "x", encoding="utf-8") as out:
                out.write(text)
            os.link(temporary, self.folder / name)
        except FileExistsError:
            return False
        except OSError as exc:
            raise UsageError(f"{self.where}: cannot write to it ({exc.strerror or exc})"
                             ) from None
        finally:
            if os.path.lexists(temporary):
                os.unlink(temporary)
        return True


def _checked(answer: _Answer, parliaments: Parliaments
             ) -> tuple[Key, Instance, Governments] | None:
    """An answer whose key is its draw's and whose governments all fit the draw (distinct,
    and under the base rules), or None."""
    parties = len(parliaments.problem.parties)
    if len(answer.seats) != parties or (answer.votes is not None
                                        and len(answer.votes) != parties):
        return None
    draw = Draw(tuple(answer.seats), answer.unlisted,
                None if answer.votes is None else tuple(answer.votes))
    if parliaments.key(draw) != answer.key:
        return None
    parliament = parliaments.at(draw)
    rules = BaseRules(parliament)
    governments = tuple(tuple(int(role) for role in g) for g in answer.governments)
    if len(set(governments)) != len(governments) or not all(map(rules.fit, governments)):
        return None
    return answer.key, parliament, Governments(governments, parties)


class BaseRules:
    """SPEC §2's rules on seats in one parliament, which every government meets whatever the
    demands (`investiture.SeatRules`), and roles that make a government at all: one per party,
    a cabinet party, abstainers only where the investiture rule has them."""

    def __init__(self, parliament: Instance) -> None:
        self.rules = SeatRules.of(parliament)
        self.width = len(parliament.parties)

    def fit(self, roles: Roles) -> bool:
        if len(roles) != self.width or CABINET not in roles or (self.rules.rule == "absolute"
                                                                and ABSTAIN in roles):
            return False
        return bool(self.rules.admits(np.array([roles], dtype=np.int8))[0])
