"""One workflow shape for every record of the archive that has a state.

A model lists its transitions in ``_workflow_transitions``; each names the states it
leaves, the state it reaches, the group that may take it and the rules (methods of
the model) that must let it pass, e.g. "not the requester". One method,
``_workflow_refusal``, answers "may the current user take this transition on these
records now?"; the ``can_<transition>`` flags are computed from it, and
``action_<transition>`` calls it (through ``_workflow_run``) before
``_action_<transition>`` does the work.

The state field and the fields a transition stamps (``_workflow_stamped_fields``)
change only inside a transition, for everyone, the superuser included, over RPC as
in the web client. The permission to write them is held in a context variable for
the length of the transition's ``_action_*``: nothing a caller sends (values,
context) can grant it. A new record starts in the initial state with its stamped
fields empty; the web client sends their empty defaults on save, which is accepted.
"""

import contextvars
from contextlib import contextmanager
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.base.models.ir_sequence import _update_nogap

from ..tools.customer_archive_input import check_lengths
from ..tools.customer_archive_lang import by_chatter_lang, for_user

# The (model, purpose) pairs whose protected fields may be written now, in this thread.
_OPEN_DOORS = contextvars.ContextVar("customer_archive_open_doors", default=frozenset())


@contextmanager
def open_door(model_name, purpose="workflow"):
    """Let protected fields of ``model_name`` be written for ``purpose`` inside the block."""
    token = _OPEN_DOORS.set(_OPEN_DOORS.get() | {(model_name, purpose)})
    try:
        yield
    finally:
        _OPEN_DOORS.reset(token)


def door_open(model_name, purpose="workflow"):
    return (model_name, purpose) in _OPEN_DOORS.get()


def changed_fields(records, vals, fnames):
    """The fields of ``fnames`` whose value in ``vals`` differs on one of ``records``, as
    the record would hold it (the web client sends unchanged values back): the guards of
    the workflow and of the classification count changes, not the fields sent."""
    changed = set()
    for fname in set(fnames) & vals.keys():
        field = records._fields[fname]
        if field.type in ("one2many", "many2many"):
            changed.add(fname)
            continue
        for record in records:
            new = field.convert_to_record(field.convert_to_cache(vals[fname], record), record)
            if new != record[fname]:
                changed.add(fname)
                break
    return changed


class Transition(NamedTuple):
    """A step of a workflow: ``action_<name>`` takes it, ``can_<name>`` shows it."""

    name: str
    sources: tuple
    target: str | None  # None: the state does not change, or ``_action_<name>`` decides
    group: str  # xml id of the group that may take it
    rules: tuple = ()  # methods returning a refusal (an exception to raise), or None


