"""Entity resolution: mentions and relations from every source, resolved into entities."""
