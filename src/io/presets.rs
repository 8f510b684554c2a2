//! Platform presets: what ckm knows of the standard exports of the platforms where customer
//! data lives, beyond the names of their columns. Each is recognised by its header signature
//! (all of a few headers the platform's own documentation lists), applied automatically, and
//! chosen or switched off with `--preset NAME|none`; `--map` still overrides any column.
//!
//! A preset says which column is which canonical one, which columns are an order's rather
//! than a line's (an export that writes them on an order's first row only has them filled
//! down to its later rows), and whether the customer key is an email (personal data: it is
//! normalised as identity resolution normalises emails, and written only with `--keep-pii`
//! or pseudonymised).

use crate::io::schema::{self, normalise_header};

/// A platform's standard export.
#[derive(Debug, PartialEq, Eq)]
pub struct Preset {
    /// What `--preset` calls it.
    pub name: &'static str,
    /// What messages call it.
    pub export: &'static str,
    /// Where the platform documents the export's columns.
    pub documentation: &'static str,
    /// Headers (as the platform writes them) that all appear in this export and together in
    /// no other: its signature.
    pub signature: &'static [&'static str],
    /// Canonical column and the header that holds it; of several for one column, the first
    /// the export has.
    pub columns: &'static [(&'static str, &'static str)],
    /// Canonical columns no header of this export holds, whatever the names suggest (an
    /// order total is no line amount).
    pub unmapped: &'static [&'static str],
    /// The header whose value is the same on all rows of one order, and the order-level
    /// headers the export leaves blank on an order's later rows.
    pub order_rows: Option<OrderRows>,
    /// A line's own discount, taken off quantity × unit price when that is the amount.
    pub line_discount: Option<&'static str>,
    /// The time as a local date, time of day and zone name in three columns
    /// ([`crate::io::local_time`]), instead of one column.
    pub local_time: Option<[&'static str; 3]>,
    /// The customer key is an email address.
    pub customer_is_email: bool,
    /// The currency of each row's amounts.
    pub currency: Option<&'static str>,
    /// Which rows are refunded, voided or cancelled.
    pub returns: Option<Returns>,
    /// The lines are packed into numbered cells of one row per order.
    pub packed_lines: Option<PackedLines>,
}

/// An export of one row per order whose lines are packed into numbered cells (`line_item_1`,
/// `line_item_2`, ... as many as the largest order has lines), each a `|`-separated list of
/// `key:value` fields, a `|` within a value written `\|`. Each line becomes a row of its own,
/// with the order's columns and the order row's `source_row`; an order row without any line
/// stays one row, flagged for `ckm clean`.
#[derive(Debug, PartialEq, Eq)]
pub struct PackedLines {
    /// The cells' header before their number.
    pub prefix: &'static str,
    /// Canonical column and the keys that hold it (the first with a value).
    pub fields: &'static [(&'static str, &'static [&'static str])],
}

#[derive(Debug, PartialEq, Eq)]
pub struct OrderRows {
    pub key: &'static str,
    pub filled_down: &'static [&'static str],
}

/// Rows the export marks as refunded, voided or cancelled in full: they come out with
/// `is_return` set, and `ckm clean --returns` applies its policy (a row that cancels itself
/// is no purchase to net against: `net` and `drop` take it out, `keep` flags it).
#[derive(Debug, PartialEq, Eq)]
pub struct Returns {
    /// A status column, and its values (compared trimmed, in lower case) that mean so.
    pub status: &'static str,
    pub values: &'static [&'static str],
    /// The status values of a sale, when every other one (an open or lost deal) is none.
    pub sold_only: &'static [&'static str],
    /// A column that, when it has a value, says the row was cancelled.
    pub cancelled_when_given: Option<&'static str>,
    /// A column of the amount refunded on the row itself (its size: Square writes it
    /// negative): in full (at least the amount) it makes the row a return; in part, it comes
    /// off the row's amount.
    pub refunded: Option<&'static str>,
    /// A column that, when false, says the payment was never taken (an authorisation not
    /// captured).
    pub void_when_false: Option<&'static str>,
}

