"""The home page each user lands on after logging in."""
