"""The rule engine: load and validate rule sets, apply them, the prefilter, line facts, examples."""
