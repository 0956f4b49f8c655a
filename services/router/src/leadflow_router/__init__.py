"""leadflow router: distributes scored leads to sales reps, partner resellers or nurture."""

SERVICE = "router"
SCHEMA = "router"
