"""The print desk: a local web app that personalises a leaflet and returns its PDF."""
