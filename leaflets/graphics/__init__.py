"""Deterministic inline SVG: the stretching diagrams and the QR code."""
