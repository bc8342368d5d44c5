"""Fair review of applications to a call: panels without conflicts, rubric scores, decisions."""
