"""Verify's pure rules: contact checks with evidence, country parsing, washing lead data."""
