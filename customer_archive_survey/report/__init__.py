from . import customer_archive_survey_analysis
