/** @odoo-module */
/**
 * The salesperson's (查阅人) journey, as 王芳 clicks it in Chinese from the web client's
 * home, on the demo story's data (tests/test_customer_archive_journeys.py checks the
 * database between the two tours and approves and hands out the loan in between, as the
 * manager and the keeper would):
 * 1. she creates a company customer (联系人 › 新建 › 公司, a name and a phone, 保存), finds it
 *    by its name, and asks to consult the dossier of a customer she does not sell to, with
 *    the loan's defaults and her purpose only;
 * 2. once it is handed out she reads the documents she asked for and proposes a change of
 *    a customer's data (资料更新建议) (the visit she booked: customer_archive_visit's tour).
 * Selectors use field, button and menu names, not labels (the screens are in Chinese).
 */
import { registry } from "@web/core/registry";
import { createCompany, openArchiveMenu, openContacts, pickInMany2one, searchFor } from "@customer_archive/../tests/tours/customer_archive_journey_steps";

const tours = registry.category("web_tour.tours");

const NEW_COMPANY = "苏州晨光精密仪器有限公司";
const LOAN_CUSTOMER = "东莞松山湖智能装备有限公司";

tours.add("customer_archive_salesperson_journey", {
    url: "/odoo",
    steps: () => [
        ...openContacts(),
        // -- a company customer: 新建 › 公司, a name and a phone, 保存
        ...createCompany(NEW_COMPANY, "0512-6688 1234"),
        // -- she finds it by its name
        {
            content: "Back to the contacts",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item:first-child a",
            run: "click",
        },
        ...searchFor(NEW_COMPANY),
        {
            content: "The new company is found",
            trigger: `.o_kanban_record:contains(${NEW_COMPANY}), .o_data_row:contains(${NEW_COMPANY})`,
        },
        // -- she asks to consult another salesperson's customer's dossier, with the defaults
        {
            content: "Clear the search",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        ...searchFor(LOAN_CUSTOMER),
        {
            content: "Open the customer",
            trigger: `.o_kanban_record:contains(${LOAN_CUSTOMER}), .o_data_row:contains(${LOAN_CUSTOMER}) .o_data_cell`,
            run: "click",
        },
        {
            content: "Ask to borrow its dossier (借阅)",
            trigger: ".o_form_view button[name=action_request_customer_archive_loan]",
            run: "click",
        },
        {
            content: "The loan names the dossier",
            trigger: `.o_form_view .o_field_widget[name=partner_id]:contains(${LOAN_CUSTOMER})`,
        },
        {
            content: "Say why, leaving every other field at its default",
            trigger: ".o_form_view .o_field_widget[name=purpose] textarea",
            run: "edit 需查阅其营业执照和历年合同",
        },
        {
            content: "Submit (提交)",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            content: "The loan waits for approval",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=submitted]",
        },
    ],
});

tours.add("customer_archive_salesperson_reads_proposes", {
    url: "/odoo",
    steps: () => [
        ...openContacts(),
        // -- the dossier handed out to her: she reads what she asked for
        ...searchFor(LOAN_CUSTOMER),
        {
            content: "Open the customer",
            trigger: `.o_kanban_record:contains(${LOAN_CUSTOMER}), .o_data_row:contains(${LOAN_CUSTOMER}) .o_data_cell`,
            run: "click",
        },
        {
            content: "Open its dossier (档案)",
            trigger: ".o_form_view button[name=action_open_customer_archive]",
            run: "click",
        },
        {
            content: "The dossier opens with its registration data",
            trigger: ".o_form_view .o_field_widget[name=legal_representative]:not(:empty)",
        },
        {
            content: "Open the file directory (文件目录)",
            trigger: ".o_notebook_headers a[name=documents]",
            run: "click",
        },
        {
            content: "Its business licence is listed",
            trigger: ".o_field_widget[name=document_ids] .o_data_row:contains(营业执照)",
        },
        {
            content: "And its contracts",
            trigger: ".o_field_widget[name=document_ids] .o_data_row:contains(合同)",
        },
        // -- she proposes a change of a customer's data (资料更新建议 › 新建)
        ...openArchiveMenu("customer_archive_proposal_menu", "资料更新建议"),
        {
            content: "New proposal (新建)",
            trigger: ".o_control_panel_main_buttons .o_list_button_add, .o_control_panel_main_buttons .o-kanban-button-new",
            run: "click",
        },
        ...pickInMany2one("archive_id", "深圳鹏城电子股份有限公司"),
        {
            content: "Add a change",
            trigger: ".o_field_widget[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "The phone (电话)",
            trigger: ".o_field_widget[name=line_ids] .o_data_row .o_field_widget[name=field_name] select",
            run: 'select "phone"',
        },
        {
            content: "Its new value",
            trigger: ".o_field_widget[name=line_ids] .o_data_row .o_field_widget[name=new_value] textarea, .o_field_widget[name=line_ids] .o_data_row .o_field_widget[name=new_value] input",
            run: "edit 0755-8888 6666",
        },
        {
            content: "The change is entered: leave the line (a click on the form's title)",
            trigger: ".o_form_view .o_form_sheet .oe_title, .o_form_view .o_form_sheet .o_field_widget[name=archive_id]",
            run: "click",
        },
        {
            content: "The line is kept in the list",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:not(.o_selected_row)",
        },
        {
            content: "Where the new data comes from",
            trigger: ".o_notebook_headers a[name=note]",
            run: "click",
        },
        {
            content: "Say it",
            trigger: ".o_form_view .o_field_widget[name=note] textarea, .o_form_view .o_field_widget[name=note] .odoo-editor-editable",
            run: "edit 客户采购部来电告知总机号码已更换。",
        },
        {
            content: "Save (保存)",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Submit it to the keeper (提交给档案管理员)",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            content: "The proposal waits for the keeper",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=submitted]",
        },
    ],
});
