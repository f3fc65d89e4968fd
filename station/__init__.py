"""Treadmill station: running-form analysis and live cues beside a treadmill."""

__version__ = "0.1.0"
