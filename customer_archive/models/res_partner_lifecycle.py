from odoo import fields, models


class ResPartner(models.Model):
    """A destroyed dossier shows as such in the partner's archive state.

    In a file of its own, loaded after ``res_partner.py`` that defines the field.
    """

    _inherit = "res.partner"

    customer_archive_state = fields.Selection(
        selection_add=[("destroyed", "Destroyed")], ondelete={"destroyed": "set null"}
    )
