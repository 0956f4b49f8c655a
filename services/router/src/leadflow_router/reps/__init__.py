"""Sales reps: who covers which territory, from the configuration file, and where each
stands in the round robin."""
