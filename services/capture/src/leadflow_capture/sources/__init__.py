"""Lead sources: the forms and webhooks that may post leads, from the config file and the
admin API, and how each is protected."""
