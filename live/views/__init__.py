"""Pages of the live app, one module per area; urls.py imports them by module."""
