"""Detentions, seizures and their lines: the records an exam outcome creates."""