class CustomerArchiveWorkflowMixin(models.AbstractModel):
    _name = "customer.archive.workflow.mixin"
    _description = "Customer Archive Workflow"

    _workflow_state_field = "state"
    _workflow_transitions = ()
    _workflow_stamped_fields = ()
    # set when the record is created (its number), never written afterwards
    _workflow_locked_fields = ()
    # characters a text field may hold, where the default of its type does not fit
    _text_limits = {}
    # who asked for the record (the borrower, the visitor, the requester): the generic
    # rules "own record or <group>" and "not the requester" read it
    _workflow_requester_field = "user_id"
    # who, beside the requester, may take the steps of rule "own record or <group>"
    _workflow_requester_override = "customer_archive.group_officer"

    # ------------------------------------------------------------------ rights
    @api.model
    def _workflow_transition(self, name):
        for transition in self._workflow_transitions:
            if transition.name == name:
                return transition
        raise ValueError(f"{self._name} has no transition {name!r}")

    def _workflow_refusal(self, name):
        """Why the current user may not take transition ``name`` on every record of
        ``self`` now, as an exception to raise; ``None`` when he may."""
        transition = self._workflow_transition(name)
        for record in self:
            state = record[self._workflow_state_field]
            if state not in transition.sources:
                states = dict(
                    self._fields[self._workflow_state_field]._description_selection(self.env)
                )
                return UserError(
                    self.env._(
                        "%(record)s is %(state)s: this step is not possible now.",
                        record=record.display_name,
                        state=states.get(state, state),
                    )
                )
        # the superuser (crons, data files) is in every group; the rules still apply
        if not self.env.su and not self.env.user.has_group(transition.group):
            group = self.env.ref(transition.group)
            return AccessError(
                self.env._("Only the group %(group)s may take this step.", group=group.full_name)
            )
        for record in self:
            for rule in transition.rules:
                refusal = getattr(record, rule)()
                if refusal is not None:
                    return refusal
        return None

    # ------------------------------------------------------------ generic rules
    def _workflow_requesters(self):
        """Who asked for the record: its ``_workflow_requester_field``."""
        return self[self._workflow_requester_field]

    def _workflow_interested(self):
        """Who may not decide the record (four eyes): who asked for it; a model adds
        whoever else had a hand in it."""
        return self._workflow_requesters()

    def _workflow_requester_label(self):
        field = self._fields[self._workflow_requester_field]
        return field.get_description(self.env)["string"]

    def _rule_own_or_override(self):
        """Only who asked for the record, or the group ``_workflow_requester_override``."""
        group = self._workflow_requester_override
        if (
            self.env.su
            or self.env.user in self._workflow_requesters()
            or self.env.user.has_group(group)
        ):
            return None
        return AccessError(
            self.env._(
                "%(record)s: only its %(role)s or the group %(group)s may take this step.",
                record=self.display_name,
                role=self._workflow_requester_label(),
                group=self.env.ref(group).full_name,
            )
        )

    def _rule_not_requester(self):
        """Who asked for the record, or had a hand in it, does not decide it (four eyes)."""
        if self.env.user in self._workflow_requesters():
            return AccessError(
                self.env._(
                    "%(record)s: its %(role)s is you, so someone else must take this step.",
                    record=self.display_name,
                    role=self._workflow_requester_label(),
                )
            )
        if self.env.user in self._workflow_interested():
            return AccessError(
                self.env._(
                    "%(record)s: you had a hand in it, so someone else must take this step.",
                    record=self.display_name,
                )
            )
        return None

    def _workflow_may(self, name):
        return self._workflow_refusal(name) is None

    def _workflow_check(self, name):
        refusal = self._workflow_refusal(name)
        if refusal is not None:
            raise refusal

    def _workflow_run(self, name, *args, **kwargs):
        """Check, then take transition ``name``: ``_action_<name>`` does the work. On no
        record (a step called with an empty list) there is nothing to do."""
        if not self:
            return True
        self._workflow_check(name)
        return getattr(self, f"_action_{name}")(*args, **kwargs)

    def _workflow_write(self, vals):
        """Write state and stamped fields: only a transition calls this."""
        with open_door(self._name):
            return self.write(vals)

    def _workflow_can_depends(self):
        return [self._workflow_state_field]

    @api.depends(lambda self: self._workflow_can_depends())
    @api.depends_context("uid")
    def _compute_workflow_can(self):
        names = [t.name for t in self._workflow_transitions if f"can_{t.name}" in self._fields]
        for record in self:
            for name in names:
                record[f"can_{name}"] = record._workflow_may(name)

    # ------------------------------------------------------------ the guard
    @api.model
    def _workflow_protected_fields(self):
        return {self._workflow_state_field, *self._workflow_stamped_fields}

    @api.model
    def _workflow_initial_state(self):
        return self._fields[self._workflow_state_field].default(self)

    @api.model
    def _workflow_clean_create_vals(self, vals):
        """A new record starts in the initial state with nothing stamped: empty values
        (what the web client sends) are dropped, anything else is refused."""
        if door_open(self._name):
            return vals
        vals = dict(vals)
        for fname in self._workflow_protected_fields() & vals.keys():
            value = vals[fname]
            if fname == self._workflow_state_field and value == self._workflow_initial_state():
                del vals[fname]
            elif not value or value in ([(6, 0, [])], [[6, 0, []]]):
                del vals[fname]
            else:
                raise AccessError(self._workflow_guard_message(fname))
        return vals

    def _workflow_guard_message(self, fname):
        return self.env._(
            "%(field)s of %(model)s is set by its workflow: use its buttons.",
            field=self._fields[fname].get_description(self.env)["string"],
            model=self._description,
        )

    def _workflow_changed_fields(self, vals, fnames):
        """The fields of ``fnames`` whose value in ``vals`` differs on a record of self."""
        return changed_fields(self, vals, fnames)

    def _workflow_check_write(self, vals):
        if door_open(self._name):
            return
        changed = self._workflow_changed_fields(
            vals, self._workflow_protected_fields() | set(self._workflow_locked_fields)
        )
        if changed:
            raise AccessError(self._workflow_guard_message(sorted(changed)[0]))

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._workflow_clean_create_vals(vals) for vals in vals_list]
        for vals in vals_list:
            check_lengths(self, vals, self._text_limits)
        return super().create(vals_list)

    def onchange(self, values, field_names, fields_spec):
        """A form is filled in by who may create such records: ``onchange`` checks no
        rights of its own, and its computes would answer anybody."""
        self.browse().check_access("create")
        return super().onchange(values, field_names, fields_spec)

    def write(self, vals):
        self._workflow_check_write(vals)
        check_lengths(self, vals, self._text_limits)
        return super().write(vals)

    @api.model
    def _workflow_users(self, group_xmlid, company, exclude=None, above=None):
        """Who does the work of group ``group_xmlid`` in ``company`` and is asked to act:
        its internal users in the company but ``exclude``; of them, those not in the role
        above (group ``above``) nor administrators, unless nobody else is left."""
        # sudo: who holds a role is looked up whoever takes the step that asks him
        users = (
            self.env.ref(group_xmlid)
            .sudo()
            .users.filtered(lambda user: not user.share and company in user.company_ids)
        )
        users -= exclude or self.env["res.users"]
        narrow = users.filtered(
            lambda user: (
                not user.has_group("base.group_system") and not (above and user.has_group(above))
            )
        )
        return narrow or users

    # ---------------------------------------------------- the steps' activities
    def _workflow_schedule(self, activity_xmlid, users, summary, date_deadline=None):
        """Schedule an activity for each of ``users`` on each record, its summary
        ``summary(env)`` written in his language."""
        for record in self:
            for user in users:
                # sudo: who takes a step asks the next one to act on the same record
                # (a borrower, his approver), whatever the latter's rights
                in_lang = for_user(record.sudo(), user)
                in_lang.activity_schedule(
                    activity_xmlid,
                    date_deadline=date_deadline,
                    summary=summary(in_lang.env),
                    user_id=user.id,
                )

    def _workflow_feedback(self, activity_xmlids):
        """Mark the records' activities of those types done; the "… done" note in the
        chatter's language."""
        for records in by_chatter_lang(self):
            records.activity_feedback(activity_xmlids)

    def _workflow_activity_values(self, activity_xmlid, user, summary, date_deadline=None):
        """The values of an activity for ``user`` on the record, its summary
        ``summary(env)`` in his language, to create many at once; None without user."""
        self.ensure_one()
        if not user:
            return None
        activity_type = self.env.ref(activity_xmlid)
        env = for_user(self, user).env
        return {
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "summary": summary(env),
            "user_id": user.id,
            "date_deadline": date_deadline or activity_type._get_date_deadline(),
            "automated": True,  # as activity_schedule: ended by the record's own steps
        }

    def _workflow_open_activities(self, activity_xmlid):
        """``(record id, user id)`` of the open activities of that type on the records,
        in one query."""
        activity_type = self.env.ref(activity_xmlid, raise_if_not_found=False)
        if not activity_type or not self:
            return set()
        # sudo: a cron looks at every reminder, whoever it was given to
        busy = (
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id", "user_id"],
            )
        )
        return {(res_id, user.id) for res_id, user in busy}

    @api.model
    def _next_number(self, code, sequence_date=None, company=None):
        return next_number(self.env, code, sequence_date=sequence_date, company=company)


