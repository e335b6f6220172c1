"""Administration for the admin role: user accounts (create, role, unit, email, deactivate, reset password)."""
