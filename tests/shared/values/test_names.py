from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.values.names import (
    NAME_VARIANTS,
    KanaName,
    KanjiName,
    fold_for_matching,
    fold_kana_for_matching,
    hiragana_to_katakana,
    normalize_kana,
    normalize_name,
)

KANJI: TypeAdapter[str] = TypeAdapter(KanjiName)
KANA: TypeAdapter[str] = TypeAdapter(KanaName)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),  # half-width katakana with voiced marks
        ("ﾔﾏﾀﾞ\u3000ﾀﾛｳ", "ヤマダ タロウ"),
        ("やまだ たろう", "ヤマダ タロウ"),  # hiragana
        ("やまだ　タロウ", "ヤマダ タロウ"),
        ("  ヤマダ\u3000\u3000タロウ \t", "ヤマダ タロウ"),  # trimmed, runs collapsed
        ("ﾊﾟｰｸ", "パーク"),
        ("ｻﾄｳ･ﾊﾅｺ", "サトウ・ハナコ"),
        ("ゔぁいおりん", "ヴァイオリン"),
        ("ぁゕゖゝゞ", "ァヵヶヽヾ"),
        ("ヤマダ", "ヤマダ"),
        ("", ""),
    ],
)
def test_normalize_kana(raw: str, expected: str) -> None:
    assert normalize_kana(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ひらがな", "ヒラガナ"), ("カタカナ", "カタカナ"), ("漢字とかな", "漢字トカナ"), ("abc", "abc")],
)
def test_hiragana_to_katakana(raw: str, expected: str) -> None:
    assert hiragana_to_katakana(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("山田　太郎", "山田 太郎"),
        ("\u3000山田  太郎\u3000", "山田 太郎"),
        ("山田\n太郎", "山田 太郎"),
        ("ＪＯＨＮ　ＳＭＩＴＨ", "JOHN SMITH"),
        ("髙橋", "髙橋"),  # variants are kept in stored names
        ("やまだ", "やまだ"),  # and so is hiragana
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ("髙橋", "高橋", "髙橋 "),
        ("髙橋 一郎", "高橋一郎", "高橋　一郎"),
        ("渡邊", "渡邉", "渡辺"),
        ("齋藤", "齊藤", "斉藤", "斎藤"),
        ("山﨑", "山嵜", "山崎"),
        ("濵田", "濱田", "浜田"),
        ("小澤", "小沢"),
        ("櫻井", "桜井"),
        ("廣瀬", "広瀬"),
        ("國分", "国分"),
        ("實", "実"),
        ("眞理子", "真理子"),
        ("惠", "恵"),
        ("德川", "徳川"),
        ("壽", "寿"),
        ("藏本", "蔵本"),
        ("中嶋", "中島"),
        ("やまだ", "ヤマダ", "ﾔﾏﾀﾞ"),
        ("葛\U000e0100城", "葛城"),  # ideographic variation selector dropped
        ("John SMITH", "john smith", "ＪＯＨＮ　ＳＭＩＴＨ"),
    ],
)
def test_fold_for_matching_equates_spellings(spellings: tuple[str, ...]) -> None:
    assert len({fold_for_matching(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(("old", "new"), sorted(NAME_VARIANTS.items()))
def test_every_variant_folds_to_its_standard_form(old: str, new: str) -> None:
    assert fold_for_matching(old) == new
    assert fold_for_matching(new) == new


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("高橋", "髙田"),
        ("渡辺", "渡部"),
        ("キャ", "キヤ"),  # small kana are folded only by the kana function
        ("山田太郎", "山田次郎"),
    ],
)
def test_fold_for_matching_keeps_different_names_apart(left: str, right: str) -> None:
    assert fold_for_matching(left) != fold_for_matching(right)


@pytest.mark.parametrize(
    ("spellings", "folded"),
    [
        (("ヤマダ タロウ", "やまだ　たろう", "ﾔﾏﾀﾞﾀﾛｳ"), "ヤマダタロウ"),
        (("キャ", "キヤ", "きゃ", "ｷｬ"), "キヤ"),
        (("シュウ", "シユウ"), "シユウ"),
        (("ハットリ", "ハツトリ"), "ハツトリ"),
        (("ヴァ", "ヴア"), "ヴア"),
        (("ケ", "ヶ"), "ケ"),
        (("カ", "ヵ"), "カ"),
        (("ジョン・スミス", "ジョン スミス", "ｼﾞｮﾝ･ｽﾐｽ"), "ジヨンスミス"),
        (("メール", "メ-ル", "メ－ル", "メ―ル", "メｰル"), "メール"),
    ],
)
def test_fold_kana_for_matching(spellings: tuple[str, ...], folded: str) -> None:
    assert {fold_kana_for_matching(spelling) for spelling in spellings} == {folded}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("やまだ　たろう", "ヤマダ タロウ"),
        ("サトウ・ハナコ", "サトウ・ハナコ"),
        ("ヴィクトリア", "ヴィクトリア"),
        ("ア" * 100, "ア" * 100),
    ],
)
def test_kana_name_accepts(raw: str, expected: str) -> None:
    assert KANA.validate_python(raw) == expected


