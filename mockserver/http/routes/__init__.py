"""One blueprint per audience: clients getting tokens, API callers, and tests driving the mock."""
