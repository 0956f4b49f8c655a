"""Replay and promote: scoring every stored lead again under a new rules file into a shadow
table, to see what would change before it does; then making those rules live."""
