"""spherelang: governance models as dynamic concentric spheres."""
__version__ = "0.1.0"
