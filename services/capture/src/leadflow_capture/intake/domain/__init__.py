"""intake's pure rules: washing submitted text, form fields, webhook signatures, dedupe keys."""
