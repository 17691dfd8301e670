"""Odoo's own partner tests, run again with customer_archive installed.

The classes are reached through their modules (not imported by name) so that
the test loader only collects the subclasses below, tagged for this addon.
"""

from odoo.tests import tagged

from odoo.addons.account.tests import test_account_partner, test_res_partner_merge
from odoo.addons.base.tests import test_res_partner


@tagged("post_install", "-at_install", "-res_partner")
class TestOdooPartner(test_res_partner.TestPartner):
    """base: partner names, addresses, commercial fields and display."""

    allow_inherited_tests_method = True


@tagged("post_install", "-at_install", "-res_partner")
class TestOdooPartnerAddressCompany(test_res_partner.TestPartnerAddressCompany):
    """base: address and company synchronisation between partners."""

    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestOdooAccountPartner(test_account_partner.TestAccountPartner):
    """account: partner credit, receivables and their computations."""

    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestOdooAccountPartnerMerge(test_res_partner_merge.TestMergePartner):
    """account: merging partners keeps their accounting (used for duplicate customers)."""

    allow_inherited_tests_method = True
