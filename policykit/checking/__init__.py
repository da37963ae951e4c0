"""Checking: what a policy means and how plainly it reads, beyond what the schema says."""
