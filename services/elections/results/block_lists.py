"""House of Representatives block lists (衆議院比例代表, 公職選挙法 art. 86-2, 95-2): who takes a
party's seats when dual candidates (重複立候補) share a rank.

A dual candidate who won their single-member district leaves the list, and one whose district
votes were below one tenth of that district's valid votes (the deposit line of art. 93 para. 1
item 1) cannot be elected from it (art. 95-2). The others take seats in list order; within one
rank, by 惜敗率 = their district votes / the most votes any candidate polled in that district
(art. 95-2 para. 3), higher first, exact fractions; equal 惜敗率 across the party's last seat is
drawn by lot (art. 95-2 para. 3). The candidates left are the list's capacity: a party with fewer
than its D'Hondt seats passes the rest on to the next quotients of the others (art. 95-2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from services.elections.results.allocation import Lot, Tie, find_lot


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a rule of this module comes from; `verified` only when the article's text (or a
    commentary quoting it) was read, with where."""

    rule: str
    article: str
    verified: bool
    source: str | None = None


CITATIONS: tuple[Citation, ...] = (
    Citation(
        "seats to parties by D'Hondt over their votes, up to their list length",
        "art. 95-2 para. 1",
        True,
        "statute text of art. 95-2 para. 1 as quoted by a commentary (note.com, 2024)",
    ),
    Citation(
        "a list entry may be the same person as a single-member district candidate",
        "art. 86-2 para. 4",
        True,
        "commentary citing 公職選挙法 86条の2第4項 (hiroohirooyagi blog, 2014)",
    ),
    Citation(
        "blocks are made of whole prefectures",
        "art. 13 para. 2, annexed table 2",
        True,
        "statute text of art. 13 para. 2 and annexed table 2 as quoted by a commentary (note.com, 2024)",
    ),
    Citation(
        "only dual candidates may share a rank",
        "art. 86-2 para. 6",
        False,
        "2026-12-06: the rule is described by commentaries (sadanosouken.com 2021, Wikipedia "
        "重複立候補制度); the iuris.jp mirror of art. 86-2 (…/jpn/a/21843) showed para. 1 only: the "
        "paragraph is not confirmed",
    ),
    Citation(
        "within a rank, higher 惜敗率 first; equal 惜敗率 by lot",
        "art. 95-2 para. 3",
        False,
        "2026-12-06: the rule is described by commentaries (sadanosouken.com 2021); the paragraph text "
        "was not found",
    ),
    Citation(
        "a district winner leaves the list; under a tenth of the district's valid votes cannot be "
        "elected from it",
        "art. 95-2 para. 5 (the tenth: art. 93 para. 1 item 1)",
        False,
        "the rule itself is described by a prefectural commission page and commentaries; the "
        "paragraph number is not confirmed (a 2021 commentary, kami-kosyokusenkyoho, also puts it in "
        "para. 5; not the statute's text)",
    ),
    Citation("a list that runs out passes its seats to the next quotients", "art. 95-2 para. 4", False),
)

DEPOSIT_LINE = Fraction(1, 10)
"""Of the district's valid votes (art. 93 para. 1 item 1, applied to lists by art. 95-2)."""


@dataclass(frozen=True, slots=True)
class DistrictStanding:
    """A dual candidate's single-member district result."""

    votes: Fraction
    top_votes: Fraction
    valid_votes: Fraction
    won: bool

    @property
    def ratio(self) -> Fraction:
        """惜敗率; zero when nobody in the district polled a vote."""
        return self.votes / self.top_votes if self.top_votes else Fraction(0)

    @property
    def below_deposit_line(self) -> bool:
        return self.votes < self.valid_votes * DEPOSIT_LINE


@dataclass(frozen=True, slots=True)
class ListEntry:
    key: str
    rank: int
    district: DistrictStanding | None = None


class Standing(StrEnum):
    ELECTED = "elected"
    WON_DISTRICT = "won_district"
    BELOW_DEPOSIT_LINE = "below_deposit_line"
    AFTER_LAST_SEAT = "after_last_seat"
    LOT_LOST = "lot_lost"
    AWAITING_LOT = "awaiting_lot"


@dataclass(frozen=True, slots=True)
class Placed:
    """One list entry's fate: its place in the order (1-based, among those who could be elected)."""

    key: str
    rank: int
    ratio: Fraction | None
    place: int | None
    standing: Standing


@dataclass(frozen=True, slots=True)
class BlockFill:
    elected: tuple[str, ...]
    placed: tuple[Placed, ...]
    tie: Tie | None
    lots_applied: tuple[Lot, ...] = ()


def _excluded(entry: ListEntry) -> Standing | None:
    if entry.district is None:
        return None
    if entry.district.won:
        return Standing.WON_DISTRICT
    if entry.district.below_deposit_line:
        return Standing.BELOW_DEPOSIT_LINE
    return None


def eligible(entries: Iterable[ListEntry]) -> list[ListEntry]:
    """The entries that can take a seat: the list's capacity for D'Hondt."""
    return [e for e in entries if _excluded(e) is None]


def _order_groups(entries: Iterable[ListEntry]) -> list[tuple[Fraction | None, list[ListEntry]]]:
    """Equal (rank, 惜敗率) groups, best first; a group of several needs a lot where it matters."""
    groups: dict[tuple[int, Fraction | None], list[ListEntry]] = {}
    for entry in entries:
        ratio = entry.district.ratio if entry.district else None
        groups.setdefault((entry.rank, ratio), []).append(entry)
    ordered = sorted(groups, key=lambda g: (g[0], -(g[1] if g[1] is not None else Fraction(0))))
    return [(key[1], sorted(groups[key], key=lambda e: e.key)) for key in ordered]


def fill_block_list(entries: Sequence[ListEntry], seats: int, lots: Sequence[Lot] = ()) -> BlockFill:
    """A party's `seats` (at most its eligible entries) to its list, explaining every entry."""
    placed: list[Placed] = []
    elected: list[str] = []
    applied: list[Lot] = []
    tie: Tie | None = None
    place = 0
    for ratio, group in _order_groups(eligible(entries)):
        remaining = seats - len(elected)
        if tie is None and 0 < remaining < len(group):
            candidate_tie = Tie(tuple(e.key for e in group), remaining, ratio or Fraction(0))
            lot = find_lot(lots, candidate_tie)
            if lot is None:
                tie = candidate_tie
            else:
                applied.append(lot)
                won = set(lot.winners)
                group = sorted(group, key=lambda e: e.key not in won)
        for entry in group:
            place += 1
            if tie is not None and entry.key in tie.contenders:
                standing = Standing.AWAITING_LOT
            elif tie is None and len(elected) < seats:
                standing = Standing.ELECTED
                elected.append(entry.key)
            elif applied and applied[-1].contenders == frozenset(e.key for e in group):
                standing = Standing.LOT_LOST
            else:
                standing = Standing.AFTER_LAST_SEAT
            placed.append(Placed(entry.key, entry.rank, ratio, place, standing))
    for entry in entries:
        excluded = _excluded(entry)
        if excluded is not None:
            assert entry.district is not None
            placed.append(Placed(entry.key, entry.rank, entry.district.ratio, None, excluded))
    return BlockFill(tuple(elected), tuple(placed), tie, tuple(applied))
