"""Rendering: Leaflet view models → HTML → PDF, and the pages of the online version."""
