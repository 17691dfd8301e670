/** @odoo-module */
/**
 * The keeper's (档案管理员) journey, as 李静 clicks it in Chinese from the web client's
 * home, on the demo story's data (tests/test_customer_archive_journeys.py checks the
 * database afterwards):
 * she creates a company (联系人 › 新建 › 公司) and its dossier with its business licence, the
 * licence's valid-until date and the shelf; imports a customer list (a .csv she uploads);
 * activates the imported dossiers together; hands out the approved loan waiting on her desk
 * and takes it back with the file's condition; merges a customer typed in twice
 * (可能重复的客户 › 合并); and runs the review due on her desk (标记已核查).
 * Selectors use field, button and menu names, not labels (the screens are in Chinese).
 */
import { registry } from "@web/core/registry";
import { createCompany, mergeTheDemoDuplicates, openArchiveMenu, openContacts, openFromDesk, pickInMany2one } from "@customer_archive/../tests/tours/customer_archive_journey_steps";
import { localization } from "@web/core/l10n/localization";
import { user } from "@web/core/user";

const NEW_COMPANY = "苏州新创光电科技有限公司";
const IMPORTED = ["杭州星河软件有限公司", "宁波星河物流有限公司", "南京星河食品有限公司"];
const IMPORT_FILE = [
    "客户名称,法定代表人,省份,电话,存放位置",
    `${IMPORTED[0]},周晓明,浙江省,0571-8801 2001,层 3`,
    `${IMPORTED[1]},钱丽华,浙江省,0574-8801 2002,层 3`,
    `${IMPORTED[2]},孙建国,江苏省,025-8801 2003,层 3`,
].join("\n");

function inDays(days) {
    // the user's today, as the server stamps it (context_today in her time zone): in
    // the evening (UTC) it is already tomorrow in Shanghai
    return luxon.DateTime.now()
        .setZone(user.tz || "local")
        .plus({ days })
        .toFormat(localization.dateFormat);
}

registry.category("web_tour.tours").add("customer_archive_keeper_journey", {
    url: "/odoo",
    steps: () => [
        ...openContacts(),
        // -- a company and its dossier, with its licence, valid until, and the shelf
        ...createCompany(NEW_COMPANY, "0512-6255 8899"),
        {
            content: "Open its dossier (档案): a new one",
            trigger: ".o_form_view button[name=action_open_customer_archive]",
            run: "click",
        },
        {
            content: "The dossier is for the company",
            trigger: `.o_form_view .o_field_widget[name=partner_id] input:value(${NEW_COMPANY}), .o_form_view .o_field_widget[name=partner_id]:contains(${NEW_COMPANY})`,
        },
        {
            content: "Its paper original is kept",
            trigger: ".o_form_view .o_field_widget[name=has_paper_original] input",
            run: "click",
        },
        ...pickInMany2one("location_id", "层 3"),
        {
            content: "Open the file directory (文件目录)",
            trigger: ".o_notebook_headers a[name=documents]",
            run: "click",
        },
        {
            content: "Add a document",
            trigger: ".o_field_widget[name=document_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        ...pickInMany2one("type_id", "营业执照", ".o_field_widget[name=document_ids] .o_data_row"),
        {
            content: "Its title",
            trigger: ".o_field_widget[name=document_ids] .o_data_row .o_field_widget[name=name] input",
            run: "edit 营业执照副本",
        },
        {
            content: "Valid until",
            trigger: ".o_field_widget[name=document_ids] .o_data_row .o_field_widget[name=valid_until] input",
            run: `edit ${inDays(3 * 365)}`,
        },
        {
            content: "Save the dossier (保存)",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Activate it (启用)",
            trigger: ".o_form_view button[name=action_activate]",
            run: "click",
        },
        {
            content: "The dossier is active",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=active]",
        },
        // -- a customer list: upload, dry run, import
        ...openArchiveMenu("customer_archive_import_menu", "客户资料导入"),
        {
            content: "New import (新建)",
            trigger: ".o_control_panel_main_buttons .o_list_button_add, .o_control_panel_main_buttons .o-kanban-button-new",
            run: "click",
        },
        {
            content: "Upload the customer list (客户名单.csv)",
            trigger: ".o_form_view .o_field_widget[name=file] input[type=file]:not(:visible)",
            run() {
                const file = new File([IMPORT_FILE], "客户名单.csv", { type: "text/csv" });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is there",
            trigger: ".o_form_view .o_field_widget[name=file_name] input:value(客户名单.csv)",
        },
        {
            content: "Check it (试运行): the new form is saved by the click",
            trigger: ".o_form_view button[name=action_check]",
            run: "click",
        },
        {
            content: "The dry run found three new customers and no error",
            trigger: ".o_form_view .o_field_widget[name=create_count]:contains(3)",
        },
        {
            content: "Import (导入)",
            trigger: ".o_form_view button[name=action_import]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The list is imported",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=done]",
        },
        // -- the imported dossiers, activated together
        ...openArchiveMenu("customer_archive_menu", "客户档案"),
        {
            content: "Search the imported customers by name",
            trigger: ".o_searchview_input",
            run: "edit 星河",
        },
        {
            content: "Look for them",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "The three imported dossiers are listed",
            trigger: `.o_list_view .o_data_row:contains(${IMPORTED[2]})`,
        },
        {
            content: "Select them all",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Activate them together (启用)",
            trigger: ".o_control_panel button[name=action_activate_drafts]",
            run: "click",
        },
        {
            content: "No imported dossier is a draft any more",
            trigger: `.o_list_view:has(.o_data_row:contains(${IMPORTED[0]})):not(:has(.o_data_row .o_field_widget[name=state] span:contains(草稿)))`,
        },
        // -- the approved loan waiting on her desk: hand out, take back with its condition
        ...openFromDesk("发放档案"),
        {
            content: "Hand the dossier out (发放)",
            trigger: ".o_form_view button[name=action_hand_out]",
            run: "click",
        },
        {
            content: "The dossier is out",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=out]",
        },
        {
            content: "It comes back: check it in (收回)",
            trigger: ".o_form_view button[name=action_open_return]",
            run: "click",
        },
        {
            content: "Its condition: pages missing",
            trigger: ".modal .o_field_widget[name=return_state] input[data-value=missing]",
            run: "click",
        },
        {
            content: "What is missing",
            trigger: ".modal .o_field_widget[name=note] textarea, .modal .o_field_widget[name=note] input",
            run: "edit 第3页缺失。",
        },
        {
            content: "Check it in",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The dossier is back",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=returned]",
        },
        // -- a customer typed in twice: merged from the likely duplicates
        ...mergeTheDemoDuplicates(),
        // -- the review due on her desk
        ...openFromDesk("档案核查"),
        {
            content: "Mark the dossier reviewed (标记已核查)",
            trigger: ".o_form_view button[name=action_mark_reviewed]",
            run: "click",
        },
        {
            content: "Today's review is stamped",
            trigger: `.o_form_view .o_field_widget[name=date_last_review]:contains(${inDays(0)})`,
        },
    ],
});
