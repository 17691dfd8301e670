from . import (
    customer_archive,
    customer_archive_document,
    customer_archive_document_type,
    customer_archive_location,
    res_partner,
)
