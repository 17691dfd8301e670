"""Satisfaction survey analysis: one row per scored answer line of a campaign, for the
pivot and graph per question, grade, province and salesperson, and the printed
顾客满意度调查分析报告."""

from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.customer_archive.models.customer_archive import CONFIDENTIALITY
from odoo.addons.customer_archive.tools.customer_classification_rules import GRADES


class CustomerArchiveSurveyAnalysis(models.Model):
    _name = "customer.archive.survey.analysis"
    _description = "Customer Satisfaction Analysis"
    _auto = False
    _order = "campaign_id desc, question_id"
    # flushed before the view is read
    _depends = {
        "survey.user_input.line": ["user_input_id", "question_id", "skipped", "answer_score"],
        "survey.user_input": [
            "state",
            "partner_id",
            "customer_archive_campaign_id",
            "customer_archive_id",
        ],
        "survey.question": ["question_type"],
        "customer.archive.survey.campaign": ["year"],
        "customer.archive": [
            "partner_id",
            "salesperson_id",
            "confidentiality",
            "user_id",
            "company_id",
        ],
        "res.partner": ["state_id"],
        "customer.classification": ["partner_id", "company_id", "customer_grade"],
    }

    campaign_id = fields.Many2one("customer.archive.survey.campaign", readonly=True)
    answer_id = fields.Many2one("survey.user_input", readonly=True)
    question_id = fields.Many2one("survey.question", readonly=True)
    archive_id = fields.Many2one("customer.archive", string="Customer Archive", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    respondent_id = fields.Many2one("res.partner", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    customer_grade = fields.Selection(GRADES, string="Grade", readonly=True)
    confidentiality = fields.Selection(CONFIDENTIALITY, readonly=True)
    keeper_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    year = fields.Integer(readonly=True, aggregator=False)
    score = fields.Float(digits=(3, 2), readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT line.id AS id,
                           answer.customer_archive_campaign_id AS campaign_id,
                           answer.id AS answer_id,
                           line.question_id AS question_id,
                           archive.id AS archive_id,
                           archive.partner_id AS partner_id,
                           answer.partner_id AS respondent_id,
                           archive.salesperson_id AS salesperson_id,
                           customer.state_id AS state_id,
                           classification.customer_grade AS customer_grade,
                           archive.confidentiality AS confidentiality,
                           archive.user_id AS keeper_id,
                           archive.company_id AS company_id,
                           campaign.year AS year,
                           line.answer_score AS score
                      FROM survey_user_input_line line
                      JOIN survey_user_input answer ON answer.id = line.user_input_id
                      JOIN customer_archive_survey_campaign campaign
                        ON campaign.id = answer.customer_archive_campaign_id
                      JOIN survey_question question ON question.id = line.question_id
                      JOIN customer_archive archive ON archive.id = answer.customer_archive_id
                      JOIN res_partner customer ON customer.id = archive.partner_id
                 LEFT JOIN customer_classification classification
                        ON classification.partner_id = archive.partner_id
                       AND classification.company_id = archive.company_id
                     WHERE answer.state = 'done'
                       AND line.skipped IS NOT TRUE
                       AND question.question_type = 'simple_choice'
                       AND line.answer_score > 0
                )
                """,
                SQL.identifier(self._table),
            )
        )
