"""Configuration: static settings, the security master, deploy manifests and builds."""
