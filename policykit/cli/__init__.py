"""The command line: flags in, workflow calls, rendered results and exit codes out."""
