"""The synthetic world generator with ground truth (demo, tests, benchmarks). See docs/formats.md."""

from pathways.world.generate import WorldFile, WorldSummary, generate_world

__all__ = ["WorldFile", "WorldSummary", "generate_world"]
