from __future__ import annotations

import pytest

from services.funds.reports.identity import donor_key, normalise_address, search_key

BASE = donor_key("山田 太郎", "131016", "東京都千代田区霞が関2丁目1番2号")


@pytest.mark.parametrize(
    ("name", "code", "address"),
    [
        ("山田太郎", "131016", "東京都千代田区霞が関2-1-2"),
        ("山田　太郎", "131016", "千代田区霞が関２－１－２"),
        ("山田 太郎", "131016", "霞が関二丁目一番二号"),
        ("山田 太郎", "131016", "東京都 千代田区 霞が関 2−1−2"),
    ],
)
def test_same_donor_written_differently(name: str, code: str, address: str) -> None:
    assert donor_key(name, code, address) == BASE


@pytest.mark.parametrize(
    ("name", "code", "address"),
    [
        ("山田 次郎", "131016", "東京都千代田区霞が関2-1-2"),
        ("山田 太郎", "131024", "東京都中央区霞が関2-1-2"),
        ("山田 太郎", "131016", "東京都千代田区霞が関2-1-3"),
    ],
)
def test_different_donors(name: str, code: str, address: str) -> None:
    assert donor_key(name, code, address) != BASE


def test_variants_kana_and_width_fold() -> None:
    assert donor_key("髙橋 一郎", "131016", "霞が関1-1") == donor_key("高橋一郎", "131016", "霞が関1-1")
    assert search_key("やまだ") == search_key("ﾔﾏﾀﾞ") == "ヤマダ"
    assert search_key("ＡＢＣ商事") == "abc商事"


@pytest.mark.parametrize(
    ("text", "key"), [("十二番地", "12"), ("二十三号", "23"), ("三十", "30"), ("十", "10")]
)
def test_kanji_numbers(text: str, key: str) -> None:
    assert normalise_address(text) == key
