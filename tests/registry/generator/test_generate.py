"""The synthetic-data generator: deterministic, realistic, and always importable."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from random import Random

from services.registry.generator.generate import Generator, municipalities, write
from services.registry.importer.parsing import Context, prepare
from services.registry.residents.identity import IdentityCipher


def test_same_seed_same_file(tmp_path: Path) -> None:
    write(200, 42, tmp_path / "a.jsonl")
    write(200, 42, tmp_path / "b.jsonl")
    write(200, 43, tmp_path / "c.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (tmp_path / "a.jsonl").read_bytes() != (tmp_path / "c.jsonl").read_bytes()


def test_generated_records_pass_the_import_checks() -> None:
    codes, _ = municipalities()
    context = Context(
        frozenset(codes), date(2026, 11, 27), datetime(2026, 11, 27, tzinfo=UTC), IdentityCipher("t")
    )
    records = list(Generator(7).residents(3000))
    for record in records:
        prepare(record, context, Random(1))
    assert len({record["resident_code"] for record in records}) == 3000
    assert len({record["individual_number"] for record in records}) == 3000
    foreign = [record for record in records if record["nationality"] != "JP"]
    assert 0 < len(foreign) < 300
    assert all(record["status_of_residence"] for record in foreign)
    assert sum(1 for record in records if record.get("residence_history")) > 300
    households: dict[str, list[dict[str, object]]] = {}
    for record in records:
        households.setdefault(str(record["household_id"]), []).append(record)
    assert any(len(members) >= 3 for members in households.values())
    for members in households.values():
        assert len({member["local_government_code"] for member in members}) == 1
        assert sum(1 for member in members if member["relationship"] == "世帯主") == 1


def test_northern_territories_have_no_residents() -> None:
    codes, _ = municipalities()
    assert "016951" not in codes
    assert "131016" in codes
    assert "011002" not in codes


def test_csv_has_a_header(tmp_path: Path) -> None:
    write(5, 1, tmp_path / "r.csv")
    header = (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("resident_code,family_name")
