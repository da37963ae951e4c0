"""Planning: review due dates from the evaluation rule, and the adoption brief's content."""
