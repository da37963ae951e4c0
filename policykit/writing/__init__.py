"""Writing: the policy laid out for writers, and one writer per output format, listed in
`registry`."""
