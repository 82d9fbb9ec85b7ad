"""Identity: organizations, offices, users and roles, web logins and API tokens."""
