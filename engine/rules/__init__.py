"""The rule set: the strict YAML loader, the JSON Schemas, the rules of rules/ loaded and cross-
checked, `sla validate` and how its problems are reported.
"""
