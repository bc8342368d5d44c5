"""The service's copy of the national list of local-government codes."""

from __future__ import annotations

from pathlib import Path

from services.revitalization.local_governments import DATA_FILE, full_name, local_governments

ROOT = Path(__file__).resolve().parents[2]
REGISTRY_COPY = ROOT / "services" / "registry" / "data" / "local_government_codes.csv"


def test_copy_is_the_code_master() -> None:
    assert DATA_FILE.read_bytes() == REGISTRY_COPY.read_bytes()
    assert len(local_governments()) == 1969


def test_full_names_carry_their_prefecture() -> None:
    assert full_name("011002") == "北海道札幌市"
    assert full_name("130001") == "東京都"
    assert full_name("131016") == "東京都千代田区"
    assert full_name("012335") != full_name("072133")  # the two 伊達市
    assert full_name("999997") is None
