"""The consortium's pure domain: commands, events, deciders and rules; no I/O, no clock."""
