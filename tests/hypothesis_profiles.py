"""Hypothesis profiles: `ci` (the default) runs 2,000 examples per property, derandomized so CI
is repeatable; `long` (HYPOTHESIS_PROFILE=long) runs 50,000 with fresh randomness, for a soak."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = {"ci": 2_000, "long": 50_000}

settings.register_profile(
    "ci",
    max_examples=EXAMPLES["ci"],
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=EXAMPLES["long"],
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
