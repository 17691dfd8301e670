from odoo import api, fields, models


class CustomerArchiveLocation(models.Model):
    """Where a paper file is kept: room > cabinet > shelf > box."""

    _name = "customer.archive.location"
    _description = "Customer Archive Storage Location"
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name, id"

    name = fields.Char(required=True)
    complete_name = fields.Char(
        string="Full Location", compute="_compute_complete_name", store=True, recursive=True
    )
    kind = fields.Selection(
        [
            ("room", "Archive Room"),
            ("cabinet", "Cabinet"),
            ("shelf", "Shelf"),
            ("box", "Box"),
        ],
        string="Location Type",
        required=True,
        default="cabinet",
    )
    parent_id = fields.Many2one(
        "customer.archive.location",
        string="Parent Location",
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("customer.archive.location", "parent_id", string="Contains")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    note = fields.Text()

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for location in self:
            if location.parent_id:
                location.complete_name = f"{location.parent_id.complete_name} / {location.name}"
            else:
                location.complete_name = location.name
