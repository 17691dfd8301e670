"""What people type and upload: text lengths checked before anything is written, and
uploaded files bound to the record they belong to.

A 1 MB "legal representative" would be copied into the chatter's tracking, a long
credit code breaks its database index, a long title swamps a printed list; the error
says which field and how long it may be, and nothing is saved."""

from odoo.exceptions import ValidationError

# characters a field may hold, by type, unless a model names a field of its own
DEFAULT_LIMITS = {"char": 256, "text": 20000}
# the largest registered capital and staff a form accepts: beyond, a typing mistake
MAX_AMOUNT = 10**15
MAX_EMPLOYEES = 10**7


def check_lengths(model, vals, limits=None):
    """Refuse ``vals`` when a text value is longer than its field allows."""
    limits = limits or {}
    for fname, value in vals.items():
        field = model._fields.get(fname)
        if not field or not isinstance(value, str) or field.type not in DEFAULT_LIMITS:
            continue
        limit = limits.get(fname, DEFAULT_LIMITS[field.type])
        if len(value) > limit:
            raise ValidationError(
                model.env._(
                    "%(field)s is too long: at most %(limit)s characters, not %(length)s.",
                    field=field.get_description(model.env)["string"],
                    limit=limit,
                    length=len(value),
                )
            )


def bind_attachments(records, fname="attachment_ids"):
    """Bind the files uploaded into ``fname`` to their record, so that who may read a
    file is decided by the record's rules (a file uploaded through a form belongs to
    nobody until then)."""
    for record in records:
        loose = record[fname].filtered(
            lambda att, rec=record: att.res_model != rec._name or att.res_id != rec.id
        )
        if loose:
            loose.write({"res_model": record._name, "res_id": record.id})
