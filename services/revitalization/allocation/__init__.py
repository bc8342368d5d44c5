"""Special-allocation-tax claims computed from actual spending."""
