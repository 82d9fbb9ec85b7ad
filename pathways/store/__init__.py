"""Storage: engine and sessions, the base model, the audit trail and the policy query helper."""
