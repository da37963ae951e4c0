"""Comparing: word-level differences, pairing of similar parts, and the ChangeSet of two
versions."""
