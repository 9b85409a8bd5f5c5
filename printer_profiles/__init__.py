"""Printer configurations the kiosks pick from: one TOML file per printer model or setup."""
