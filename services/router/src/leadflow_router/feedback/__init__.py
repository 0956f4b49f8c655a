"""Feedback: what reps and partners report about the leads they got (accepted, contacted,
converted, junk, dead, rejected), published on ``leads.feedback.v1`` for score; feedback
that closes a lead frees a place in its rep's capacity."""
