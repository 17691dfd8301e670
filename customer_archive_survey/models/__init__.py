from . import (
    customer_archive_survey_campaign,
    ir_rule,
    res_company,
    res_config_settings,
    survey_user_input,
)
