"""Deploy verification: `flagkeeper fingerprint` and `flagkeeper fleet verify`."""
