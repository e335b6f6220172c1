"""API tokens: the page where a user lists, creates and revokes their own."""
