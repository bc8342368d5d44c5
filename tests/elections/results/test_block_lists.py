"""House of Representatives block lists: shared ranks by 惜敗率, lots, district winners, the
one-tenth line, and lists that run out (hand-computed)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from services.elections.results.allocation import Lot, dhondt
from services.elections.results.block_lists import (
    DistrictStanding,
    ListEntry,
    Standing,
    eligible,
    fill_block_list,
)


def dual(key: str, rank: int, votes: str, top: int, valid: int, *, won: bool = False) -> ListEntry:
    standing = DistrictStanding(Fraction(Decimal(votes)), Fraction(top), Fraction(valid), won)
    return ListEntry(key, rank, standing)


def fates(
    entries: list[ListEntry], seats: int, lots: list[Lot] | None = None
) -> dict[str, tuple[int | None, Standing, Fraction | None]]:
    fill = fill_block_list(entries, seats, lots or [])
    return {p.key: (p.place, p.standing, p.ratio) for p in fill.placed}


def test_several_dual_candidates_share_a_rank_ordered_by_sekihairitsu() -> None:
    entries = [
        ListEntry("a", 1),
        dual("b", 2, "800", 1000, 2000),  # 4/5
        dual("c", 2, "900", 1000, 2500),  # 9/10
        dual("d", 2, "300", 700, 1200),  # 3/7
        ListEntry("e", 3),
    ]
    fill = fill_block_list(entries, 3)
    assert fill.tie is None
    assert fill.elected == ("a", "c", "b")
    assert fates(entries, 3) == {
        "a": (1, Standing.ELECTED, None),
        "c": (2, Standing.ELECTED, Fraction(9, 10)),
        "b": (3, Standing.ELECTED, Fraction(4, 5)),
        "d": (4, Standing.AFTER_LAST_SEAT, Fraction(3, 7)),
        "e": (5, Standing.AFTER_LAST_SEAT, None),
    }


def test_equal_sekihairitsu_across_the_last_seat_needs_a_lot() -> None:
    entries = [dual("b", 1, "600", 800, 2000), dual("c", 1, "1500", 2000, 5000)]  # both 3/4
    fill = fill_block_list(entries, 1)
    assert fill.elected == ()
    assert fill.tie is not None
    assert (set(fill.tie.contenders), fill.tie.seats_at_stake, fill.tie.value) == (
        {"b", "c"},
        1,
        Fraction(3, 4),
    )
    assert {p.standing for p in fill.placed} == {Standing.AWAITING_LOT}

    lot = Lot(frozenset({"b", "c"}), 1, ("c",))
    drawn = fill_block_list(entries, 1, [lot])
    assert drawn.tie is None
    assert drawn.elected == ("c",)
    assert drawn.lots_applied == (lot,)
    assert fates(entries, 1, [lot])["b"][1] == Standing.LOT_LOST


def test_equal_sekihairitsu_needs_no_lot_when_both_or_neither_take_a_seat() -> None:
    entries = [dual("b", 1, "600", 800, 2000), dual("c", 1, "1500", 2000, 5000), ListEntry("z", 2)]
    assert fill_block_list(entries, 2).elected == ("b", "c")
    assert fill_block_list(entries, 3).elected == ("b", "c", "z")


def test_sekihairitsu_is_exact_no_float_tie() -> None:
    # 200/300 = 2/3 exactly; 666.666/1000 (an apportioned count) is just below it.
    entries = [dual("b", 1, "666.666", 1000, 3000), dual("c", 1, "200", 300, 900)]
    assert fill_block_list(entries, 1).elected == ("c",)


def test_a_district_winner_leaves_the_list() -> None:
    entries = [dual("b", 1, "1000", 1000, 2000, won=True), dual("c", 1, "500", 1000, 2000), ListEntry("d", 2)]
    fill = fill_block_list(entries, 1)
    assert fill.elected == ("c",)
    assert fates(entries, 1)["b"] == (None, Standing.WON_DISTRICT, Fraction(1))
    assert [e.key for e in eligible(entries)] == ["c", "d"]


def test_a_dual_candidate_below_one_tenth_of_the_district_valid_votes_cannot_be_elected() -> None:
    below = dual("b", 1, "99.999", 600, 1000)  # under 100 = 1000/10
    on_the_line = dual("c", 1, "100", 600, 1000)  # exactly one tenth is not below it
    fill = fill_block_list([below, on_the_line, ListEntry("d", 2)], 2)
    assert fill.elected == ("c", "d")
    assert fates([below], 1)["b"][1] == Standing.BELOW_DEPOSIT_LINE


def test_a_list_that_runs_out_passes_its_seats_on_by_continuing_dhondt() -> None:
    # Party P: 3000 votes, list of three, of whom one won the district and one polled under a tenth.
    p_list = [
        dual("p1", 1, "5000", 5000, 9000, won=True),
        dual("p2", 1, "800", 5000, 9000),  # under 900
        dual("p3", 1, "2000", 5000, 9000),
    ]
    q_list = [ListEntry(f"q{i}", i) for i in range(1, 5)]
    votes = {"P": Decimal(3000), "Q": Decimal(1000)}
    # Unlimited: P/1 3000, P/2 1500, P/3 1000 = Q/1 1000 ... P would take 3 of 3 with a tie; with
    # one eligible entry P stops after 3000 and Q takes 1000 and 500.
    capacity = {"P": len(eligible(p_list)), "Q": len(eligible(q_list))}
    result = dhondt(votes, 3, capacity=capacity)
    assert result.tie is None
    assert result.seats == {"P": 1, "Q": 2}
    assert fill_block_list(p_list, result.seats["P"]).elected == ("p3",)
    assert fill_block_list(q_list, result.seats["Q"]).elected == ("q1", "q2")


def test_every_citation_says_whether_it_was_verified_and_from_where() -> None:
    from services.elections.results.block_lists import CITATIONS

    assert CITATIONS
    for citation in CITATIONS:
        assert citation.article.startswith("art. ")
        assert not citation.verified or citation.source, citation
