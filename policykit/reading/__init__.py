"""Reading: YAML bytes into positioned nodes, the schema, prose into inline and block nodes,
the policy and project readers, and the labels of each language."""
