"""Answers: a lead's rep or partner accepts it, or rejects it (the lead then goes to the
next rep or partner who can take it, or waits in the sales queue)."""
