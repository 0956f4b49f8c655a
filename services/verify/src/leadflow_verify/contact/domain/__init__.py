"""Verify's pure rules: contact checks with evidence, country parsing, washing lead data,
names examined for gibberish and placeholders, and email/website domain agreement."""
