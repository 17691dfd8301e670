from . import customer_archive_document_type
from . import customer_archive_location
from . import customer_archive
from . import customer_archive_document
from . import res_partner
