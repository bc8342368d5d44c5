"""The local-government code master: the ministry's list, dated changes, successors, as-of lookups."""
