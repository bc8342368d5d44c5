"""Results after award: milestones and outcome indicators, reported by the municipality, published."""
