from . import (
    test_customer_archive_access,
    test_customer_archive_rpc,
    test_customer_archive_validation,
    test_customer_archive_workflow,
    test_odoo_partner,
    test_res_partner,
    test_zh_cn_translation,
)
