"""The ``disclosures`` command line: thin commands over the library functions."""
