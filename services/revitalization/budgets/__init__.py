"""Budgets per programme, fiscal year and municipality; commitments and disbursements."""
