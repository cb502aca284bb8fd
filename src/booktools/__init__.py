"""The book's tooling: structural checks, exercise index, practice edition, site,
executor.

It uses the learner's library (``dlbook``); the library never imports it.
"""
