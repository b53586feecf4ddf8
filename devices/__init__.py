"""Hardware behind small interfaces, each with a real and an emulated implementation."""
