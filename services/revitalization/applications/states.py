"""The application state machine: which transitions exist and which role may make each one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from shared.contracts.revitalization import ApplicationState


class Actor(StrEnum):
    """Who may trigger a transition: the applicant (revitalization:apply) or a reviewer."""

    APPLICANT = "applicant"
    REVIEWER = "reviewer"


class Action(StrEnum):
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    RETURN = "return"
    APPROVE = "approve"
    REJECT = "reject"
    ACTIVATE = "activate"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class Transition:
    action: Action
    source: ApplicationState
    target: ApplicationState
    actor: Actor
    needs_reason: bool = False


S = ApplicationState
TRANSITIONS: Final[tuple[Transition, ...]] = (
    Transition(Action.SUBMIT, S.DRAFT, S.SUBMITTED, Actor.APPLICANT),
    Transition(Action.SUBMIT, S.RETURNED, S.SUBMITTED, Actor.APPLICANT),
    Transition(Action.START_REVIEW, S.SUBMITTED, S.UNDER_REVIEW, Actor.REVIEWER),
    Transition(Action.RETURN, S.UNDER_REVIEW, S.RETURNED, Actor.REVIEWER, needs_reason=True),
    Transition(Action.APPROVE, S.UNDER_REVIEW, S.APPROVED, Actor.REVIEWER),
    Transition(Action.REJECT, S.UNDER_REVIEW, S.REJECTED, Actor.REVIEWER, needs_reason=True),
    Transition(Action.ACTIVATE, S.APPROVED, S.ACTIVE, Actor.REVIEWER),
    Transition(Action.COMPLETE, S.ACTIVE, S.COMPLETED, Actor.REVIEWER),
    Transition(Action.WITHDRAW, S.DRAFT, S.WITHDRAWN, Actor.APPLICANT),
    Transition(Action.WITHDRAW, S.SUBMITTED, S.WITHDRAWN, Actor.APPLICANT),
    Transition(Action.WITHDRAW, S.UNDER_REVIEW, S.WITHDRAWN, Actor.APPLICANT),
    Transition(Action.WITHDRAW, S.RETURNED, S.WITHDRAWN, Actor.APPLICANT),
    Transition(Action.WITHDRAW, S.APPROVED, S.WITHDRAWN, Actor.APPLICANT, needs_reason=True),
)

TERMINAL: Final = frozenset({S.REJECTED, S.COMPLETED, S.WITHDRAWN})
EDITABLE: Final = frozenset({S.DRAFT, S.RETURNED})
"""States in which the applicant may still change the application's content."""

AWARDED: Final = frozenset({S.APPROVED, S.ACTIVE, S.COMPLETED})
"""States of an award that open data publishes."""


class IllegalTransition(Exception):  # noqa: N818 - the refusal itself, rendered as a 409 problem
    def __init__(self, source: ApplicationState, action: Action, allowed: list[Action]) -> None:
        self.source = source
        self.action = action
        self.allowed = allowed
        names = ", ".join(a.value for a in allowed) or "none (the application is closed)"
        super().__init__(f"An application in state {source.value} cannot {action.value}; allowed: {names}.")


class ActorNotAllowed(Exception):  # noqa: N818 - rendered as a 403 problem
    def __init__(self, transition: Transition) -> None:
        self.transition = transition
        super().__init__(f"Only the {transition.actor.value} may {transition.action.value} an application.")


def allowed_actions(source: ApplicationState) -> list[Action]:
    """Actions possible from a state, in a stable order (the order of `Action`)."""
    present = {t.action for t in TRANSITIONS if t.source == source}
    return [action for action in Action if action in present]


def transition_for(source: ApplicationState, action: Action, actor: Actor) -> Transition:
    """The transition an actor makes with an action from a state, or why it cannot."""
    for transition in TRANSITIONS:
        if transition.source == source and transition.action == action:
            if transition.actor != actor:
                raise ActorNotAllowed(transition)
            return transition
    raise IllegalTransition(source, action, allowed_actions(source))
