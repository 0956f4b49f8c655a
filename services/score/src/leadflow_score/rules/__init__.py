"""Scoring: the rules that give a verified lead its score, temperature and lifecycle
status, each contribution explained, and the scores they gave."""
