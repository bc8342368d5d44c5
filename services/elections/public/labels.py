"""Words of the public pre-election information in Japanese and English (pure)."""

from __future__ import annotations

from datetime import time

from shared.contracts.elections import ContestKind, Language

KINDS: dict[ContestKind, dict[Language, str]] = {
    ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT: {
        Language.JA: "衆議院小選挙区選出議員選挙",
        Language.EN: "House of Representatives, single-member district",
    },
    ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL: {
        Language.JA: "衆議院比例代表選出議員選挙",
        Language.EN: "House of Representatives, proportional representation block",
    },
    ContestKind.HOUSE_OF_COUNCILLORS_DISTRICT: {
        Language.JA: "参議院選挙区選出議員選挙",
        Language.EN: "House of Councillors, prefectural district",
    },
    ContestKind.HOUSE_OF_COUNCILLORS_NATIONAL: {
        Language.JA: "参議院比例代表選出議員選挙",
        Language.EN: "House of Councillors, national proportional representation",
    },
    ContestKind.GOVERNOR: {Language.JA: "都道府県知事選挙", Language.EN: "Prefectural governor"},
    ContestKind.MAYOR: {Language.JA: "市区町村長選挙", Language.EN: "Mayor"},
    ContestKind.PREFECTURAL_ASSEMBLY: {
        Language.JA: "都道府県議会議員選挙",
        Language.EN: "Prefectural assembly",
    },
    ContestKind.MUNICIPAL_ASSEMBLY: {Language.JA: "市区町村議会議員選挙", Language.EN: "Municipal assembly"},
}

SECTIONS: dict[Language, dict[str, str]] = {
    Language.JA: {
        "polling_day": "投票日",
        "early_voting": "期日前投票期間",
        "contests": "選挙",
        "candidates": "候補者",
        "parties": "政党・政治団体",
        "polling_stations": "投票所",
        "hours": "投票時間",
    },
    Language.EN: {
        "polling_day": "Polling day",
        "early_voting": "Early voting period",
        "contests": "Contests",
        "candidates": "Candidates",
        "parties": "Parties and political groups",
        "polling_stations": "Polling stations",
        "hours": "Polling hours",
    },
}


def hours(opens_at: time, closes_at: time, language: Language) -> str:
    def ja(t: time) -> str:
        noon = "午前" if t.hour < 12 else "午後"
        hour = t.hour if t.hour <= 12 else t.hour - 12
        return f"{noon}{hour}時" + (f"{t.minute}分" if t.minute else "")

    if language == Language.JA:
        return f"{ja(opens_at)}から{ja(closes_at)}まで"
    return f"{opens_at.strftime('%H:%M')} to {closes_at.strftime('%H:%M')} (JST)"
