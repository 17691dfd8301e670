"""The dossier's salesperson is now stored (for the readers' record rule): fill the new
column in one statement, before the ORM would compute it dossier by dossier."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    if column_exists(cr, "customer_archive", "salesperson_id"):
        return
    create_column(cr, "customer_archive", "salesperson_id", "int4")
    cr.execute(
        SQL(
            """UPDATE customer_archive archive SET salesperson_id = partner.user_id
                 FROM res_partner partner
                WHERE partner.id = archive.partner_id AND partner.user_id IS NOT NULL"""
        )
    )
