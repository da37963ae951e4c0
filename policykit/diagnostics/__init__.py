"""Diagnostics every stage reports in: findings with their rule codes, and the one error type
with its exit codes."""
