"""Hypothesis profiles: `ci` (the default) runs 2,000 examples per property, derandomized so CI
is repeatable; `long` (HYPOTHESIS_PROFILE=long) runs 50,000 with fresh randomness, for a soak.

Properties whose every example is a real MkDocs build (tests/test_hardening.py) run
`BUILD_EXAMPLES` examples instead, and do not shrink a failure (each shrinking step is a
build): a handful under `ci`, a few hundred under `long`."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = {"ci": 2_000, "long": 50_000}
BUILD_EXAMPLES_BY_PROFILE = {"ci": 6, "long": 300}

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
BUILD_EXAMPLES = BUILD_EXAMPLES_BY_PROFILE.get(PROFILE, BUILD_EXAMPLES_BY_PROFILE["ci"])
