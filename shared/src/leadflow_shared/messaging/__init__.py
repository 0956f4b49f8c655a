"""Messaging plumbing, one module per concern::

decoding      records → events, or the reason they cannot be one
inbox         event ids handled, claimed with the handler's work (drops redeliveries)
outbox        events staged with the state they follow from
relay         publishes the outbox, woken by Postgres notifications
stage         a batch in one transaction; retries, isolation, dead letters
dead_letters  what a dead letter carries
consumer      the poll → stage → commit-offsets loop
kafka         topics, the producer, starting clients
pruning       inbox and outbox retention
tables        the outbox and inbox tables
"""
