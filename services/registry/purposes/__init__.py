"""The registered purposes of use (利用事由) callers name in X-Purpose, listed for them."""
