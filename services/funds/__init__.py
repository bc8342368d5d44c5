"""Political-fund disclosure: political organizations, annual reports with amendments, donations,
disclosure search, donation limits and party subsidies.
"""
