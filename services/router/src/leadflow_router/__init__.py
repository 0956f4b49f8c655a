"""leadflow router: distributes scored leads to sales reps, partner resellers or nurture.

Its declaration is ``leadflow_router.service.SERVICE``; one package per feature:
``assignments`` (where each lead goes, and why), ``reps`` and ``partners`` (who can take
leads, from the configuration file).
"""

NAME = "router"
