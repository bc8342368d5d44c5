"""Turnout: public figures by sex, voting method, hour and age band."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.contracts.elections.overseas import OverseasTurnout


class TurnoutFigure(BaseModel):
    electors: int
    voters: int
    turnout_percent: str = Field(description="voters / electors × 100, truncated to two places.")


class TurnoutBySex(BaseModel):
    male: TurnoutFigure
    female: TurnoutFigure
    other: TurnoutFigure = Field(description="Sex not known or not applicable in the register.")
    total: TurnoutFigure


class AgeBand(BaseModel):
    band: str = Field(examples=["18-19", "20-24", "80+"])
    figure: TurnoutFigure


class FinalTurnout(BaseModel):
    election_id: int
    scope: str = Field(description="'election', 'municipality:<code>', 'station:<id>' or 'contest:<id>'.")
    registered: int = Field(
        description="On the roll (選挙人名簿登録者数), marked voters included: a mark (art. 27) never "
        "takes a voter off the roll."
    )
    suspended_on_polling_day: int = Field(
        description="On the roll but without the vote on polling day (a suspension, art. 11, 252, covers "
        "it): not among the electors (当日有権者数 = registered − this). A suspension that ended before "
        "polling day or was lifted by then excludes nobody."
    )
    by_sex: TurnoutBySex
    by_method: dict[str, int] = Field(description="Voters by method: ordinary, early, absentee.")
    by_age_band: list[AgeBand]
    overseas: OverseasTurnout | None = Field(
        default=None,
        description="The overseas roll (在外選挙人名簿), reported apart: national elections only, and not "
        "for a station's scope. Its voters are not in the figures above.",
    )
    with_overseas: TurnoutFigure | None = Field(
        default=None,
        description="The total of the domestic electors (by_sex.total) and the overseas roll's, as the "
        "MIC turnout tables total them (国内 + 在外 = 計); null where `overseas` is.",
    )


class HourlyFigure(BaseModel):
    as_of: str = Field(description="Local (JST) time of day, e.g. '10:00'.")
    by_sex: TurnoutBySex


class HourlyTurnout(BaseModel):
    election_id: int
    scope: str
    polling_day: str
    hours: list[HourlyFigure] = Field(description="Polling-day (ordinary) voters only, cumulative.")
