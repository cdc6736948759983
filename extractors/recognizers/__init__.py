"""Recognizers: layout IR → records. They import no PDF or Word library.

Each module exposes one entry point with the same shape::

    recognize_narrative(doc: Document, info: DocumentInfo) -> Extraction
    recognize_performance(doc: Document, info: DocumentInfo) -> Extraction
    recognize_statements(doc: Document, info: DocumentInfo) -> Extraction

``classify_document(doc) -> Classification`` (classify.py: what the file is, or
why it is no disclosure) runs before all of them, then
``recognize_document_info(doc) -> DocumentInfo`` (organization, scope, region,
fiscal year, kind). The pipeline merges their Extractions.
"""
