from __future__ import annotations

import pytest

from services.revitalization.hometown.rules import (
    RegistrationStatus,
    Tier,
    can_review,
    can_withdraw,
    initial_status,
)


def test_basic_is_active_at_once_and_premium_waits() -> None:
    assert initial_status(Tier.BASIC) is RegistrationStatus.ACTIVE
    assert initial_status(Tier.PREMIUM) is RegistrationStatus.PENDING_REVIEW


@pytest.mark.parametrize(
    ("status", "reviewable", "withdrawable"),
    [
        (RegistrationStatus.PENDING_REVIEW, True, True),
        (RegistrationStatus.ACTIVE, False, True),
        (RegistrationStatus.REJECTED, False, False),
        (RegistrationStatus.WITHDRAWN, False, False),
    ],
)
def test_lifecycle(status: RegistrationStatus, reviewable: bool, withdrawable: bool) -> None:
    assert can_review(status) is reviewable
    assert can_withdraw(status) is withdrawable
