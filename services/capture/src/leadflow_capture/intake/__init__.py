"""Taking leads in: JSON posts (``POST /v1/leads``) and HTML forms (``POST /v1/forms/…``),
validated, de-duplicated, rate-limited and stored with their ``lead.captured`` events in
group commits."""
