"""The unit directory for supervisors: review the units imports created, confirm or merge them."""
