"""Political-fund disclosure: political organizations, annual reports with amendments, donations,
disclosure search, donation limits and party subsidies.

- Amounts and thresholds are dated data (`services/funds/rulebook.py`), chosen by the date of
  each transaction (the fundraising-party threshold drops from ¥200,000 to ¥50,000 on
  2027-01-01). Unverified figures: company caps for capital of ¥10bn and more (configure
  `FUNDS_COMPANY_CAP_STEPS_ABOVE_10BN`; until then ¥30M applies from ¥5bn), union and other
  bodies' caps, other income itemised from ¥100,000.
- A filing that reveals a breach is accepted; the breach becomes a finding (funds:review),
  recomputed for every donor a filing or amendment touches, across all reports of the year.
  Donors are matched by folded name plus municipality plus normalised address.
- Public endpoints return only what the law itemizes, addresses cut to the municipality, for
  three years after first filing. Donor-name search is a substring match on the folded name
  (a trigram GIN index on PostgreSQL).
- Party subsidies are split to the yen by the largest-remainder method (see
  `subsidies/allocation.py`); vote totals are entered or imported from the elections service.
"""
