"""Residents: the picker used by every area, the person dialog, the paged person list."""
