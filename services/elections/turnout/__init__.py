"""Turnout: by sex, voting method, hour and age band; per station, municipality or contest district."""
