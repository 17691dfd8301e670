"""What a proposed update may change (客户资料表): the fields the customer's form asks and
a salesperson may propose, where each lives, and how a typed value is read and checked.

Plain functions, shared by the proposal lines and the portal form. A value is checked as
the dossier's own field would check it (length, credit code check digit, bounds), so a
proposal never holds a value its acceptance would then refuse."""

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize

from . import customer_archive_credit_code as credit_code
from .customer_archive_input import MAX_AMOUNT, MAX_EMPLOYEES, check_lengths
from .customer_archive_locks import LOCKED_FIELDS

PARTNER = "res.partner"
ARCHIVE = "customer.archive"

# key of a proposal line -> (model, field); the order is the form's
PROPOSABLE = {
    "name": (PARTNER, "name"),
    "legal_representative": (ARCHIVE, "legal_representative"),
    "credit_code": (ARCHIVE, "credit_code"),
    "registered_capital": (ARCHIVE, "registered_capital"),
    "date_founded": (ARCHIVE, "date_founded"),
    "employee_count": (ARCHIVE, "employee_count"),
    "street": (PARTNER, "street"),
    "city": (PARTNER, "city"),
    "zip": (PARTNER, "zip"),
    "phone": (PARTNER, "phone"),
    "fax": (ARCHIVE, "fax"),
    "email": (PARTNER, "email"),
    "website": (PARTNER, "website"),
    "business_scope": (ARCHIVE, "business_scope"),
}
# the selection of the line's field; labels as the customer's form shows them
PROPOSABLE_SELECTION = [
    ("name", "Company or Full Name"),
    ("legal_representative", "Legal Representative"),
    ("credit_code", "Unified Social Credit Code"),
    ("registered_capital", "Registered Capital"),
    ("date_founded", "Founding Date"),
    ("employee_count", "Employees"),
    ("street", "Address"),
    ("city", "City"),
    ("zip", "Postcode"),
    ("phone", "Phone"),
    ("fax", "Fax"),
    ("email", "Email"),
    ("website", "Website"),
    ("business_scope", "Business Scope"),
]
# registration data (登记) of an opened dossier: changed by a correction request only
REGISTRATION = {"name", *LOCKED_FIELDS}
# characters a value may hold where the target field's own limit is not the right one
LIMITS = {"phone": 64, "zip": 32, "email": 254, "website": 256}


def label(env, key):
    """The translated label of a proposable field."""
    field = env["customer.archive.proposal.line"]._fields["field_name"]
    return dict(field._description_selection(env)).get(key, key)


def current_value(archive, key):
    """The value the dossier (or its customer) holds now, as text."""
    model, fname = PROPOSABLE[key]
    record = archive.partner_id if model == PARTNER else archive
    return to_text(record._fields[fname], record[fname])


def to_text(field, value):
    if value is False or value is None:
        return ""
    if field.type == "date":
        return fields.Date.to_string(value)
    if field.type == "monetary":
        return f"{value:.2f}"
    return str(value)


def parse(env, key, text):
    """The value of ``text`` for field ``key``, checked as the field itself checks it;
    raise a translated ``ValidationError`` naming the field when it is not acceptable."""
    if not isinstance(key, str) or key not in PROPOSABLE:
        raise ValidationError(
            env._("%(field)s is not asked by the customer data form.", field=str(key)[:64])
        )
    model, fname = PROPOSABLE[key]
    Model = env[model]
    field = Model._fields[fname]
    text = (text or "").strip()
    name = label(env, key)
    limit = LIMITS.get(key, Model._text_limits.get(fname) if model == ARCHIVE else None)
    if field.type in ("char", "text"):
        check_lengths(Model, {fname: text}, {fname: limit} if limit else None)
    elif len(text) > 64:
        raise ValidationError(env._("%(field)s: this is not a value.", field=name))
    if not text:
        if key == "name":
            raise ValidationError(env._("%(field)s cannot be empty.", field=name))
        return False
    parser = PARSERS.get(key) or PARSERS.get(field.type)
    return parser(env, name, text) if parser else text


def _credit_code(env, name, text):
    code = credit_code.normalize(text)
    credit_code.validate(env, code)
    return code


def _email(env, name, text):
    if not email_normalize(text):
        raise ValidationError(env._("%(value)s is not a valid email address.", value=text[:254]))
    return text


def _integer(env, name, text):
    return _number(env, name, text, int, MAX_EMPLOYEES)


def _monetary(env, name, text):
    return _number(env, name, text, float, MAX_AMOUNT)


def _number(env, name, text, kind, high):
    try:
        value = kind(text.replace(",", ""))
    except ValueError:
        raise ValidationError(
            env._("%(field)s: %(value)s is not a number.", field=name, value=text)
        ) from None
    if not 0 <= value <= high:
        raise ValidationError(
            env._("%(field)s must lie between %(low)s and %(high)s.", field=name, low=0, high=high)
        )
    return value


def _date(env, name, text):
    try:
        value = fields.Date.to_date(text)
    except ValueError:
        value = None
    today = fields.Date.context_today(env.user)
    first = fields.Date.to_date("1900-01-01")
    if not value or not first <= value <= today:
        raise ValidationError(
            env._(
                "%(field)s must be a date between %(first)s and %(last)s.",
                field=name,
                first=first,
                last=today,
            )
        )
    return value


# readers of a typed value: by key first, then by the type of the target field
PARSERS = {
    "credit_code": _credit_code,
    "email": _email,
    "integer": _integer,
    "monetary": _monetary,
    "date": _date,
}
