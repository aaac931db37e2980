"""Figure builders, one module per page: data in, an accessible chart (summary and data table)
out. Pages keep their layout and callbacks."""
