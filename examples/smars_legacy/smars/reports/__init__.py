"""Reports: session summaries printed by smars.main and smars.simulate."""
