"""API keys of the people who act: each rep and each partner may have keys of their own
(Bearer tokens, stored as digests), issued and revoked through the admin API; a key acts
only for its owner. The admin key acts for everyone."""
