"""capture's HTTP routes: they parse, call the use case, and map the result."""
