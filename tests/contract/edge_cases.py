"""Schemathesis hooks for `make fuzz-deep`: generated requests with one value swapped for an edge case.

Schemathesis draws strings from what UTF-8 can encode and numbers from the documented ranges, so
it never sends what once answered 500: a lone surrogate in a JSON string, digits written full
width, a date in year 9999 or 1, an id of 2^64. Each hook below lets every generated request
through as it is, or with one of its values (a leaf anywhere in a body) replaced by such a case.
Loaded with SCHEMATHESIS_HOOKS=tests.contract.edge_cases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import schemathesis
from hypothesis import strategies as st

# What a URL can carry (it is sent as UTF-8): no lone surrogates there.
URL_EDGES: tuple[object, ...] = (
    "１２３４５６７８９０１",  # full-width digits: a resident code's length
    "１３１０１６",
    "１２",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59-10:00",
    "0001-01-01T00:00:00+09:00",
    str(2**64),
    str(2**63),
    str(2**31),
    "-1",
    "\x00",
    "\u3000",
)
# A JSON body also carries escaped lone surrogates, NUL and numbers past any column.
BODY_EDGES: tuple[object, ...] = (
    *URL_EDGES,
    "\ud800",
    "山田\udfff太郎",
    "\udbff\udfff\udc00",
    "a\x00b",
    2**64,
    2**63,
    2**31,
    -(2**63) - 1,
    1e308,
)

Path = tuple[str | int, ...]


def _leaves(value: Any, path: Path = ()) -> list[Path]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [path]


def _replaced(value: Any, path: Path, edge: object) -> Any:
    if not path:
        return edge
    head, *rest = path
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], tuple(rest), edge)}
    copy = list(value)
    copy[int(head)] = _replaced(copy[int(head)], tuple(rest), edge)
    return copy


def _with_one_edge(edges: tuple[object, ...]) -> Callable[[Any], st.SearchStrategy[Any]]:
    def strategy(value: Any) -> st.SearchStrategy[Any]:
        leaves = _leaves(value) if isinstance(value, (dict, list)) else []
        if not leaves:
            return st.just(value)
        swapped = st.builds(_replaced, st.just(value), st.sampled_from(leaves), st.sampled_from(edges))
        return st.one_of(st.just(value), swapped)

    return strategy


@schemathesis.hook
def flatmap_body(_context: Any, body: Any) -> st.SearchStrategy[Any]:
    return _with_one_edge(BODY_EDGES)(body)


@schemathesis.hook
def flatmap_query(_context: Any, query: Any) -> st.SearchStrategy[Any]:
    return _with_one_edge(URL_EDGES)(query)


@schemathesis.hook
def flatmap_path_parameters(_context: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
    return _with_one_edge(URL_EDGES)(path_parameters)
