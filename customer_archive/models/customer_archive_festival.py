"""Festivals the salespeople greet their customers on (节日问候): one row per festival
and year, since the lunar festivals move (春节, 中秋, 端午)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.customer_archive_input import check_lengths

MIN_YEAR, MAX_YEAR = 2000, 2100


class CustomerArchiveFestival(models.Model):
    _name = "customer.archive.festival"
    _description = "Customer Care Festival"
    _order = "date, id"

    name = fields.Char(string="Festival", required=True)
    date = fields.Date(required=True, index=True)
    year = fields.Integer(compute="_compute_year", store=True)
    active = fields.Boolean(default=True)
    note = fields.Text(help="What the greeting could say or bring.")

    _sql_constraints = [
        ("name_date_unique", "UNIQUE(name, date)", "This festival already has this date."),
    ]

    @api.depends("date")
    def _compute_year(self):
        for festival in self:
            festival.year = festival.date.year if festival.date else 0

    @api.constrains("date")
    def _check_date(self):
        for festival in self:
            if not MIN_YEAR <= festival.date.year <= MAX_YEAR:
                raise ValidationError(
                    self.env._(
                        "A festival's date lies between the years %(min)s and %(max)s.",
                        min=MIN_YEAR,
                        max=MAX_YEAR,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_lengths(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_lengths(self, vals)
        return super().write(vals)
