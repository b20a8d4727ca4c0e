"""Copies made from a built site: the offline copy, the preservation bag, the check of outside links."""
