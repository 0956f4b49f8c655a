"""Claims: a rep pulls the next lead from the sales queue (the hottest, then the one waiting
longest, from the rep's territories), within their capacity; two claims never get the same
lead."""
