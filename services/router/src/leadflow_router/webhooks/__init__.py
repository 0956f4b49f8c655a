"""Partner webhooks: each offer to a partner with a webhook is also posted to it, signed,
from a delivery row written with the offer; retried with backoff, and a partner whose
endpoint keeps failing is marked unhealthy (routing skips it) until a probe succeeds."""
