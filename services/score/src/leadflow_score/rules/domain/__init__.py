"""Score's pure rules: reading BANT answers, points per signal, temperature and status."""
