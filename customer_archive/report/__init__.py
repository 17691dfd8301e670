from . import customer_archive_duplicate
