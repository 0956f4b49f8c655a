"""leadflow verify: checks identity and contact details and washes the data."""

SERVICE = "verify"
SCHEMA = "verify"
