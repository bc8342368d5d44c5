"""The overseas roll (在外選挙人名簿, art. 30-2 ff.): applications, entries, removal, votes from abroad."""
