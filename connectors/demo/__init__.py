"""The built-in demo source: a realistic, deterministic stream for a fictional brand."""
from connectors.demo.source import DemoSource
from connectors.demo.stream import DemoStream, DemoEvent

__all__ = ["DemoSource", "DemoStream", "DemoEvent"]
