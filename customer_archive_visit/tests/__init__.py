from . import (
    test_customer_archive_visit,
    test_visit_confidentiality,
    test_visit_forms,
    test_visit_jobs,
    test_visit_journey,
    test_visit_migration,
    test_visit_waiting,
    test_visit_words,
)
