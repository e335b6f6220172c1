"""The calendar feed: a secret address per user that calendar apps subscribe to."""
