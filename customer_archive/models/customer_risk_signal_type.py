from odoo import fields, models


class CustomerRiskSignalType(models.Model):
    _name = "customer.risk.signal.type"
    _description = "Customer Risk Signal Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
