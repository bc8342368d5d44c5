"""Per-agency pseudonyms (機関別符号): each client configured with a pseudonym domain sees its own
stable identifier for a resident instead of the resident code, so two agencies cannot join their data."""
