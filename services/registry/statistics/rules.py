"""Age bands, flow kinds and small-cell suppression (pure: no I/O).

Age bands are the 5-year bands of MIC's 住民基本台帳に基づく人口、人口動態及び世帯数 (0-4 … 95-99,
then 100 and over). Age is counted on the date asked, as birthdays are counted in everyday use: a
person born on 2000-03-01 is 20 on 2020-03-01, and one born on 29 February turns a year older on
1 March in a common year (年齢計算ニ関スル法律: a year is completed at the end of the day before the
anniversary, so on 28 February they have not yet completed it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from shared.values.sex import Sex

BAND_YEARS = 5
OPEN_BAND_FROM = 100
AGE_BANDS: tuple[str, ...] = (
    *(f"{start}-{start + BAND_YEARS - 1}" for start in range(0, OPEN_BAND_FROM, BAND_YEARS)),
    f"{OPEN_BAND_FROM}+",
)
SEXES: tuple[str, ...] = tuple(sex.value for sex in Sex)

INCREASES: tuple[str, ...] = ("births", "moves_in_domestic", "moves_in_abroad", "other_increases")
DECREASES: tuple[str, ...] = ("deaths", "moves_out_domestic", "moves_out_abroad", "other_decreases")
FLOW_KINDS: tuple[str, ...] = (*INCREASES, *DECREASES)


def years_before(on: date, years: int) -> date:
    """The same day `years` years earlier (29 February becomes 28 February in a common year)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def band_cutoffs(on: date) -> list[date]:
    """For each band after the first, the latest birth date of someone at least its lower age on
    `on`: a person is in band i when born after cutoff i and on or before cutoff i-1."""
    return [years_before(on, start) for start in range(BAND_YEARS, OPEN_BAND_FROM + 1, BAND_YEARS)]


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years on `on` (for checks and tests; the queries band by `band_cutoffs`)."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (1 if before_birthday else 0)


def band_of_age(age: int) -> int:
    return min(age // BAND_YEARS, len(AGE_BANDS) - 1)


def cell(count: int, min_cell: int) -> dict[str, Any]:
    """A published cell: counts from 1 to min_cell - 1 are suppressed (null, flagged); 0 is shown."""
    if 0 < count < min_cell:
        return {"value": None, "suppressed": True}
    return {"value": count, "suppressed": False}


def total(cells: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A total of published cells only: a suppressed cell adds nothing (and is counted), so no
    suppressed value can be recovered by subtracting the published cells from a total."""
    value = 0
    suppressed = 0
    for item in cells:
        if item["suppressed"]:
            suppressed += 1
        else:
            value += item["value"]
    return {"value": value, "suppressed_cells": suppressed}


def merge_totals(totals: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    merged = {"value": 0, "suppressed_cells": 0}
    for item in totals:
        merged["value"] += item["value"]
        merged["suppressed_cells"] += item["suppressed_cells"]
    return merged


def population_document(
    on: date,
    counts: Sequence[Mapping[str, Any]],
    households: Mapping[str, int],
    *,
    min_cell: int,
    codes: Sequence[str] | None,
) -> dict[str, Any]:
    """The published table from raw counts (rows of code, sex, band, count) and household counts."""
    raw: dict[str, dict[tuple[str, int], int]] = {}
    for row in counts:
        raw.setdefault(row["local_government_code"], {})[(row["sex"], int(row["band"]))] = int(row["count"])
    listed = sorted(set(raw) | set(households)) if codes is None else list(codes)
    municipalities: list[dict[str, Any]] = []
    bands = range(len(AGE_BANDS))
    for code in listed:
        by_cell = raw.get(code, {})
        rows: list[dict[str, Any]] = []
        band_values = [0] * len(AGE_BANDS)
        band_suppressed = [0] * len(AGE_BANDS)
        # Plain lists rather than a cell object each: a whole-country table has some 160,000 cells.
        present = {sex for sex, _band in by_cell}
        for sex in SEXES:
            if sex not in present:
                rows.append(
                    {
                        "sex": sex,
                        "counts": [0] * len(AGE_BANDS),
                        "suppressed_bands": [],
                        "total": {"value": 0, "suppressed_cells": 0},
                    }
                )
                continue
            published: list[int | None] = []
            hidden: list[str] = []
            value = 0
            for index in bands:
                count = by_cell.get((sex, index), 0)
                if 0 < count < min_cell:
                    published.append(None)
                    hidden.append(AGE_BANDS[index])
                    band_suppressed[index] += 1
                else:
                    published.append(count)
                    value += count
                    band_values[index] += count
            rows.append(
                {
                    "sex": sex,
                    "counts": published,
                    "suppressed_bands": hidden,
                    "total": {"value": value, "suppressed_cells": len(hidden)},
                }
            )
        municipalities.append(
            {
                "local_government_code": code,
                "households": cell(households.get(code, 0), min_cell),
                "population": rows,
                "population_by_age_band": {"counts": band_values, "suppressed_cells": band_suppressed},
                "population_total": merge_totals(row["total"] for row in rows),
            }
        )
    return {
        "as_of": on.isoformat(),
        "min_cell": min_cell,
        "age_bands": list(AGE_BANDS),
        "municipalities": municipalities,
        "total": {
            "households": total(item["households"] for item in municipalities),
            "population": merge_totals(item["population_total"] for item in municipalities),
        },
    }


def flows_document(
    from_date: date,
    to_date: date,
    counts: Sequence[Mapping[str, Any]],
    *,
    min_cell: int,
    codes: Sequence[str] | None,
) -> dict[str, Any]:
    """The published movements from raw counts (rows of code, sex, kind, count)."""
    raw: dict[str, dict[tuple[str, str], int]] = {}
    for row in counts:
        raw.setdefault(row["local_government_code"], {})[(row["sex"], row["kind"])] = int(row["count"])
    listed = sorted(raw) if codes is None else list(codes)
    municipalities: list[dict[str, Any]] = []
    for code in listed:
        by_cell = raw.get(code, {})
        cells = {
            sex: {kind: cell(by_cell.get((sex, kind), 0), min_cell) for kind in FLOW_KINDS} for sex in SEXES
        }
        rows = [{"sex": sex, **cells[sex]} for sex in SEXES]
        totals = {kind: total(cells[sex][kind] for sex in SEXES) for kind in FLOW_KINDS}
        municipalities.append(
            {
                "local_government_code": code,
                "by_sex": rows,
                "totals": totals,
                "increases": merge_totals(totals[kind] for kind in INCREASES),
                "decreases": merge_totals(totals[kind] for kind in DECREASES),
            }
        )
    return {
        "from_date": from_date.isoformat(),
        "to_date": to_date.isoformat(),
        "min_cell": min_cell,
        "municipalities": municipalities,
        "totals": {
            kind: merge_totals(item["totals"][kind] for item in municipalities) for kind in FLOW_KINDS
        },
    }
