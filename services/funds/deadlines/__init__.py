"""Report deadlines: each organization's calendar (JSON and iCalendar) and the non-filers of a year."""
