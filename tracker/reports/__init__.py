"""Reports for supervisors: the 督查通报."""
