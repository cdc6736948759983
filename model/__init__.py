"""The shared model every stage imports and that imports no stage: the layout IR
and provenance (``layout``), the records (``records``), numbers and units
(``numbers``), the closed vocabularies as types (``vocabulary``) and the one
exception hierarchy (``errors``)."""
