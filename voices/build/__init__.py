"""Running one build: the session the generator adapter drives, caches, the lock, forks, previews."""
