"""Run leadflow on one machine without Docker."""
