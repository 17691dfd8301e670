from . import (
    customer_archive_handover,
    customer_archive_loan_return,
    customer_classification_override,
)
