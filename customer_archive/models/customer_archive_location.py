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
    archive_ids = fields.One2many(
        "customer.archive",
        "location_id",
        string="Archives Kept Here",
        readonly=True,
        help="The paper files standing on this place itself.",
    )
    archive_count = fields.Integer(
        string="Archives",
        compute="_compute_archive_count",
        help="The paper files on this place and on the places inside it.",
    )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for location in self:
            if location.parent_id:
                location.complete_name = f"{location.parent_id.complete_name} / {location.name}"
            else:
                location.complete_name = location.name

    def _compute_archive_count(self):
        Archive = self.env["customer.archive"]
        for location in self:
            location.archive_count = (
                Archive.search_count([("location_id", "child_of", location.id)])
                if location.id
                else 0
            )

    def action_view_archives(self):
        """The dossiers on this place and on the places inside it."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.complete_name,
            "res_model": "customer.archive",
            "view_mode": "list,kanban,form",
            "domain": [("location_id", "child_of", self.id)],
        }
