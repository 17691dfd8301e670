/** @odoo-module */
/**
 * The manager's (档案主管) journey, as 张伟 clicks it in Chinese from the web client's home,
 * on the demo story's data (tests/test_customer_archive_journeys.py has a salesperson ask
 * for a confidential dossier and the keeper check the demo's correction first, and checks
 * the database afterwards):
 * he approves the loan waiting on his desk (档案工作台), merges a customer typed in twice
 * (可能重复的客户 › 合并), approves the checked correction (审批) and the destruction
 * register submitted to him, and opens the analysis (分析 › 客户分类).
 * Selectors use field, button and menu names, not labels (the screens are in Chinese).
 */
import { registry } from "@web/core/registry";
import { mergeTheDemoDuplicates, openArchiveMenu, openContacts } from "@customer_archive/../tests/tours/customer_archive_journey_steps";

registry.category("web_tour.tours").add("customer_archive_manager_journey", {
    url: "/odoo",
    steps: () => [
        ...openContacts(),
        // -- the loan waiting for his approval, from his desk
        ...openArchiveMenu("customer_archive_desk_menu", "档案工作台"),
        {
            content: "Open the loan to approve (审批档案借阅)",
            trigger: ".o_kanban_group:has(.o_column_title:contains(审批档案借阅)) .o_kanban_record:not(.o_kanban_ghost):contains(长春一汽配套座椅有限公司)",
            run: "click",
        },
        {
            content: "It is the confidential dossier asked for",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(长春一汽配套座椅有限公司)",
        },
        {
            content: "Approve it (批准)",
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            content: "The loan is approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=approved]",
        },
        // -- a customer typed in twice
        ...mergeTheDemoDuplicates(),
        // -- the correction the keeper checked: his approval (审批)
        ...openArchiveMenu("customer_archive_correction_menu", "信息更正申请"),
        {
            content: "Open the correction of 北京华信科技有限公司",
            trigger: ".o_list_view .o_data_row:contains(北京华信科技有限公司) .o_data_cell",
            run: "click",
        },
        {
            content: "Approve and apply it (审批)",
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            content: "The correction is applied",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=approved]",
        },
        // -- the destruction register submitted to him
        ...openArchiveMenu("customer_archive_destruction_menu", "销毁清册"),
        {
            content: "Open the register waiting for approval",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Approve it (批准)",
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            content: "The register is approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=approved]",
        },
        // -- the analysis
        ...openArchiveMenu("customer_classification_menu", "客户分类"),
        {
            content: "The customers by grade and region are shown",
            trigger: ".o_pivot_view .o_pivot table, .o_graph_view canvas, .o_list_view .o_data_row",
        },
    ],
});
