"""Rendering: Leaflet view models → HTML → PDF."""
