"""Operations tools: replay and compare decisions, disputes, fairness reports.

Everything here only *reads* the router's topics and Postgres record; nothing writes
to a production topic. The pure parts (comparison, classification, fairness math,
rendering) take plain values so that they can be tested without Kafka.
"""
