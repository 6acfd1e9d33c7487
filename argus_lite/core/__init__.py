"""The incident domain, knowing no API: incidents, events, users, tokens, tickets."""
