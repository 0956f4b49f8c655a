"""SLAs: a rep must accept a lead, a partner answer an offer, within the configured minutes;
an assignment left unanswered past its deadline goes on to the next who can take it."""
