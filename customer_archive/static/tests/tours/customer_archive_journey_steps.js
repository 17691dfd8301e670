/** @odoo-module */
/**
 * The steps every role's journey takes the same way: the apps menu, the 客户档案 menus,
 * the search bar, a many2one's dropdown, the desk (档案工作台). Selectors use field,
 * button and menu names, not labels (the screens are in Chinese).
 */

/** The web client's home › the Contacts app (联系人). */
export function openContacts() {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Contacts (联系人)",
            trigger: ".o_app[data-menu-xmlid='contacts.menu_contacts']",
            run: "click",
        },
        {
            content: "The contacts are shown",
            trigger: ".o_control_panel .o_breadcrumb",
        },
    ];
}

/** Contacts › 客户档案 › the menu of that xmlid (in the 更多 menu on a narrow screen). */
export function openArchiveMenu(xmlid, title) {
    // a menu of a companion addon is named with its module
    const menu = xmlid.includes(".") ? xmlid : `customer_archive.${xmlid}`;
    return [
        {
            content: "Open the 客户档案 menu",
            trigger:
                ".o_menu_sections button[data-menu-xmlid='customer_archive.customer_archive_root_menu'], .o_menu_sections_more button",
            run: "click",
        },
        {
            content: `Open ${title}`,
            trigger: `.dropdown-item[data-menu-xmlid='${menu}']`,
            run: "click",
        },
        {
            content: `${title} is open`,
            trigger: `.o_breadcrumb:contains(${title})`,
        },
    ];
}

/** Type a customer's name into the search bar and look for it (Enter). */
export function searchFor(text) {
    return [
        {
            content: `Search for ${text}`,
            trigger: ".o_searchview_input",
            run: `edit ${text}`,
        },
        {
            content: "Look for it",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "The search is applied",
            trigger: `.o_searchview_facet:contains(${text})`,
        },
    ];
}

/** Pick the record of that name in a many2one's dropdown (not its create options). */
export function pickInMany2one(field, text, scope = ".o_form_view") {
    return [
        {
            content: `Type ${text} in ${field}`,
            trigger: `${scope} .o_field_widget[name=${field}] input`,
            run: `edit ${text}`,
        },
        {
            content: `Pick ${text}`,
            trigger: `.o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) a:contains(${text})`,
            run: "click",
        },
    ];
}

/** Open the first card of the desk's column of that activity type. */
export function openFromDesk(activityType) {
    return [
        ...openArchiveMenu("customer_archive_desk_menu", "档案工作台"),
        {
            content: `Open what waits for me: ${activityType}`,
            trigger: `.o_kanban_group:has(.o_column_title:contains(${activityType})) .o_kanban_record:not(.o_kanban_ghost)`,
            run: "click",
        },
    ];
}

/** 新建 › 公司, a name and a phone, 保存: a company customer, from the contacts. */
export function createCompany(name, phone) {
    return [
        {
            content: "New contact (新建)",
            trigger: ".o_control_panel_main_buttons .o-kanban-button-new, .o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "A company (公司)",
            trigger: ".o_form_view .o_field_widget[name=company_type] input[data-value=company]",
            run: "click",
        },
        {
            content: "Its name",
            trigger: ".o_form_view .o_field_widget[name=name] input, .o_form_view .o_field_widget[name=name] textarea",
            run: `edit ${name}`,
        },
        {
            content: "Its phone",
            trigger: ".o_form_view .o_field_widget[name=phone] input",
            run: `edit ${phone}`,
        },
        {
            content: "Save (保存)",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The company is saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ];
}

/** 可能重复的客户 › 合并 › 合并联系人 on the demo's 北京华信科技 typed twice. */
export function mergeTheDemoDuplicates() {
    return [
        ...openArchiveMenu("customer_archive_duplicate_menu", "可能重复的客户"),
        {
            content: "Merge the two 北京华信科技 (合并)",
            trigger: ".o_list_view .o_data_row:has(.o_data_cell:contains(北京华信科技有限公司)) button[name=action_merge]",
            run: "click",
        },
        {
            content: "Odoo's merge opens on the two customers",
            trigger: ".modal .o_partner_merge_wizard .o_field_widget[name=partner_ids] .o_data_row:nth-child(2)",
        },
        {
            content: "Merge them (合并联系人)",
            trigger: ".modal button[name=action_merge]",
            run: "click",
        },
        {
            content: "The merge closes by itself once the two are one",
            trigger: "body:not(:has(.modal .o_partner_merge_wizard))",
        },
    ];
}
