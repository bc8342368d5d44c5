"""Voting check-ins: early, polling-day and absentee; one per voter per election."""
