"""leadflow's common package: event contracts and Kafka / Postgres plumbing.

It holds no business rules: those live in each service's ``domain`` package.
"""
