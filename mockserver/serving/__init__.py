"""Running the app: granian or werkzeug for users (serve, wsgi), a thread for tests (server)."""
