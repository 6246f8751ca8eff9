"""Output formats: each module turns evaluated data into one kind of report."""
