"""A person's own account: sign-in (password or single sign-on), password change and reset,
and the profile page with their language, time zone and e-mail preferences."""
