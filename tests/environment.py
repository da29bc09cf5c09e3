"""Loaded as a pytest plugin (`-p tests.environment`) before pytest-django reads the settings."""

import os

# Tests run with production-like settings (DEBUG off); they only need a key.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
