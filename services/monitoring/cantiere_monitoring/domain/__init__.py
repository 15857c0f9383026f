"""Pure monitoring core (no I/O, no clock): indicators, small-cell suppression, duration statistics."""