/// Shopify's orders export: one row per line item; the order's own fields (its status,
/// totals, currency, addresses) on its first row only. The customer is identified by
/// `Email`; `Total` is the order's total with shipping and taxes, never a line's amount,
/// which is `Lineitem price` × `Lineitem quantity` less `Lineitem discount`.
pub const SHOPIFY_ORDERS: Preset = Preset {
    name: "shopify-orders",
    export: "a Shopify orders export",
    documentation: "https://help.shopify.com/en/manual/orders/export-orders#order-export-csv-structure",
    signature: &[
        "Name",
        "Email",
        "Financial Status",
        "Lineitem quantity",
        "Lineitem name",
        "Lineitem price",
    ],
    columns: &[
        (schema::CUSTOMER_ID, "Email"),
        (schema::ORDER_ID, "Name"),
        (schema::TS, "Created at"),
        (schema::QUANTITY, "Lineitem quantity"),
        (schema::UNIT_PRICE, "Lineitem price"),
        (schema::ITEM_ID, "Lineitem sku"),
        (schema::ITEM_NAME, "Lineitem name"),
        (schema::CHANNEL, "Source"),
    ],
    unmapped: &[schema::AMOUNT],
    local_time: None,
    line_discount: Some("Lineitem discount"),
    order_rows: Some(OrderRows {
        key: "Name",
        filled_down: &[
            "Email",
            "Financial Status",
            "Paid at",
            "Fulfillment Status",
            "Fulfilled at",
            "Accepts Marketing",
            "Currency",
            "Subtotal",
            "Shipping",
            "Taxes",
            "Total",
            "Discount Code",
            "Discount Amount",
            "Shipping Method",
            "Created at",
            "Cancelled at",
            "Payment Method",
            "Refunded Amount",
            "Outstanding Balance",
            "Source",
            "Tags",
            "Risk Level",
        ],
    }),
    customer_is_email: true,
    currency: Some("Currency"),
    // `partially_refunded` orders stay purchases: the export does not say which lines the
    // refund was for (its `Refunded Amount` is the order's).
    returns: Some(Returns {
        status: "Financial Status",
        values: &["refunded", "voided"],
        sold_only: &[],
        cancelled_when_given: Some("Cancelled at"),
        refunded: None,
        void_when_false: None,
    }),
    packed_lines: None,
};

/// Stripe's payments export (Payments, Export; its columns are those of the charge object):
/// one row per charge, the customer Stripe's own id (`Customer ID`; a guest charge has none),
/// amounts in the currency's units, `Created (UTC)` in UTC. A refund is on the charge's own
/// row (`Amount Refunded`); failed and uncaptured charges took no money.
pub const STRIPE_PAYMENTS: Preset = Preset {
    name: "stripe-payments",
    export: "a Stripe payments export",
    documentation: "https://docs.stripe.com/api/charges/object",
    // The time is `Created (UTC)` in older exports, `Created date (UTC)` in newer ones.
    signature: &["id", "Amount", "Amount Refunded", "Currency", "Status"],
    columns: &[
        (schema::CUSTOMER_ID, "Customer ID"),
        (schema::ORDER_ID, "id"),
        (schema::TS, "Created (UTC)"),
        (schema::TS, "Created date (UTC)"),
        (schema::AMOUNT, "Amount"),
        (schema::ITEM_NAME, "Description"),
    ],
    unmapped: &[
        schema::QUANTITY,
        schema::UNIT_PRICE,
        schema::ITEM_ID,
        schema::CHANNEL,
    ],
    order_rows: None,
    local_time: None,
    line_discount: None,
    customer_is_email: false,
    currency: Some("Currency"),
    returns: Some(Returns {
        status: "Status",
        values: &["refunded", "failed", "canceled", "cancelled", "blocked"],
        sold_only: &[],
        cancelled_when_given: None,
        refunded: Some("Amount Refunded"),
        void_when_false: Some("Captured"),
    }),
    packed_lines: None,
};

