"""Capture's pure rules: lead sources, washing submitted text, webhook signatures."""
