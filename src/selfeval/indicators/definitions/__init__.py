"""Indicator definitions, one module per area of the catalogue."""
