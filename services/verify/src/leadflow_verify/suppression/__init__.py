"""suppression: the do-not-contact list. A suppressed lead is rejected with that reason and
nothing about it leaves verify."""
