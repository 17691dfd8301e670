import time
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.customer_archive.models.customer_archive_workflow_mixin import Transition
from odoo.addons.customer_archive.tools import customer_classification_rules as rules
from odoo.addons.customer_archive.tools.customer_archive_groups import MANAGER

from .customer_archive_visit import MADE_STATES, OPEN_STATES

# the longest period a plan covers, and the furthest "not visited for" filter
MAX_PERIOD_DAYS = 366
MAX_SINCE_DAYS = 3660
# a plan of up to this many customers makes its visits in the request; a larger one in
# the background, a batch at a time
INLINE_VISITS = 300
GENERATE_BATCH = 200
# the filters that choose the customers of a plan
FILTER_FIELDS = (
    "filter_grade",
    "filter_tier",
    "filter_loyalty",
    "filter_days_since_visit",
    "filter_state_id",
    "filter_salesperson_id",
)


class CustomerArchiveVisitPlan(models.Model):
    """A return-visit plan (客户回访计划) for a period: the customers to visit, chosen by
    filters or by hand, with its purpose and content; it generates one visit per
    customer, assigned to the customer's salesperson."""

    _name = "customer.archive.visit.plan"
    _description = "Customer Visit Plan"
    _inherit = [
        "customer.archive.workflow.mixin",
        "customer.archive.job.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    _workflow_transitions = (
        Transition("generate", ("draft", "open"), "open", MANAGER, ("_rule_has_customers",)),
        Transition("close", ("open",), "closed", MANAGER),
    )
    _text_limits = {"name": 200}

    name = fields.Char(string="Title", required=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_start = fields.Date(
        string="Start Date", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(
        string="End Date",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=30),
        tracking=True,
    )
    purpose = fields.Text(
        string="Visit Purpose", required=True, help="回访目的: why these customers are visited."
    )
    content = fields.Text(help="回访内容: what to ask, show and prepare.")
    state = fields.Selection(
        [("draft", "Draft"), ("open", "In Progress"), ("closed", "Closed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    # The filters (明确回访对象); changing one chooses the matching customers again.
    filter_grade = fields.Selection(rules.GRADES, string="Grade")
    filter_tier = fields.Selection(rules.TIERS, string="Tier")
    filter_loyalty = fields.Selection(rules.LOYALTY_STAGES, string="Loyalty Stage")
    filter_days_since_visit = fields.Integer(
        string="Not Visited for (Days)",
        help="Only customers whose last visit is older than this, or never visited; 0: any.",
    )
    filter_state_id = fields.Many2one("res.country.state", string="Province")
    filter_salesperson_id = fields.Many2one(
        "res.users", string="Salesperson", domain="[('share', '=', False)]"
    )
    archive_ids = fields.Many2many(
        "customer.archive",
        "customer_archive_visit_plan_archive_rel",
        "plan_id",
        "archive_id",
        string="Customers",
        check_company=True,
        domain="[('state', '=', 'active')]",
        help="The archives of the customers to visit: chosen by the filters, then "
        "adjusted by hand.",
    )
    archive_count = fields.Integer(string="Customer Count", compute="_compute_counts")
    visit_ids = fields.One2many("customer.archive.visit", "plan_id", string="Visits")
    # the record rules' path to the visits: read by administrators only (see the rules)
    rule_visit_ids = fields.One2many(
        "customer.archive.visit",
        "plan_id",
        string="Visits (Record Rules)",
        groups="base.group_system",
    )
    visit_count = fields.Integer(compute="_compute_counts")

    can_generate = fields.Boolean(compute="_compute_workflow_can")
    can_close = fields.Boolean(compute="_compute_workflow_can")

    @api.depends("archive_ids", "visit_ids")
    @api.depends_context("uid")
    def _compute_counts(self):
        # the visits the user may read, counted under his rules
        counts = dict(
            self.env["customer.archive.visit"]._read_group(
                [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.archive_count = len(plan.archive_ids)
            plan.visit_count = counts.get(plan._origin, 0)

    @api.constrains("date_start", "date_end")
    def _check_period(self):
        today = fields.Date.context_today(self)
        for plan in self:
            if plan.date_end < plan.date_start:
                raise ValidationError(self.env._("A plan cannot end before it starts."))
            if (plan.date_end - plan.date_start).days > MAX_PERIOD_DAYS:
                raise ValidationError(self.env._("A visit plan covers at most a year."))
            if abs((plan.date_start - today).days) > MAX_PERIOD_DAYS:
                raise ValidationError(
                    self.env._(
                        "A visit plan starts within a year of today, not on %(date)s.",
                        date=plan.date_start,
                    )
                )

    @api.constrains("filter_days_since_visit")
    def _check_days_since_visit(self):
        for plan in self:
            if not 0 <= plan.filter_days_since_visit <= MAX_SINCE_DAYS:
                raise ValidationError(
                    self.env._("“Not visited for” counts 0 to %(max)s days.", max=MAX_SINCE_DAYS)
                )

    @api.constrains("archive_ids")
    def _check_has_customers(self):
        for plan in self:
            if not plan.archive_ids:
                raise ValidationError(plan._no_customer_message())

    @api.onchange(*FILTER_FIELDS)
    def _onchange_filters(self):
        """Show the customers the filters choose; ``create`` and ``write`` choose them
        the same way for clients that run no onchange."""
        if self._has_filters():
            self.archive_ids = self._matching_archives()

    def _has_filters(self):
        return any(self[fname] for fname in FILTER_FIELDS)

    def _no_customer_message(self):
        return self.env._(
            "Visit plan %(plan)s has no customers: choose them by the filters or by hand.",
            plan=self.name,
        )

    def _get_archive_domain(self):
        """The dossiers the filters of the plan choose (but the last-visit one)."""
        domain = [("state", "=", "active"), ("company_id", "=", self.company_id.id)]
        if self.filter_grade:
            domain.append(("customer_grade", "=", self.filter_grade))
        if self.filter_tier:
            domain.append(("customer_tier", "=", self.filter_tier))
        if self.filter_loyalty:
            domain.append(("customer_loyalty", "=", self.filter_loyalty))
        if self.filter_state_id:
            domain.append(("partner_id.state_id", "=", self.filter_state_id.id))
        if self.filter_salesperson_id:
            domain.append(("salesperson_id", "=", self.filter_salesperson_id.id))
        return domain

    def _matching_archives(self):
        archives = self.env["customer.archive"].search(self._get_archive_domain())
        days = self.filter_days_since_visit
        if days and archives:
            limit = fields.Date.context_today(self) - timedelta(days=days)
            last = self.env["customer.archive.visit"]._last_visit_dates(archives.ids)
            archives = archives.filtered(lambda a: a.id not in last or last[a.id] < limit)
        return archives

    @api.model_create_multi
    def create(self, vals_list):
        """A plan saved with filters and no customers gets those its filters choose;
        one saved without either is refused."""
        for vals in vals_list:
            empty = vals.get("archive_ids") in (None, False, [], [(6, 0, [])], [[6, 0, []]])
            if empty and any(vals.get(fname) for fname in FILTER_FIELDS):
                draft = self.new(
                    {
                        "company_id": vals.get("company_id") or self.env.company.id,
                        **{fname: vals[fname] for fname in FILTER_FIELDS if fname in vals},
                    }
                )
                vals["archive_ids"] = [Command.set(draft._matching_archives().ids)]
            # named, so that the check of the customers runs on a plan saved without any
            vals.setdefault("archive_ids", [Command.set([])])
        return super().create(vals_list)

    def write(self, vals):
        """Changing a filter (and not the customers) chooses the customers again."""
        if "archive_ids" in vals or not any(fname in vals for fname in FILTER_FIELDS):
            return super().write(vals)
        super().write(vals)
        for plan in self.filtered(lambda p: p._has_filters()):
            plan.archive_ids = plan._matching_archives()
        return True

    # ------------------------------------------------------------ workflow
    def _rule_has_customers(self):
        if not self.archive_ids:
            return UserError(self._no_customer_message())
        return None

    def action_generate(self):
        self._workflow_run("generate")
        return True

    def _action_generate(self):
        """One visit per customer of the plan, to its salesperson (or the plan's
        responsible), once: customers already in the plan's visits are skipped. The
        plans are locked first, so two clicks at once take turns. A plan of many
        customers makes its visits in the background, a batch at a time."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM customer_archive_visit_plan WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(self.ids),
            )
        )
        self._job_check_idle()
        visits = self.env["customer.archive.visit"]
        for plan in self:
            if len(plan.archive_ids) > INLINE_VISITS:
                plan._job_start(
                    self.env._("Visits of plan %(plan)s", plan=plan.name), kind="generate"
                )
                continue
            created, skipped = plan._generate_visits(plan.archive_ids)
            plan._post_generate_result(len(created), skipped)
            plan._workflow_write({"state": "open"})
            visits |= created
        return visits

    def _generate_visits(self, archives):
        """Visits of ``archives`` for the plan, but those it has and the customers with
        a visit still to make elsewhere (it serves the plan too); (visits, skipped)."""
        self.ensure_one()
        self.invalidate_recordset(["visit_ids"])
        Visit = self.env["customer.archive.visit"]
        # sudo: which customers the plan already visits, whoever may read the visits
        mine = Visit.sudo().search([("plan_id", "=", self.id), ("archive_id", "in", archives.ids)])
        visited = set(mine.archive_id.ids)
        todo = archives.filtered(lambda a: a.id not in visited)
        busy = Visit._archives_with_open_visit(todo.ids)
        skipped = todo.filtered(lambda a: a.id in busy)
        created = Visit.create([self._prepare_visit_vals(archive) for archive in todo - skipped])
        return created, skipped

    def _job_step(self, job, deadline):
        """A batch of the plan's visits, its customers in the order of their ids."""
        cursor = dict(job.cursor or {"last": 0, "made": 0, "skipped": []})
        archives = self.archive_ids.sorted("id").filtered(lambda a: a.id > cursor["last"])
        total = len(self.archive_ids)
        while archives:  # one batch at least, then until the deadline
            batch, archives = archives[:GENERATE_BATCH], archives[GENERATE_BATCH:]
            created, skipped = self._generate_visits(batch)
            cursor["last"] = batch[-1].id
            cursor["made"] += len(created)
            cursor["skipped"] += skipped.ids
            if time.monotonic() > deadline:
                break
        done = total - len(archives)
        if archives:
            job._set_progress(done, total, cursor)
            return False
        skipped = self.env["customer.archive"].browse(cursor["skipped"])
        self._post_generate_result(cursor["made"], skipped)
        self._workflow_write({"state": "open"})
        job._set_progress(
            total, total, {}, self.env._("%(count)s visit(s) planned.", count=cursor["made"])
        )
        return True

    def _post_generate_result(self, count, skipped):
        """Say on the plan how many visits it made, and which customers it skipped."""
        body = self.env._("%(count)s visit(s) planned.", count=count)
        if skipped:
            body += " " + self.env._(
                "Skipped, as a visit to them is already planned or booked: %(customers)s.",
                # sudo: the names of customers the plan already lists
                customers=", ".join(skipped.sudo().mapped("partner_id.name")),
            )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _prepare_visit_vals(self, archive):
        # the salesperson visits, the keeper for a secret dossier (which the salesperson
        # may not read, as the care dates), else the plan's responsible
        visitor = archive.user_id if archive.confidentiality == "secret" else archive.salesperson_id
        return {
            "plan_id": self.id,
            "archive_id": archive.id,
            "user_id": (visitor or self.user_id).id,
            "date_due": self.date_end,
            "purpose": "\n\n".join(filter(None, [self.purpose, self.content])),
        }

    def action_close(self):
        self._workflow_run("close")
        return True

    def _action_close(self):
        self._workflow_write({"state": "closed"})

    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_archive_visit.customer_archive_visit_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    def action_print_report(self):
        return self.env.ref(
            "customer_archive_visit.customer_archive_visit_plan_report"
        ).report_action(self)

    # ------------------------------------------------------------ report
    def _readable_visits(self):
        """The plan's visits the user may read, searched under his own rules: not the
        cache of ``visit_ids``, which a superuser's read may have filled."""
        self.ensure_one()
        return self.env["customer.archive.visit"].search([("plan_id", "=", self.id)])

    def _report_issues(self):
        """The visits of the report's second table: a complaint raised or a follow-up
        still open."""
        return self._readable_visits().filtered(lambda v: v.has_complaint or v.follow_up_open)

    def _report_lines(self):
        """The period report (回访报告) of the plan: per visitor, the visits planned,
        made and overdue, the complaints raised and the follow-ups still open."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        lines = {}
        for visit in self._readable_visits():
            line = lines.setdefault(
                visit.user_id,
                {
                    "user": visit.user_id,
                    "planned": 0,
                    "made": 0,
                    "overdue": 0,
                    "complaints": 0,
                    "follow_ups": 0,
                },
            )
            if visit.state == "cancelled":
                continue
            line["planned"] += 1
            line["made"] += visit.state in MADE_STATES
            line["overdue"] += visit.state in OPEN_STATES and visit.date_due < today
            line["complaints"] += visit.has_complaint
            line["follow_ups"] += visit.follow_up_open
        return sorted(lines.values(), key=lambda line: line["user"].name or "")