def next_number(env, code, sequence_date=None, company=None):
    """The next number of sequence ``code``, the one numbering of the addon's records
    (see ``next_numbers``)."""
    return next_numbers(env, code, 1, sequence_date=sequence_date, company=company)[0]


def next_numbers(env, code, count, sequence_date=None, company=None):
    """The next ``count`` numbers of sequence ``code``, in order.

    A missing sequence is an error that names it: no record is saved without its
    number. The sequences are gapless (``no_gap``): a save that fails gives its numbers
    back. Their row is locked and moved on once for all ``count`` numbers, as Odoo
    does for one (``_update_nogap``): an import numbers its thousand dossiers in one
    update, not in a thousand."""
    company = company or env.company
    date = sequence_date or fields.Date.context_today(env.user)
    # sudo: numbering is the addon's bookkeeping; users do not read ir.sequence.
    sequence = (
        env["ir.sequence"]
        .sudo()
        .with_company(company)
        .search(
            [("code", "=", code), ("company_id", "in", [company.id, False])],
            order="company_id",
            limit=1,
        )
    )
    if not sequence:
        raise UserError(
            env._(
                "The numbering sequence %(code)s is missing; ask an administrator to "
                "restore it (Settings › Technical › Sequences).",
                code=code,
            )
        )
    if sequence.implementation != "no_gap":
        return [sequence._next(sequence_date=date) for _index in range(count)]
    # the sequence itself, or its range of the date (made when missing), as Odoo finds it
    counter = sequence._get_current_sequence(sequence_date=date)
    if sequence.use_date_range:
        # the prefix's %(range_year)s is the year of the range
        sequence = sequence.with_context(ir_sequence_date_range=counter.date_from)
    step = sequence.number_increment
    first = _update_nogap(counter, step * count)
    # formatted as ``get_next_char`` does, its prefix and suffix interpolated once
    prefix, suffix = sequence._get_prefix_suffix()
    digits = f"%0{sequence.padding}d"
    return [prefix + digits % (first + index * step) + suffix for index in range(count)]
