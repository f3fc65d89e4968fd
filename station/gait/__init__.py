"""Gait analysis: landmark clean-up, facing, events, per-stride metrics (kernels inside)."""
