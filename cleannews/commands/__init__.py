"""One module per command; cleannews.cli puts them together."""
