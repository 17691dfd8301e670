/** @odoo-module */
/**
 * The customer's journey: logged out, he opens the link to his data form that his
 * salesperson sent (tests/test_customer_archive_journeys.py makes it), corrects his phone,
 * gives his consent and sends it; then the keeper (档案管理员 李静), in Chinese from the web
 * client's home, accepts his answers (资料更新建议 › 全部接受).
 */
import { registry } from "@web/core/registry";
import { openArchiveMenu, openContacts } from "@customer_archive/../tests/tours/customer_archive_journey_steps";

const tours = registry.category("web_tour.tours");
const CUSTOMER = "深圳鹏城电子股份有限公司";

tours.add("customer_archive_customer_fills_form", {
    steps: () => [
        {
            content: "The form shows the customer's data on record",
            trigger: `.o_customer_archive_form input[name=name]:value(${CUSTOMER})`,
        },
        {
            content: "His new phone",
            trigger: ".o_customer_archive_form input[name=phone]",
            run: "edit 0755-2688 9900",
        },
        {
            content: "His name",
            trigger: ".o_customer_archive_form input[name=respondent_name]",
            run: "edit 黄志强",
        },
        {
            content: "He agrees that his data are kept",
            trigger: ".o_customer_archive_form input[name=consent_keep]",
            run: "check",
        },
        {
            content: "Send",
            trigger: ".o_customer_archive_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Thanked: the keeper will check his answers",
            trigger: ".alert-success",
        },
    ],
});

tours.add("customer_archive_keeper_accepts_form", {
    url: "/odoo",
    steps: () => [
        ...openContacts(),
        ...openArchiveMenu("customer_archive_proposal_menu", "资料更新建议"),
        {
            content: "Open the customer's answers",
            trigger: `.o_list_view .o_data_row:contains(${CUSTOMER}) .o_data_cell`,
            run: "click",
        },
        {
            content: "His new phone is proposed",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains(0755-2688 9900)",
        },
        {
            content: "Accept all (全部接受)",
            trigger: ".o_form_view button[name=action_accept]",
            run: "click",
        },
        {
            content: "The answers are accepted",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=accepted]",
        },
    ],
});
