"""leadflow capture: receives landing-page forms and JSON webhooks and stores every lead."""

SERVICE = "capture"
SCHEMA = "capture"
