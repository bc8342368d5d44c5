"""The catalogue of scopes a gateway client may hold; each service checks its own."""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "registry:read": "Read residents' basic identity items for a stated purpose.",
    "registry:address": "See current and past addresses (protected residents excepted).",
    "registry:identity": "Look up by and receive the individual number.",
    "registry:history": "Read the event history and as-of-date records.",
    "registry:write": "Record life events and issue resident codes.",
    "registry:protected": "See the addresses of residents under a protection order.",
    "registry:disclosure": "List who received a resident's data, on the resident's request.",
    "registry:audit": "Read the access log's checkpoints, proofs and leaf hashes; sign a checkpoint.",
    "registry:log": "Log a service's own reads of residents' data in the registry's access log.",
    "registry:feed": "Follow the change feed.",
    "registry:subscribe": "Watch chosen residents and receive their events (pull feed and webhooks).",
    "registry:admin": "Record dated changes to the local-government code master.",
    "elections:read": "Read elections, candidates, rolls and tallies.",
    "elections:admin": "Create and manage elections, contests, stations and candidates.",
    "elections:clerk": "Check voters in and enter tallies.",
    "elections:supervisor": "Undo check-ins and certify results.",
    "funds:file": "File reports for the client's own organization.",
    "funds:review": "Review filings and see full, unpublished detail.",
    "funds:admin": "Register organizations and compute party subsidies.",
    "revitalization:apply": "Create and submit applications.",
    "revitalization:review": "Review applications and manage budgets and placements.",
    "revitalization:admin": "Manage programmes and their fiscal-year rules.",
}


def audiences_of(scopes: frozenset[str] | set[str]) -> list[str]:
    """The services a token with these scopes is meant for (the part before the colon)."""
    return sorted({scope.split(":", 1)[0] for scope in scopes})


def unknown_scopes(scopes: set[str]) -> list[str]:
    return sorted(scope for scope in scopes if scope not in SCOPES)
