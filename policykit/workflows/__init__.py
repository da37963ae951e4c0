"""The workflows behind each command: read through the edge, call the pure stages, write
through the edge."""
