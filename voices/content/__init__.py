"""Reading content and the rules it must meet: the contract, settings, taxonomy, body checks, loading."""
