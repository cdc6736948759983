"""Recognizers: layout IR → records. They import no PDF or Word library.

Each module exposes one entry point with the same shape::

    recognize_narrative(doc: Document, info: DocumentInfo) -> Extraction
    recognize_performance(doc: Document, info: DocumentInfo) -> Extraction
    recognize_statements(doc: Document, info: DocumentInfo) -> Extraction

and ``recognize_document_info(doc) -> DocumentInfo`` (organization, region,
fiscal year, kind) runs first. The pipeline merges their Extractions.
"""
