"""dedupe: a repeat lead by the same person is linked to that person's first lead."""
