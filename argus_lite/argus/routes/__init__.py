"""One module per resource, each with install(app, version)."""
