"""The settable clock of the calls domain."""

from __future__ import annotations

from tests.revitalization.calls.support import clock

__all__ = ["clock"]
