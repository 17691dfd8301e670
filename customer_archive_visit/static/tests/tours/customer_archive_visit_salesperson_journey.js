/** @odoo-module */
/**
 * The salesperson's (查阅人) return visit, as 王芳 clicks it in Chinese from the web client's
 * home, on the demo story's data (tests/test_visit_journey.py brings the booked visit's
 * time): she opens 回访 › 回访, her booked visit to a customer of hers, writes whom she met
 * and what the customer needs, and marks it done (回访完成).
 * Selectors use field, button and menu names, not labels (the screens are in Chinese).
 */
import { registry } from "@web/core/registry";
import { openArchiveMenu } from "@customer_archive/../tests/tours/customer_archive_journey_steps";

registry.category("web_tour.tours").add("customer_archive_visit_salesperson_journey", {
    url: "/odoo",
    steps: () => [
        // -- the visit she booked with a customer of hers is due: she records it
        ...openArchiveMenu("customer_archive_visit.customer_archive_visit_menu", "回访"),
        {
            content: "Open her booked visit to 上海浦江贸易有限公司",
            trigger: ".o_list_view .o_data_row:contains(上海浦江贸易有限公司) .o_data_cell, .o_kanban_record:contains(上海浦江贸易有限公司)",
            run: "click",
        },
        {
            content: "Whom she met",
            trigger: ".o_form_view .o_field_widget[name=met_person] input, .o_form_view .o_field_widget[name=met_person] textarea",
            run: "edit 采购部刘海燕经理",
        },
        {
            content: "What the customer needs",
            trigger: ".o_form_view .o_field_widget[name=needs] textarea, .o_form_view .o_field_widget[name=needs] input",
            run: "edit 明年进口量增加三成,希望签订年度框架协议。",
        },
        {
            content: "The visit is done (回访完成)",
            trigger: ".o_form_view button[name=action_done]",
            run: "click",
        },
        {
            content: "The visit is recorded",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=done]",
        },
    ],
});
