"""Voices of Big Local: the archive's content contract, validator and build core.

This package never imports MkDocs: the MkDocs adapter lives in ``hooks/`` so the
content and this core can move to another generator.
"""

__version__ = "0.1.0"
