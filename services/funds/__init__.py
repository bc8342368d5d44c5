"""Political-fund disclosure: political organizations, annual reports with amendments, donations,
disclosure search, donation limits and party subsidies.

- Amounts and thresholds are dated data (`services/funds/rulebook.py`), chosen by the date of
  each transaction (the fundraising-party threshold drops from ¥200,000 to ¥50,000 on
  2027-01-01). Unverified figures: company caps for capital of ¥10bn and more (configure
  `FUNDS_COMPANY_CAP_STEPS_ABOVE_10BN`; until then ¥30M applies from ¥5bn), union and other
  bodies' caps, other income itemised from ¥100,000, the stricter itemization of
  Diet-member-related organizations (expenditures over ¥10,000 but personnel costs, from 2009).
- Ordinary costs (personnel, utilities, supplies, office) of an ordinary organization are
  reported as totals only. Diet-member-related organizations (registered as such, and the
  fund-management organizations that name their Diet member or candidate; a mayor's,
  governor's or local assembly member's names none and is ordinary) itemize and must name the
  payee of every expenditure over the stricter threshold. Every report shows its due date (31
  March of the next year, 31 May for Diet-member-related organizations, both rule data) and whether its first
  filing came after it, by the calendar of Japan.
- A filing that reveals a breach is accepted; the breach becomes a finding (funds:review),
  recomputed for every donor a filing or amendment touches, across all reports of the year.
  Donors are matched by folded name plus municipality plus normalised address. A political
  organization gives one recipient outside the party side at most ¥50M a year; a candidate's
  own money to their fund-management organization (donor's folded name = the organization's
  Diet member or candidate) is outside the individual per-recipient cap.
- Public endpoints return only what the law itemizes, addresses cut to the municipality, for
  three years after first filing. Donor-name search is a substring match on the folded name;
  on PostgreSQL through a GIN index of the name's substrings of one to three characters
  (migration 0003), so that a one- or two-character surname is index-driven too.
- Exports stream from PostgreSQL's `COPY ... TO STDOUT` (CSV, or `row_to_json` lines) through a
  bounded queue; on SQLite a keyset walk renders the same text.
- Party subsidies: the total is the budgeted one when given (else ¥250 × population), split
  to the yen by the largest-remainder method (see `subsidies/allocation.py`); vote totals are
  entered or imported from the elections service.
- Filings feed (`/filings`): every filed version, original or amendment, after a cursor in commit
  order; a filing takes its sequence last, from a head row locked until it commits, and a reader
  reads the committed head before the filings, so a filing committed later never appears before
  a cursor already handed out. Deadlines per organization as JSON and iCalendar, and the
  non-filers of a year (not filed by 31 March, or 31 May for Diet-member-related organizations;
  the 30 April date of a national-election year is not modelled).
- Politicians: an organization names the politician it belongs to; a fund-management
  organization of a Diet member or candidate is Diet-member-related (the named Diet member still
  counts where there is no link). Per-politician totals sum their organizations' current lines.
  A body donor's corporate number (法人番号, check digit of MoF ordinance No. 70 of 2014 art. 2,
  not in the team's reference: verified on published numbers only) is its donor key.
- Search counts: each page of a disclosure search says how many lines match, exactly up to
  10,000 and past that (PostgreSQL) the planner's estimate, flagged `count_is_estimate`; a
  breakdown by donor kind, prefecture and amount band reads every matching line.
- Campaign finance reports (選挙運動費用収支報告書, `campaigns/`): the treasurer of a candidate
  of an election known to the elections service files one report (donations, expenditures),
  amended as versions. Funds reads the candidacy, its contest and election and the registered
  voters of the contest's district (the roll, as turnout counts it) through the gateway, and
  checks spending against the statutory cap (art. 194, Cabinet order art. 127: per-voter amount
  × voters (÷ seats) + fixed amount, up to ¥100; `campaigns/caps.py`, dated, with sources).
  Unverified: the designated cities' figures (one source), the special wards taking the
  figures of other cities, and the dates the figures took effect. Donations from companies,
  unions and other bodies are recorded and found (PFCA art. 21, 21-2), as are anonymous and
  foreign donations, overspending and filing later than 15 days after polling day. The
  registered count is the roll's when filed, not necessarily on the announcement day the
  law names. Publication follows the annual reports' rules.
"""
