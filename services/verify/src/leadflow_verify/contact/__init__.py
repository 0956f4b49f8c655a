"""Contact verification: email and phone checks with evidence, washed details, and the
verdict (verified, or rejected with reasons) for every captured lead."""
