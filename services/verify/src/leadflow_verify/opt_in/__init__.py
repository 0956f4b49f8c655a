"""opt_in: double opt-in. A lead from a source that asks for it is held until the person
confirms their email address through the link mailed to them (one mail per address while
one waits); unconfirmed in time, it is rejected."""
