"""leadflow score: assigns a temperature and lifecycle status, with an explanation.

Its declaration is ``leadflow_score.service.SERVICE``; one package per feature:
``rules`` (the scoring rules, the scores they give and why).
"""

NAME = "score"
