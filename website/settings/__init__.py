"""Settings, split by environment: base (fails closed), dev, test, production."""
