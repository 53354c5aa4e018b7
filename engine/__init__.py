"""The VIOMS service-level contract engine: rules in YAML, effective contracts, deadlines, costs."""
