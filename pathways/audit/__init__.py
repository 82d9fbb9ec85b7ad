"""The audit log as users meet it: verify the chain, search the events."""
