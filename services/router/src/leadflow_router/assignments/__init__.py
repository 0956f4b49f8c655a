"""Assignments: where each scored lead goes (a partner, a rep, or nurture), by which rule
and why; the rep round robin."""
