"""leadflow score: assigns a temperature and lifecycle status, with an explanation."""

SERVICE = "score"
SCHEMA = "score"
