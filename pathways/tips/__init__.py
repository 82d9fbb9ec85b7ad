"""Tips and leads clearinghouse: intake, identifier extraction, bundling, priority, routing, referrals."""
