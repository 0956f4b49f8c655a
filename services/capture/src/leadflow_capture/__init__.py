"""leadflow capture: receives landing-page forms and JSON webhooks and stores every lead.

Its declaration is ``leadflow_capture.service.SERVICE``; one package per feature:
``intake`` (taking leads in) and ``sources`` (who may post them).
"""

NAME = "capture"
