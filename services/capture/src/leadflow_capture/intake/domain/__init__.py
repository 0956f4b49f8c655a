"""intake's pure rules: washing submitted text, form fields, dedupe keys (webhook signatures:
:mod:`leadflow_shared.signing`, which router signs its partner webhooks with)."""