/// Salesforce's opportunities with products report (fields of Opportunity and
/// OpportunityLineItem): one row per product of an opportunity. A sale is a `Closed Won`
/// opportunity; open and lost ones are none. `Amount` is the opportunity's total; a line's is
/// `Total Price`. The customer is the account (`Account ID` when the report has it, else
/// `Account Name`), the order the opportunity, its time the `Close Date`.
pub const SALESFORCE_OPPORTUNITY_PRODUCTS: Preset = Preset {
    name: "salesforce-opportunity-products",
    export: "a Salesforce opportunities with products report",
    documentation: "https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitylineitem.htm",
    signature: &["Opportunity Name", "Stage", "Close Date", "Product Name", "Sales Price", "Total Price"],
    columns: &[
        (schema::CUSTOMER_ID, "Account ID"),
        (schema::CUSTOMER_ID, "Account Name"),
        (schema::ORDER_ID, "Opportunity ID"),
        (schema::ORDER_ID, "Opportunity Name"),
        (schema::TS, "Close Date"),
        (schema::AMOUNT, "Total Price"),
        (schema::QUANTITY, "Quantity"),
        (schema::UNIT_PRICE, "Sales Price"),
        (schema::ITEM_ID, "Product Code"),
        (schema::ITEM_NAME, "Product Name"),
    ],
    unmapped: &[schema::CHANNEL],
    order_rows: None,
    local_time: None,
    line_discount: None,
    customer_is_email: false,
    currency: Some("Opportunity Currency"),
    returns: Some(Returns {
        status: "Stage",
        values: &[],
        sold_only: &["closed won"],
        cancelled_when_given: None,
        refunded: None,
        void_when_false: None,
    }),
    packed_lines: None,
};

/// Square's item details export (Transactions, Export, Item Details CSV): one row per item
/// sold or refunded, the time as a local `Date`, `Time` and `Time Zone`, money with its
/// symbol (`$8.00`). `Net Sales` is the line's amount after discounts, before tax; refunds
/// are rows of their own (`Event Type` Refund, negative amounts), returns of an earlier
/// purchase. The customer is Square's `Customer ID` (a sale to no known customer has none).
pub const SQUARE_ITEM_DETAILS: Preset = Preset {
    name: "square-item-details",
    export: "a Square item details export",
    documentation:
        "https://squareup.com/help/us/en/article/5072-summaries-and-reports-from-the-online-square-dashboard",
    signature: &[
        "Date",
        "Time",
        "Time Zone",
        "Item",
        "Qty",
        "Net Sales",
        "Transaction ID",
        "Event Type",
    ],
    columns: &[
        (schema::CUSTOMER_ID, "Customer ID"),
        (schema::ORDER_ID, "Transaction ID"),
        (schema::AMOUNT, "Net Sales"),
        (schema::QUANTITY, "Qty"),
        (schema::ITEM_ID, "SKU"),
        (schema::ITEM_NAME, "Item"),
        (schema::CATEGORY, "Category"),
        (schema::CHANNEL, "Channel"),
    ],
    unmapped: &[schema::UNIT_PRICE],
    order_rows: None,
    local_time: Some(["Date", "Time", "Time Zone"]),
    line_discount: None,
    customer_is_email: false,
    currency: None,
    returns: Some(Returns {
        status: "Event Type",
        values: &["refund"],
        sold_only: &[],
        cancelled_when_given: None,
        refunded: None,
        void_when_false: None,
    }),
    packed_lines: None,
};

/// Square's transactions export (Transactions, Export, Transactions CSV): one row per
/// payment or refund, with the time as in the item details export, money with its symbol,
/// `Net Sales` after discounts and before tax, `Partial Refunds` taken off the payment's own
/// row. `Description` summarises the items ("Fern Print x 1"); it is no item.
pub const SQUARE_TRANSACTIONS: Preset = Preset {
    name: "square-transactions",
    export: "a Square transactions export",
    documentation:
        "https://squareup.com/help/us/en/article/5072-summaries-and-reports-from-the-online-square-dashboard",
    signature: &[
        "Date",
        "Time",
        "Time Zone",
        "Gross Sales",
        "Net Sales",
        "Total Collected",
        "Transaction ID",
        "Event Type",
    ],
    columns: &[
        (schema::CUSTOMER_ID, "Customer ID"),
        (schema::ORDER_ID, "Transaction ID"),
        (schema::AMOUNT, "Net Sales"),
        (schema::CHANNEL, "Source"),
    ],
    unmapped: &[
        schema::QUANTITY,
        schema::UNIT_PRICE,
        schema::ITEM_ID,
        schema::ITEM_NAME,
        schema::CATEGORY,
    ],
    order_rows: None,
    local_time: Some(["Date", "Time", "Time Zone"]),
    line_discount: None,
    customer_is_email: false,
    currency: None,
    returns: Some(Returns {
        status: "Event Type",
        values: &["refund"],
        sold_only: &[],
        cancelled_when_given: None,
        refunded: Some("Partial Refunds"),
        void_when_false: None,
    }),
    packed_lines: None,
};

