"""flagkeeper: find feature-flag debt and dead flag-gated code in Python source before it ships."""

__version__ = "0.1.0"
