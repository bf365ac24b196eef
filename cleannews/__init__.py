"""cleannews: strip boilerplate from scraped news pages.

The pipeline, one module per stage: read -> decode -> extract (HTML only) ->
blocks -> rules -> headline -> write.  `clean` runs it on one page from Python.
"""
__version__ = "0.1.0"

from cleannews.api import clean, load_rules  # noqa: E402

__all__ = ["clean", "load_rules", "__version__"]
