"""Building: plan one job per output, skip what is current, render in a pool, write atomically."""
