"""opt_in: double opt-in. A lead from a source that asks for it is held until the person
confirms their email address through a signed link mailed to them; unconfirmed in time, it
is rejected."""
