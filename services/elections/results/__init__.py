"""Results: fractional votes, statutory minimums, plurality and D'Hondt allocation, lots, exports."""
