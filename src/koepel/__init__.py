"""Koepel: the system a network of municipalities runs on."""

__version__ = "0.1.0"
