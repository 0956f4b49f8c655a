"""Decay: engagement points fade with the rules' half-life, so a periodic chore scores
leads again once their recheck time comes, and publishes only when a temperature or a
status changes."""
