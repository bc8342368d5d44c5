"""`python -m services.registry generate --count N --seed S --out FILE`: synthetic residents.

Households share a surname and an address in a real municipality (from the seed code list,
weighted towards cities and wards); about 2.5% are foreign residents with a status of
residence; about a third have earlier residence periods elsewhere. The same seed gives the
same file. Output is the import format (JSON Lines, or CSV without the history).
"""

from __future__ import annotations

import csv
from bisect import bisect_left
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import IO, Any, Final

import orjson

from services.registry.generator.names import (
    BUILDINGS,
    FAMILY_NAMES,
    FEMALE_GIVEN_NAMES,
    FOREIGN_NAMES,
    MALE_GIVEN_NAMES,
    STATUSES_OF_RESIDENCE,
    TOWNS,
)
from shared.values import individual_number_check_digit, issue_resident_code

SEED_CSV: Final = Path(__file__).resolve().parents[1] / "data" / "local_government_codes.csv"
CSV_FIELDS: Final = (
    "resident_code", "family_name", "given_name", "family_name_kana", "given_name_kana",
    "date_of_birth", "sex",
    "nationality", "status_of_residence", "period_of_stay_until_date", "individual_number",
    "local_government_code", "address_line1", "address_line2", "address_since_date", "household_id",
    "household_head_code", "relationship",
)  # fmt: skip
_NORTHERN_TERRITORIES: Final = frozenset({"01695", "01696", "01697", "01698", "01699", "01700"})
REFERENCE_DATE: Final = date(2026, 10, 1)
"""Generated dates lie before this day, so one seed gives one file whatever the day it runs."""


HISTORY_CSV_NAME = "local_government_code_history.csv"


def _retired_since_the_list(history: Path) -> set[str]:
    """Codes of the 2018 list retired since (migration 0008): no longer in force, not a residence."""
    if not history.exists():
        return set()
    with history.open(encoding="utf-8", newline="") as handle:
        return {row["retired_code"] for row in csv.DictReader(handle) if row["effective_date"] > "2018-10-01"}