/// WooCommerce's orders export (the Order / Customer / Coupon Import Export Suite that
/// WooCommerce documents): one row per order, its lines packed into `line_item_1`,
/// `line_item_2`, ... cells of `name:...|product_id:...|sku:...|quantity:...|total:...|
/// sub_total:...|tax:...` ([`PackedLines`]). A line's `total` is after discounts, before tax;
/// `order_total` is the order's, with shipping and taxes, never a line's amount. The customer is
/// the order's email (`customer_id` is 0 for every guest, so it would merge them all), the time
/// `order_date` in the store's own time zone, which the export does not name. Pending,
/// failed, cancelled and refunded orders took no money.
pub const WOOCOMMERCE_ORDERS: Preset = Preset {
    name: "woocommerce-orders",
    export: "a WooCommerce orders export",
    documentation: "https://woocommerce.com/document/import-and-export-of-woocommerce-orders/",
    signature: &[
        "order_number",
        "order_date",
        "status",
        "order_total",
        "line_item_1",
    ],
    columns: &[
        (schema::CUSTOMER_ID, "customer_email"),
        (schema::CUSTOMER_ID, "billing_email"),
        (schema::ORDER_ID, "order_number"),
        (schema::TS, "order_date"),
    ],
    unmapped: &[schema::UNIT_PRICE],
    order_rows: None,
    local_time: None,
    line_discount: None,
    customer_is_email: true,
    currency: Some("order_currency"),
    returns: Some(Returns {
        status: "status",
        values: &[
            "refunded",
            "cancelled",
            "failed",
            "pending",
            "checkout-draft",
            "wc-refunded",
            "wc-cancelled",
            "wc-failed",
            "wc-pending",
            "wc-checkout-draft",
        ],
        sold_only: &[],
        cancelled_when_given: None,
        refunded: None,
        void_when_false: None,
    }),
    packed_lines: Some(PackedLines {
        prefix: "line_item_",
        fields: &[
            (schema::QUANTITY, &["quantity"]),
            (schema::AMOUNT, &["total"]),
            (schema::ITEM_ID, &["sku", "product_id"]),
            (schema::ITEM_NAME, &["name"]),
        ],
    }),
};

/// Every preset, for detection and `--preset NAME`.
pub const PRESETS: &[&Preset] = &[
    &SHOPIFY_ORDERS,
    &STRIPE_PAYMENTS,
    &SALESFORCE_OPPORTUNITY_PRODUCTS,
    &SQUARE_ITEM_DETAILS,
    &SQUARE_TRANSACTIONS,
    &WOOCOMMERCE_ORDERS,
];

/// Which preset a read uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PresetChoice {
    /// The preset whose signature the headers carry, if any.
    #[default]
    Detect,
    /// This one: its columns must be there.
    Named(&'static Preset),
    /// None: headers are mapped by their names alone.
    Off,
}

impl PresetChoice {
    /// `--preset NAME|none`.
    pub fn parse(text: &str) -> Result<PresetChoice, String> {
        let wanted = text.trim().to_ascii_lowercase();
        if wanted == "none" {
            return Ok(PresetChoice::Off);
        }
        PRESETS
            .iter()
            .find(|p| p.name == wanted)
            .map(|p| PresetChoice::Named(p))
            .ok_or_else(|| {
                let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
                format!(
                    "'{text}': no such preset; choose one of {}, or none",
                    names.join(", ")
                )
            })
    }
}

/// The preset whose every signature header is among `headers` (compared as header names are,
/// ignoring case and punctuation).
pub fn detect(headers: &[String]) -> Option<&'static Preset> {
    let present: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    PRESETS.iter().copied().find(|preset| {
        preset
            .signature
            .iter()
            .all(|wanted| present.contains(&normalise_header(wanted)))
    })
}

/// The source's cells of packed lines ([`PackedLines`]), in the order of their numbers.
pub fn packed_line_headers(packed: &PackedLines, headers: &[String]) -> Vec<String> {
    let mut numbered: Vec<(u32, &String)> = headers
        .iter()
        .filter_map(|h| {
            let lowered = h.trim().to_ascii_lowercase();
            let number = lowered.strip_prefix(packed.prefix)?.parse::<u32>().ok()?;
            Some((number, h))
        })
        .collect();
    numbered.sort();
    numbered.into_iter().map(|(_, h)| h.clone()).collect()
}

