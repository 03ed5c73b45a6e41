"""Deterministic synthetic data for the analytics benchmarks."""

from __future__ import annotations

import numpy as np


def panel(periods: int = 20, units: int = 3000, indicators: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Log-normal, strictly positive panel (periods, units, indicators) and directions (30 % cost)."""
    rng = np.random.default_rng(seed)
    x = rng.lognormal(mean=0.0, sigma=1.0, size=(periods, units, indicators)) + 0.01
    directions = np.where(rng.random(indicators) < 0.3, -1.0, 1.0)
    return x, directions


def cross_section(units: int = 300, indicators: int = 50, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    x, d = panel(1, units, indicators, seed)
    return x[0], d
