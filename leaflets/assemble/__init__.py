"""Assembly: one Leaflet view model per (topic, language, audience), in its language."""
