"""The filings feed: every filed version of every organization's report, in commit order."""
