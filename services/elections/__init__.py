"""Election administration: elections, districts, polling stations, candidates, the voter roll, check-
ins, tallies, results and turnout.
"""
