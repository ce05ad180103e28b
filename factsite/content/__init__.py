"""Loading: content/ read, parsed and validated into the model (frozen records, no I/O)."""