def municipalities(path: Path = SEED_CSV) -> tuple[list[str], list[float]]:
    """Codes a resident can live in, with weights (wards and cities above towns and villages)."""
    codes: list[str] = []
    weights: list[float] = []
    retired = _retired_since_the_list(path.with_name(HISTORY_CSV_NAME))
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kind, name, code = row["kind"], row["name"], row["code"]
            if (
                kind not in {"municipality", "special_ward", "designated_city_ward"}
                or code[:5] in _NORTHERN_TERRITORIES
                or code in retired
            ):
                continue
            weight = (
                6.0
                if kind != "municipality"
                else 3.0
                if name.endswith("市")
                else 1.0
                if name.endswith("町")
                else 0.4
            )
            codes.append(code)
            weights.append(weight)
    return codes, weights


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
        self.codes, weights = municipalities()
        total = sum(weights)
        self.cumulative = []
        running = 0.0
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)
        self.resident_codes: set[str] = set()
        self.numbers: set[str] = set()
        self.household_serial = 0

    def _municipality(self) -> str:
        return self.codes[min(bisect_left(self.cumulative, self.rng.random()), len(self.codes) - 1)]

    def _resident_code(self) -> str:
        while True:
            code = issue_resident_code(self.rng)
            if code not in self.resident_codes:
                self.resident_codes.add(code)
                return code

    def _individual_number(self) -> str:
        while True:
            first = "".join(str(self.rng.randrange(10)) for _ in range(11))
            number = first + str(individual_number_check_digit(first))
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def _address(self) -> list[str]:
        rng = self.rng
        lines = [f"{rng.choice(TOWNS)}{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番{rng.randint(1, 25)}号"]
        if rng.random() < 0.4:
            lines.append(
                f"{rng.choice(TOWNS)}{rng.choice(BUILDINGS)}{rng.randint(1, 12)}{rng.randint(1, 9):02d}号室"
            )
        return lines

    def _date_between(self, start: date, end: date) -> date:
        days = max(0, (end - start).days)
        return start + timedelta(days=self.rng.randint(0, days))

    def _history(self, birth: date, since: date) -> list[dict[str, Any]]:
        moves = self.rng.choice((0, 0, 1, 1, 2, 3)) if self.rng.random() < 0.5 else 0
        if moves == 0 or since <= birth + timedelta(days=2 * (moves + 1)):
            return []
        cuts = sorted(
            {self._date_between(birth + timedelta(days=1), since - timedelta(days=1)) for _ in range(moves)}
        )
        starts = [birth, *cuts]
        ends = [*cuts, since]
        return [
            {
                "local_government_code": self._municipality(),
                "address_lines": self._address(),
                "from_date": start.isoformat(),
                "to_date": end.isoformat(),
                "reason": "birth" if index == 0 else "move_in",
            }
            for index, (start, end) in enumerate(zip(starts, ends, strict=True))
            if end > start
        ]

    def household(self) -> list[dict[str, Any]]:
        """One household: a head, perhaps a spouse, perhaps children, at one address."""
        rng = self.rng
        self.household_serial += 1
        household_id = f"H{self.household_serial:012d}"
        municipality = self._municipality()
        address = self._address()
        foreign = rng.random() < 0.025
        nationality = rng.choice(sorted(FOREIGN_NAMES)) if foreign else "JP"
        if foreign:
            family, family_kana, _, _ = rng.choice(FOREIGN_NAMES[nationality])
        else:
            family, family_kana = rng.choice(FAMILY_NAMES)
        head_birth = self._date_between(date(1940, 1, 1), REFERENCE_DATE - timedelta(days=365 * 20))
        since = self._date_between(head_birth + timedelta(days=365 * 18), REFERENCE_DATE - timedelta(days=1))
        members: list[tuple[str, str, date]] = [("世帯主", rng.choice(("male", "female")), head_birth)]
        size = rng.choices((1, 2, 3, 4, 5), weights=(38, 28, 17, 12, 5))[0]
        if size >= 2:
            spouse_sex = "female" if members[0][1] == "male" else "male"
            spouse_birth = head_birth + timedelta(days=rng.randint(-1500, 1500))
            members.append(("妻" if spouse_sex == "female" else "夫", spouse_sex, min(spouse_birth, since)))
        for _ in range(max(0, size - 2)):
            earliest = head_birth + timedelta(days=365 * 20)
            if earliest >= REFERENCE_DATE:
                break
            members.append(
                ("子", rng.choice(("male", "female")), self._date_between(earliest, REFERENCE_DATE))
            )
        head_code = self._resident_code()
        records = []
        for index, (relationship, sex, birth) in enumerate(members):
            code = head_code if index == 0 else self._resident_code()
            if foreign:
                _, _, given, given_kana = rng.choice(FOREIGN_NAMES[nationality])
            else:
                given, given_kana = rng.choice(MALE_GIVEN_NAMES if sex == "male" else FEMALE_GIVEN_NAMES)
            arrived = max(since, birth)
            record: dict[str, Any] = {
                "resident_code": code,
                "family_name": family,
                "given_name": given,
                "family_name_kana": family_kana,
                "given_name_kana": given_kana,
                "date_of_birth": birth.isoformat(),
                "sex": sex,
                "nationality": nationality,
                "individual_number": self._individual_number(),
                "local_government_code": municipality,
                "address_lines": address,
                "address_since_date": arrived.isoformat(),
                "household_id": household_id,
                "household_head_code": head_code,
                "relationship": relationship,
            }
            if foreign:
                status = rng.choice(STATUSES_OF_RESIDENCE)
                record["status_of_residence"] = status
                if status != "永住者":
                    record["period_of_stay_until_date"] = (
                        REFERENCE_DATE + timedelta(days=rng.randint(30, 1800))
                    ).isoformat()
            history = self._history(birth, arrived)
            if history:
                record["residence_history"] = history
            records.append(record)
        return records

    def residents(self, count: int) -> Iterator[dict[str, Any]]:
        produced = 0
        while produced < count:
            for record in self.household():
                if produced >= count:
                    return
                produced += 1
                yield record


def write(count: int, seed: int, out: Path) -> int:
    generator = Generator(seed)
    with out.open("w", encoding="utf-8", newline="") as handle:
        if out.suffix.lower() == ".csv":
            return _write_csv(generator.residents(count), handle)
        written = 0
        for record in generator.residents(count):
            handle.write(orjson.dumps(record).decode() + "\n")
            written += 1
        return written


def _write_csv(records: Iterator[dict[str, Any]], handle: IO[str]) -> int:
    writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    written = 0
    for record in records:
        lines = record["address_lines"]
        writer.writerow(
            {**record, "address_line1": lines[0], "address_line2": lines[1] if len(lines) > 1 else ""}
        )
        written += 1
    return written
