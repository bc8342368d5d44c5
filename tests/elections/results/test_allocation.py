"""Plurality with the minimum, D'Hondt with and without ties, lots, party lists and the 特定枠."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from services.elections.results.allocation import (
    Lot,
    dhondt,
    draw_with_seed,
    fill_party_seats,
    plurality,
)


def votes(**counts: int | str) -> dict[str, Decimal]:
    return {k: Decimal(str(v)) for k, v in counts.items()}


def test_reference_dhondt_example_needs_a_lot_for_the_fourth_seat() -> None:
    result = dhondt(votes(A=1000, B=800, C=400), 4)
    assert result.tie is not None
    assert set(result.tie.contenders) == {"B", "C"}
    assert result.tie.seats_at_stake == 1
    assert result.tie.value == 400
    assert result.seats == {"A": 2, "B": 1, "C": 0}
    seated = [(q.party, q.divisor, q.seat) for q in result.steps if q.seat is not None]
    assert seated == [("A", 1, 1), ("B", 1, 2), ("A", 2, 3)]


@pytest.mark.parametrize("winner", ["B", "C"])
def test_reference_example_completes_with_the_drawn_lot(winner: str) -> None:
    lot = Lot(frozenset({"B", "C"}), 1, (winner,))
    result = dhondt(votes(A=1000, B=800, C=400), 4, lots=[lot])
    assert result.tie is None
    assert sum(result.seats.values()) == 4
    assert result.seats[winner] == (2 if winner == "B" else 1)
    assert result.lots_applied == (lot,)


def test_tie_is_not_broken_by_the_order_of_the_input() -> None:
    for order in (votes(B=800, C=400, A=1000), votes(C=400, A=1000, B=800)):
        assert dhondt(order, 4).tie is not None


DHONDT = [
    ({"A": 1000, "B": 800, "C": 400}, 3, {"A": 2, "B": 1, "C": 0}),
    ({"A": 1000, "B": 800, "C": 400}, 5, {"A": 2, "B": 2, "C": 1}),
    ({"A": 100, "B": 80, "C": 30}, 8, {"A": 4, "B": 3, "C": 1}),
    ({"A": 720, "B": 300, "C": 0}, 3, {"A": 2, "B": 1, "C": 0}),
    ({"A": 1000, "B": 300, "C": 0}, 3, {"A": 3, "B": 0, "C": 0}),
    ({"A": 1, "B": 0}, 2, {"A": 2, "B": 0}),
]


@pytest.mark.parametrize(("counts", "seats", "expected"), DHONDT)
def test_dhondt_without_ties(counts: dict[str, int], seats: int, expected: dict[str, int]) -> None:
    result = dhondt(votes(**counts), seats)
    assert result.tie is None
    assert result.seats == expected


def test_dhondt_exact_fractions_no_float_ties() -> None:
    # 300/3 = 100 = 100/1: a real tie; 299.999/3 < 100: none.
    assert dhondt(votes(A=300, B=100), 3).tie is not None
    assert dhondt(votes(A="299.999", B=100), 3).seats == {"A": 2, "B": 1}


def test_dhondt_passes_seats_on_when_a_list_runs_out() -> None:
    result = dhondt(votes(A=1000, B=100), 3, capacity={"A": 1, "B": 5})
    assert result.seats == {"A": 1, "B": 2}


def test_plurality_single_seat() -> None:
    result = plurality(votes(a=500, b=300, c=200), 1, Fraction(1000, 6))
    assert result.elected == ("a",)
    assert not result.re_election_required


def test_plurality_re_election_when_nobody_reaches_the_minimum() -> None:
    result = plurality(votes(a=30, b=30, c=25, d=15), 1, Fraction(100, 4))
    assert result.tie is not None  # a and b tie for the only seat
    result = plurality(votes(a=24, b=23, c=23, d=30), 1, Fraction(100, 2))
    assert result.elected == ()
    assert result.seats_unfilled == 1
    assert result.re_election_required


def test_plurality_multi_seat_with_shortfall() -> None:
    result = plurality(votes(a=600, b=300, c=50, d=50), 3, Fraction(1000, 3 * 4))
    assert result.elected == ("a", "b")
    assert result.seats_unfilled == 1
    assert result.re_election_required


def test_plurality_tie_for_the_last_seat_and_its_lot() -> None:
    result = plurality(votes(a=500, b=200, c=200, d=100), 2, Fraction(0))
    assert result.tie is not None
    assert result.tie.contenders == ("b", "c")
    assert result.elected == ("a",)
    assert not result.re_election_required
    decided = plurality(
        votes(a=500, b=200, c=200, d=100), 2, Fraction(0), [Lot(frozenset({"b", "c"}), 1, ("c",))]
    )
    assert decided.elected == ("a", "c")


def test_plurality_tie_inside_the_seats_needs_no_lot() -> None:
    result = plurality(votes(a=200, b=200, c=100), 2, Fraction(0))
    assert result.tie is None
    assert set(result.elected) == {"a", "b"}


def test_minimum_at_equality_wins() -> None:
    assert plurality(votes(a=25, b=75), 1, Fraction(25)).qualified == {"a", "b"}


def test_party_priority_list_first_then_personal_votes() -> None:
    fill = fill_party_seats(3, ranked_first=["p1"], by_votes=votes(p1=0, x=500, y=900, z=100))
    assert fill.elected == ("p1", "y", "x")
    assert fill.tie is None


def test_party_priority_list_takes_all_seats_when_few() -> None:
    assert fill_party_seats(2, ranked_first=["p1", "p2", "p3"], by_votes=votes(x=10)).elected == ("p1", "p2")


def test_party_personal_vote_tie_needs_a_lot() -> None:
    fill = fill_party_seats(2, ranked_first=[], by_votes=votes(x=300, y=100, z=100))
    assert fill.tie is not None
    assert fill.tie.contenders == ("y", "z")


def test_seeded_draw_is_reproducible_and_order_free() -> None:
    first = draw_with_seed("seed-1", ["b", "c", "d"], 2)
    assert first == draw_with_seed("seed-1", ["d", "c", "b"], 2)
    assert len(set(first)) == 2