@pytest.mark.parametrize(
    ("raw", "error_type", "fragments"),
    [
        ("山田", "kana_invalid_character", ("'山'", "U+5C71", "position 1")),
        ("ヤマダA", "kana_invalid_character", ("'A'", "U+0041 LATIN CAPITAL LETTER A", "position 4")),
        ("ヤマダＡ", "kana_invalid_character", ("'A'", "position 4")),  # after NFKC
        ("ヤマダ-タロウ", "kana_invalid_character", ("'-'", "HYPHEN-MINUS")),
        ("ヤマダ1", "kana_invalid_character", ("'1'",)),
        ("ヤマダ〜", "kana_invalid_character", ("U+301C",)),
        ("", "kana_name_empty", ("kana name must not be empty",)),
        ("\u3000 ", "kana_name_empty", ("kana name must not be empty",)),
        ("ア" * 101, "kana_name_too_long", ("at most 100 characters, got 101",)),
    ],
)
def test_kana_name_rejects(raw: str, error_type: str, fragments: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as caught:
        KANA.validate_python(raw)
    (error,) = caught.value.errors()
    assert error["type"] == error_type
    for fragment in fragments:
        assert fragment in error["msg"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("山田　太郎", "山田 太郎"),
        (" 髙橋 一郎 ", "髙橋 一郎"),
        ("John Smith", "John Smith"),
        ("葛\U000e0100城", "葛\U000e0100城"),
        ("山田\n太郎", "山田 太郎"),
        ("山" * 100, "山" * 100),
    ],
)
def test_kanji_name_accepts(raw: str, expected: str) -> None:
    assert KANJI.validate_python(raw) == expected


@pytest.mark.parametrize(
    ("raw", "error_type", "fragment"),
    [
        ("", "kanji_name_empty", "name must not be empty"),
        ("\u3000", "kanji_name_empty", "name must not be empty"),
        ("山" * 101, "kanji_name_too_long", "at most 100 characters, got 101"),
        ("山田\x00太郎", "kanji_name_control_character", "U+0000 at position 3"),
        ("山田\x7f", "kanji_name_control_character", "U+007F"),
        ("山田\u200b太郎", "kanji_name_control_character", "U+200B ZERO WIDTH SPACE"),
        ("\ufeff山田", "kanji_name_control_character", "U+FEFF"),
        (123, "string_type", "Input should be a valid string"),
    ],
)
def test_kanji_name_rejects(raw: Any, error_type: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        KANJI.validate_python(raw)
    (error,) = caught.value.errors()
    assert error["type"] == error_type
    assert fragment in error["msg"]


def test_in_a_model() -> None:
    class Person(BaseModel):
        name: KanjiName
        name_kana: KanaName

    person = Person.model_validate_json('{"name": "山田　太郎", "name_kana": "ﾔﾏﾀﾞ ﾀﾛｳ"}')
    assert (person.name, person.name_kana) == ("山田 太郎", "ヤマダ タロウ")


def test_json_schema() -> None:
    for adapter in (KANJI, KANA):
        schema = adapter.json_schema()
        assert schema["type"] == "string"
        assert (schema["minLength"], schema["maxLength"]) == (1, 100)
        assert schema["description"]
        assert schema["examples"]
