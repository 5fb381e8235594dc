"""One synthetic authority built: the life-course simulation, then the exact targets met."""

from __future__ import annotations

from selfeval.synth.config import AuthorityConfig
from selfeval.synth.model import Authority
from selfeval.synth.simulate import Simulation
from selfeval.synth.targets import meet_targets


def build_authority(config: AuthorityConfig | None = None) -> Authority:
    """Simulate one authority's children and workers; meet ``config.targets`` exactly."""
    config = config or AuthorityConfig()
    targets = config.target_dates()
    sim = Simulation(config)
    sim.run()
    meet_targets(sim, targets)
    return sim.finish()
