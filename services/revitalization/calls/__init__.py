"""Calls for applications (公募): lifecycle, public search, deadlines calendar, CommonGrants export."""
