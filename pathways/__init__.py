"""Pathways: an open investigative platform for customs-and-border criminal investigations."""

__version__ = "0.1.0"
