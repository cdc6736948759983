"""The ``disclosures`` command line: each command a thin call into one library function.

======================  ==================================================
command                 library function
======================  ==================================================
``extract``             ``flows.pipeline.process_path``
``export``              ``db.export.export``
``reprocess``           ``flows.pipeline.reprocess``
``query``               ``db.query.query``
``survey``              ``flows.survey.survey``
``check``               ``flows.check.check``
``review`` / ``map``    ``flows.review.review`` / ``flows.review.map_name``
``crawl`` / ``serve``   ``flows.crawl.crawl_portal`` / ``flows.crawl.build_deployments``
``mock-portal``         ``fixtures.portal.server.MockPortal``
``demo``                ``flows.demo.demo``
``table`` / ``fdp``     ``db.tables.table`` / ``db.fdp.fdp``
``browse`` / ``show``   ``db.browse.browse`` / ``db.provenance.show``
======================  ==================================================

The library functions take the command's parameters under the same names
(``db`` is the database URL). ``extract`` is ``process_path`` because
``flows.pipeline.extract`` names the stages before storing. Errors are the
library's exceptions; ``cli.contract`` turns them into the exit codes.
"""
