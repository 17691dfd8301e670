from . import (
    customer_archive,
    customer_archive_visit,
    customer_archive_visit_plan,
    customer_archive_visit_rule,
)
