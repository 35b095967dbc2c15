"""The Flask web application: factory, per-request database session, auth and blueprints."""
