"""Labelled stand-ins for the course-only tables (water potability, salaries), seeded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

WATER_FEATURES = (
    "ph", "Hardness", "Solids", "Chloramines", "Sulfate",
    "Conductivity", "Organic_carbon", "Trihalomethanes", "Turbidity",
)


def water_potability(n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Return a stand-in water-potability table: nine features scaled to [0, 1] and
    ``Potability``."""
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(n, len(WATER_FEATURES)))
    # Potable water sits near neutral pH with moderate sulfate and organic carbon.
    ph, sulfate, carbon = raw[:, 0], raw[:, 4], raw[:, 6]
    logit = 1.2 - 1.5 * ph**2 - 0.8 * sulfate - 0.8 * carbon + 0.3 * rng.normal(size=n)
    potability = (logit > 0).astype(np.int64)
    lo, hi = raw.min(axis=0), raw.max(axis=0)
    scaled = (raw - lo) / (hi - lo)
    frame = pd.DataFrame(scaled.round(6), columns=list(WATER_FEATURES))
    frame["Potability"] = potability
    return frame


SALARY_FEATURES = ("experience_level", "employment_type", "remote_ratio", "company_size")


def salary_data(n: int = 512, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Return stand-in salary features ``[n, 4]`` in [0, 1] and a scaled salary target
    ``[n, 1]``."""
    generator = torch.Generator().manual_seed(seed)
    experience = torch.randint(0, 4, (n,), generator=generator) / 3
    employment = torch.randint(0, 4, (n,), generator=generator) / 3
    remote = torch.randint(0, 3, (n,), generator=generator) / 2
    company = torch.randint(0, 3, (n,), generator=generator) / 2
    features = torch.stack([experience, employment, remote, company], dim=1)
    noise = 0.05 * torch.randn(n, generator=generator)
    salary = 0.15 + 0.5 * experience + 0.05 * remote + 0.15 * company + noise
    return features, salary.clamp(0, 1).unsqueeze(1)
