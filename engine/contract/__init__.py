"""Customer contracts: loading, the merge of tier, base, add-ons and overrides into an effective
contract with the origin of every value, weakened guarantees, diff, the builder behind `sla
new`, and contract terms.
"""
