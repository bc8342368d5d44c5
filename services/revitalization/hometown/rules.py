"""Hometown registration tiers and their lifecycle."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    BASIC = "basic"
    PREMIUM = "premium"


class RegistrationStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    ACTIVE = "active"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


LIVE = frozenset({RegistrationStatus.PENDING_REVIEW, RegistrationStatus.ACTIVE})
"""Statuses that hold one of the person's places and block a duplicate."""


def initial_status(tier: Tier) -> RegistrationStatus:
    """Basic registrations take effect at once; premium ones wait for the municipality's review."""
    return RegistrationStatus.PENDING_REVIEW if tier is Tier.PREMIUM else RegistrationStatus.ACTIVE


def can_review(status: RegistrationStatus) -> bool:
    return status is RegistrationStatus.PENDING_REVIEW


def can_withdraw(status: RegistrationStatus) -> bool:
    return status in LIVE
