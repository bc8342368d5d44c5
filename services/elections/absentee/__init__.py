"""Absentee voting (不在者投票, art. 49): request, ballot issued, voted, sent, received."""
