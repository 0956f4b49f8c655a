"""router's errors, each a :mod:`leadflow_shared.errors` class (its HTTP status) with a code
of its own::

    Unauthorized (401)
    └── InvalidKey            no key, an unknown or revoked one
    Forbidden (403)
    └── NotYours              a rep's or partner's key used for someone else's lead or queue
    NotFound (404)
    ├── UnknownOwner          no such rep or partner
    ├── UnknownKey            no such key
    ├── NotRouted             no such lead among the routed ones
    └── NothingToClaim        no lead waits that the rep may claim
    Conflict (409)
    ├── AtCapacity            the rep has as many open leads as their capacity
    ├── RepInactive           the rep is no longer active
    ├── NotAnswerable         the lead waits in a queue or nurture: nobody to answer for it
    ├── LeadClosed            feedback closed the lead
    ├── AnswerInstead         an assignee's "accepted" or "rejected" sent as feedback
    └── NotReroutable         routed before router kept what routing it again needs
"""

from __future__ import annotations

from leadflow_shared.errors import Conflict, Forbidden, NotFound, Unauthorized


class InvalidKey(Unauthorized):
    code = "invalid_key"


class NotYours(Forbidden):
    code = "not_yours"


class UnknownOwner(NotFound):
    code = "unknown_owner"


class UnknownKey(NotFound):
    code = "unknown_key"


class NotRouted(NotFound):
    pass  # code "not_found", as before it had a class of its own


class NothingToClaim(NotFound):
    code = "nothing_to_claim"


class AtCapacity(Conflict):
    code = "at_capacity"


class RepInactive(Conflict):
    code = "rep_inactive"


class NotAnswerable(Conflict):
    code = "not_answerable"


class LeadClosed(Conflict):
    code = "lead_closed"


class AnswerInstead(Conflict):
    code = "answer_instead"


class NotReroutable(Conflict):
    code = "not_reroutable"
