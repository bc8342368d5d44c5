"""Value types of the domain: identifiers, money, fiscal years, names, sex, timestamps.

Pure code: no I/O, no database, no web framework. Each identifier has plain functions
(check digit, validity) and a pydantic ``Annotated[str, ...]`` type for API models.
"""

from shared.values.corporate_number import (
    CorporateNumber,
    corporate_number_check_digit,
    is_valid_corporate_number,
)
from shared.values.dates import DATE_MAX, DATE_MIN, CalendarDate, TimeOfDay
from shared.values.fiscal_year import (
    FISCAL_YEAR_MAX,
    FISCAL_YEAR_MIN,
    JST,
    FiscalYear,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
)
from shared.values.ids import BIG_ROW_ID_MAX, ROW_ID_MAX, BigRowId, RowId
from shared.values.individual_number import (
    IndividualNumber,
    MaskedIndividualNumber,
    individual_number_check_digit,
    is_valid_individual_number,
    mask_individual_number,
)
from shared.values.local_government_code import (
    LocalGovernmentCode,
    is_prefecture_code,
    is_valid_local_government_code,
    local_government_check_digit,
    prefecture_code_of,
)
from shared.values.names import (
    NAME_MAX_LENGTH,
    NAME_VARIANTS,
    KanaName,
    KanjiName,
    fold_for_matching,
    fold_kana_for_matching,
    hiragana_to_katakana,
    normalize_kana,
    normalize_name,
)
from shared.values.resident_code import (
    DEFAULT_RESIDENT_CODE_SCHEME,
    ResidentCode,
    ResidentCodeScheme,
    WeightedMod11ResidentCodeScheme,
    is_valid_resident_code,
    issue_resident_code,
    mask_resident_code,
    resident_code_check_digit,
    resident_code_validator,
)
from shared.values.sex import Sex
from shared.values.timestamps import UtcDateTime, to_rfc3339, utc_now
from shared.values.yen import SIGNED_YEN_MIN, YEN_MAX, SignedYen, Yen

__all__ = [
    "BIG_ROW_ID_MAX",
    "DATE_MAX",
    "DATE_MIN",
    "DEFAULT_RESIDENT_CODE_SCHEME",
    "FISCAL_YEAR_MAX",
    "FISCAL_YEAR_MIN",
    "JST",
    "NAME_MAX_LENGTH",
    "NAME_VARIANTS",
    "ROW_ID_MAX",
    "SIGNED_YEN_MIN",
    "YEN_MAX",
    "BigRowId",
    "CalendarDate",
    "CorporateNumber",
    "FiscalYear",
    "IndividualNumber",
    "KanaName",
    "KanjiName",
    "LocalGovernmentCode",
    "MaskedIndividualNumber",
    "ResidentCode",
    "ResidentCodeScheme",
    "RowId",
    "Sex",
    "SignedYen",
    "TimeOfDay",
    "UtcDateTime",
    "WeightedMod11ResidentCodeScheme",
    "Yen",
    "corporate_number_check_digit",
    "fiscal_year_end",
    "fiscal_year_of",
    "fiscal_year_start",
    "fold_for_matching",
    "fold_kana_for_matching",
    "hiragana_to_katakana",
    "individual_number_check_digit",
    "is_prefecture_code",
    "is_valid_corporate_number",
    "is_valid_individual_number",
    "is_valid_local_government_code",
    "is_valid_resident_code",
    "issue_resident_code",
    "local_government_check_digit",
    "mask_individual_number",
    "mask_resident_code",
    "normalize_kana",
    "normalize_name",
    "prefecture_code_of",
    "resident_code_check_digit",
    "resident_code_validator",
    "to_rfc3339",
    "utc_now",
]
