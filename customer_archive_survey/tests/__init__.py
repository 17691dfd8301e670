from . import (
    test_customer_archive_survey,
    test_survey_confidentiality,
    test_survey_forms,
    test_survey_jobs,
    test_survey_migration,
    test_survey_zh_cn,
)
