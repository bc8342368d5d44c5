"""Politicians (members and candidates) and the organizations that belong to them."""
