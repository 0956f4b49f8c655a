"""leadflow verify: checks identity and contact details and washes the data.

Its declaration is ``leadflow_verify.service.SERVICE``; one package per feature:
``contact`` (the contact checks, the washed details and the verdict).
"""

NAME = "verify"