/// The `key:value` fields of one packed line ([`PackedLines`]), split on `|` but not on
/// `\|`, which is read as `|` within a value.
pub fn packed_fields(line: &str) -> Vec<(&str, std::borrow::Cow<'_, str>)> {
    let mut fields = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        if i == bytes.len() || bytes[i] == b'|' {
            let field = &line[start..i];
            if let Some((key, value)) = field.split_once(':') {
                let value = if value.contains("\\|") {
                    std::borrow::Cow::Owned(value.replace("\\|", "|"))
                } else {
                    std::borrow::Cow::Borrowed(value)
                };
                fields.push((key.trim(), value));
            }
            start = i + 1;
        } else if bytes[i] == b'\\' && i + 1 < bytes.len() {
            // The escaped character is part of the value.
            i += 1;
        }
        i += 1;
    }
    fields
}

/// The source's header that a preset's header names (its own spelling), if it is there.
pub fn find_header<'a>(headers: &'a [String], wanted: &str) -> Option<&'a String> {
    let wanted = normalise_header(wanted);
    headers.iter().find(|h| normalise_header(h) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn shopify_is_recognised_by_its_signature() {
        let shopify = headers(&[
            "Name",
            "Email",
            "Financial Status",
            "Paid at",
            "Currency",
            "Total",
            "Created at",
            "Lineitem quantity",
            "Lineitem name",
            "Lineitem price",
            "Lineitem sku",
            "Source",
        ]);
        assert_eq!(detect(&shopify), Some(&SHOPIFY_ORDERS));
        // Case and punctuation as another tool rewrote them.
        let rewritten = headers(&[
            "name",
            "email",
            "financial_status",
            "lineitem_quantity",
            "lineitem_name",
            "lineitem_price",
        ]);
        assert_eq!(detect(&rewritten), Some(&SHOPIFY_ORDERS));
        // Without one of its signature headers it is not Shopify.
        let partial = headers(&[
            "Name",
            "Email",
            "Lineitem quantity",
            "Lineitem name",
            "Lineitem price",
        ]);
        assert_eq!(detect(&partial), None);
    }

    #[test]
    fn packed_lines_split_on_unescaped_bars() {
        let fields = packed_fields(r#"name:Tea \| Pot|sku:|quantity:2|tax_data:a:1:{s:5:"total";}"#);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        assert_eq!(
            fields,
            [
                ("name", "Tea | Pot"),
                ("sku", ""),
                ("quantity", "2"),
                ("tax_data", r#"a:1:{s:5:"total";}"#)
            ]
        );
        // A field without a key, and an escape at the very end, are no trouble.
        let fields = packed_fields(r"oops|name:x\");
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].1, r"x\");
    }

    proptest::proptest! {
        /// Values packed as the export packs them (`|` escaped) come back as they were.
        #[test]
        fn packed_fields_round_trip(values in proptest::collection::vec("[a-z0-9 :|{};\"é.]{0,12}", 1..6)) {
            let keys: Vec<String> = (0..values.len()).map(|i| format!("key{i}")).collect();
            let line = keys
                .iter()
                .zip(&values)
                .map(|(k, v)| format!("{k}:{}", v.replace('|', "\\|")))
                .collect::<Vec<_>>()
                .join("|");
            let fields = packed_fields(&line);
            proptest::prop_assert_eq!(fields.len(), values.len());
            for ((key, value), (k, v)) in fields.iter().zip(keys.iter().zip(&values)) {
                proptest::prop_assert_eq!(*key, k.as_str());
                proptest::prop_assert_eq!(value.as_ref(), v.as_str());
            }
        }
    }

    #[test]
    fn choices_by_name() {
        assert_eq!(
            PresetChoice::parse("Shopify-Orders"),
            Ok(PresetChoice::Named(&SHOPIFY_ORDERS))
        );
        assert_eq!(PresetChoice::parse("none"), Ok(PresetChoice::Off));
        let error = PresetChoice::parse("shopfiy").unwrap_err();
        assert!(
            error.contains(
                "choose one of shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders, or none"
            ),
            "{error}"
        );
    }
}
