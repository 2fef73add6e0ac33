"""The flag registry: flags.toml read into a model, locked atomic edits, other flag systems' exports."""
