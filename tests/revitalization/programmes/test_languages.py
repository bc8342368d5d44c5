from __future__ import annotations

import pytest

from services.revitalization.programmes.languages import negotiate


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "ja"),
        ("", "ja"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("ja-x-easy", "ja-x-easy"),
        ("JA-X-EASY", "ja-x-easy"),
        ("ja-x-yasashii", "ja-x-easy"),
        ("fr, en;q=0.5", "en"),
        ("fr, de", "ja"),
        ("en;q=0.2, ja-x-easy;q=0.8", "ja-x-easy"),
        ("en;q=0, ja-JP", "ja"),
        ("*", "ja"),
        ("en;q=abc, ja-x-easy", "ja-x-easy"),
        ("en;q=5", "ja"),
        (",,;;", "ja"),
        ("ja-JP;q=0.5, en;q=0.5", "ja"),
    ],
)
def test_negotiate(header: str | None, language: str) -> None:
    assert negotiate(header) == language
