from __future__ import annotations

import itertools

import pytest

from services.revitalization.applications.states import (
    Action,
    Actor,
    ActorNotAllowed,
    IllegalTransition,
    allowed_actions,
    transition_for,
)
from shared.contracts.revitalization import ApplicationState as S

A, R = Actor.APPLICANT, Actor.REVIEWER
LEGAL = {
    (S.DRAFT, Action.SUBMIT): (S.SUBMITTED, A),
    (S.RETURNED, Action.SUBMIT): (S.SUBMITTED, A),
    (S.SUBMITTED, Action.START_REVIEW): (S.UNDER_REVIEW, R),
    (S.UNDER_REVIEW, Action.RETURN): (S.RETURNED, R),
    (S.UNDER_REVIEW, Action.APPROVE): (S.APPROVED, R),
    (S.UNDER_REVIEW, Action.REJECT): (S.REJECTED, R),
    (S.APPROVED, Action.ACTIVATE): (S.ACTIVE, R),
    (S.ACTIVE, Action.COMPLETE): (S.COMPLETED, R),
    (S.DRAFT, Action.WITHDRAW): (S.WITHDRAWN, A),
    (S.SUBMITTED, Action.WITHDRAW): (S.WITHDRAWN, A),
    (S.UNDER_REVIEW, Action.WITHDRAW): (S.WITHDRAWN, A),
    (S.RETURNED, Action.WITHDRAW): (S.WITHDRAWN, A),
    (S.APPROVED, Action.WITHDRAW): (S.WITHDRAWN, A),
}


@pytest.mark.parametrize(("state", "action", "actor"), list(itertools.product(S, Action, Actor)))
def test_every_state_action_and_actor(state: S, action: Action, actor: Actor) -> None:
    expected = LEGAL.get((state, action))
    if expected is None:
        with pytest.raises(IllegalTransition) as refused:
            transition_for(state, action, actor)
        assert refused.value.allowed == allowed_actions(state)
        assert state.value in str(refused.value)
    elif expected[1] != actor:
        with pytest.raises(ActorNotAllowed):
            transition_for(state, action, actor)
    else:
        assert transition_for(state, action, actor).target == expected[0]


@pytest.mark.parametrize("state", list(S))
def test_allowed_actions_list_exactly_the_legal_ones(state: S) -> None:
    assert set(allowed_actions(state)) == {action for (s, action) in LEGAL if s == state}


@pytest.mark.parametrize("state", [S.REJECTED, S.COMPLETED, S.WITHDRAWN])
def test_terminal_states_allow_nothing(state: S) -> None:
    assert allowed_actions(state) == []
    with pytest.raises(IllegalTransition, match="none"):
        transition_for(state, Action.SUBMIT, A)


def test_reasons_are_required_for_return_reject_and_late_withdrawal() -> None:
    assert transition_for(S.UNDER_REVIEW, Action.RETURN, R).needs_reason
    assert transition_for(S.UNDER_REVIEW, Action.REJECT, R).needs_reason
    assert transition_for(S.APPROVED, Action.WITHDRAW, A).needs_reason
    assert not transition_for(S.DRAFT, Action.WITHDRAW, A).needs_reason
