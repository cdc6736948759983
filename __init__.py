"""disclosures: Chinese government budget disclosures into a SQL database, with
the source of every number.

The repository's top-level folders are this package's subpackages
(``pyproject.toml`` maps ``disclosures`` to the repository root): ``model``
(the shared model), ``extractors`` (readers and recognizers), ``normalizers``,
``checks``, ``db``, ``flows`` (Prefect orchestration), ``cli`` and
``fixtures`` (the bundled sample and mock portal). ``docs/architecture.md``
describes how they fit together.
"""
