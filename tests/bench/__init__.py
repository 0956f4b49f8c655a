"""``make bench``: capture's durable intake against a parse-and-validate-only baseline."""
