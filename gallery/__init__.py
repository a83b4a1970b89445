"""Lumen Gallery: a desktop photo gallery that finds photos by what is in them."""

__version__ = "0.1.0"
APP_NAME = "Lumen Gallery"
