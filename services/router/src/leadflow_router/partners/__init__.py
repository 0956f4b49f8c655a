"""Partner resellers: who covers which territory, from the configuration file; each
receives its leads on its own topic."""
