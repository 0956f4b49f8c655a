"""assignments' pure rules: who gets a lead, and why."""
