"""Elections and what they are made of: contests, districts, stations, parties, candidates, lists."""
