"""Published measures that belong to no indicator: the ONS populations behind rates.

Which published measure an indicator matches is declared once, in the indicator's own
declaration (``published=Published(...)`` in ``selfeval.indicators.definitions``); nothing
here repeats it (``selfeval.indicators.registry`` refuses a measure declared twice). Names are
those of the latest release (2021-2025); earlier releases are aligned to them on import (see
``selfeval.benchmarks.ees.ALIGNMENTS``). ``--year Y`` means the file's time_period Y: 31 March
Y for the looked-after and children-in-need tables (the 2019/20 return for Y = 2020), 30
September Y for the workforce census.
"""

from __future__ import annotations

from selfeval.indicators.registry import Published

ONS = "ons_mid-year_population_estimates_2012_to_2024"
POPULATION = Published(ONS, "population_estimate", (("age_group", "Children aged 0 to 17 years"),))
"""ONS mid-year estimates of children aged 0 to 17, the denominator of rates per 10,000."""
