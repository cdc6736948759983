"""Exceptions raised at the reader boundary.

``BadInput`` means the file itself cannot be read as a disclosure (empty,
truncated, encrypted, not the format its name says, no recognizable content).
The CLI turns it into one line on stderr and exit code 2; the pipeline
writes nothing to the database for it.
"""


class BadInput(ValueError):
    """The file cannot be processed; the message names the file and the reason."""
