"""Commands that change content: start a story, withdraw one."""
