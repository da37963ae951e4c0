"""One writer per output format. Each takes a laid-out `Document` and returns text or bytes."""
