//! The canonical transactions table and the automatic mapping of source headers onto it.
//!
//! Headers are compared after normalisation (lower case, letters and digits only), so
//! `Customer ID`, `customer_id` and `CustomerID` are one name. Each canonical column has an
//! ordered synonym list; the first synonym any header matches wins, so a more specific name
//! (`InvoiceDate`) beats a generic one (`Date`). The lists include the headers of the
//! platforms' standard exports (Shopify orders, Stripe payments, Square item details,
//! WooCommerce orders, Salesforce opportunity products, HubSpot deals): `Created (UTC)` is a
//! time, `Lineitem quantity` a quantity.

use std::collections::BTreeMap;

use crate::error::CkmError;
use crate::io::presets::Preset;

pub const CUSTOMER_ID: &str = "customer_id";
pub const ORDER_ID: &str = "order_id";
pub const TS: &str = "ts";
pub const AMOUNT: &str = "amount";
pub const QUANTITY: &str = "quantity";
pub const UNIT_PRICE: &str = "unit_price";
pub const ITEM_ID: &str = "item_id";
pub const ITEM_NAME: &str = "item_name";
pub const CATEGORY: &str = "category";
pub const CHANNEL: &str = "channel";

/// Lineage columns ckm adds: where each row came from, and why a value could not be parsed.
pub const SOURCE_ROW: &str = "source_row";
pub const SOURCE_FILE: &str = "source_file";
pub const INGEST_ISSUE: &str = "ingest_issue";
/// Added by `clean --returns keep`.
pub const IS_RETURN: &str = "is_return";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Timestamp,
    Number,
}

pub struct CanonicalColumn {
    pub name: &'static str,
    pub kind: ColumnKind,
    /// Normalised header names, most specific first.
    pub synonyms: &'static [&'static str],
    pub description: &'static str,
}

/// The canonical columns, in output order.
pub const CANONICAL_COLUMNS: &[CanonicalColumn] = &[
    CanonicalColumn {
        name: CUSTOMER_ID,
        kind: ColumnKind::Text,
        synonyms: &[
            "customerid",
            "custid",
            "customerno",
            "customernumber",
            "customernr",
            "clientid",
            "clientnumber",
            "contactid",
            "accountid",
            "memberid",
            "buyerid",
            "customeruserid",
            "userid",
            "customercode",
            "customer",
            "client",
        ],
        description: "who bought",
    },
    CanonicalColumn {
        name: ORDER_ID,
        kind: ColumnKind::Text,
        synonyms: &[
            "orderid",
            "invoiceno",
            "invoicenumber",
            "invoiceid",
            "invoice",
            "ordernumber",
            "orderno",
            "ordernr",
            "order",
            "transactionid",
            "txnid",
            "receiptid",
            "receiptno",
            "receiptnumber",
            "basketid",
            "ticketid",
            "salesorder",
            "opportunityid",
            "dealid",
        ],
        description: "the order or receipt a line belongs to",
    },
    CanonicalColumn {
        name: TS,
        kind: ColumnKind::Timestamp,
        synonyms: &[
            "invoicedate",
            "orderdate",
            "orderdatetime",
            "ordertime",
            "purchasedate",
            "purchasetime",
            "transactiondate",
            "transactiontime",
            "txndate",
            "txntime",
            "saledate",
            "salesdate",
            "receiptdate",
            "closedate",
            "createdat",
            "createdutc",
            "createddateutc",
            "created",
            "timestamp",
            "datetime",
            "date",
            "time",
        ],
        description: "when the purchase happened",
    },
    CanonicalColumn {
        name: AMOUNT,
        kind: ColumnKind::Number,
        synonyms: &[
            "amount",
            "lineamount",
            "linetotal",
            "linerevenue",
            "totalprice",
            "totalamount",
            "salesamount",
            "netsales",
            // HubSpot's line items: quantity x unit price less discounts.
            "netprice",
            "sales",
            "revenue",
            "total",
            "value",
        ],
        description: "line revenue (quantity x unit_price when those exist)",
    },
    CanonicalColumn {
        name: QUANTITY,
        kind: ColumnKind::Number,
        synonyms: &[
            "quantity",
            "lineitemquantity",
            "itemquantity",
            "qty",
            "units",
            "unitssold",
            "numitems",
            "numberofitems",
            "pieces",
        ],
        description: "units on the line",
    },
    CanonicalColumn {
        name: UNIT_PRICE,
        kind: ColumnKind::Number,
        synonyms: &[
            "unitprice",
            "lineitemprice",
            "priceeach",
            "itemprice",
            "itemcost",
            "unitcost",
            "price",
            "salesprice",
        ],
        description: "price of one unit",
    },
    CanonicalColumn {
        name: ITEM_ID,
        kind: ColumnKind::Text,
        synonyms: &[
            "itemid",
            "stockcode",
            "lineitemsku",
            "sku",
            "productid",
            "productcode",
            "articleid",
            "articleno",
            "itemcode",
            "itemno",
            "ean",
            "upc",
        ],
        description: "product identifier",
    },
    CanonicalColumn {
        name: ITEM_NAME,
        kind: ColumnKind::Text,
        synonyms: &[
            "itemname",
            "lineitemname",
            "productname",
            "description",
            "itemdescription",
            "productdescription",
            "product",
            "item",
            "articlename",
            "title",
        ],
        description: "product name",
    },
    CanonicalColumn {
        name: CATEGORY,
        kind: ColumnKind::Text,
        synonyms: &[
            "category",
            "productcategory",
            "itemcategory",
            "department",
            "productgroup",
        ],
        description: "product category",
    },
    CanonicalColumn {
        name: CHANNEL,
        kind: ColumnKind::Text,
        synonyms: &["channel", "saleschannel", "orderchannel", "source", "origin"],
        description: "where the sale happened (web, store, ...)",
    },
];

pub fn canonical_column(name: &str) -> Option<&'static CanonicalColumn> {
    CANONICAL_COLUMNS.iter().find(|c| c.name == name)
}

/// Lower case, letters and digits only: the form in which headers are compared.
pub fn normalise_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchReason {
    /// Named on the command line with `--map`.
    Explicit,
    /// The header is the canonical name itself.
    CanonicalName,
    /// The header matched this (normalised) synonym.
    Synonym(&'static str),
    /// The platform preset of this name says so.
    Preset(&'static str),
}

impl std::fmt::Display for MatchReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MatchReason::Explicit => write!(f, "--map"),
            MatchReason::CanonicalName => write!(f, "canonical name"),
            MatchReason::Synonym(s) => write!(f, "synonym '{s}'"),
            MatchReason::Preset(name) => write!(f, "preset {name}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedColumn {
    pub canonical: &'static str,
    pub source: String,
    pub reason: MatchReason,
}

/// How one input's headers map onto the canonical columns.
#[derive(Debug, Clone, Default)]
pub struct ColumnMapping {
    pub mapped: Vec<MappedColumn>,
    /// Source headers kept as they are, in source order.
    pub extra: Vec<String>,
    /// Why a header the names suggested was not used (shown by `--explain` and warned).
    pub notes: Vec<String>,
    /// The platform preset applied, if any.
    pub preset: Option<&'static Preset>,
}

impl ColumnMapping {
    pub fn source_of(&self, canonical: &str) -> Option<&str> {
        self.mapped
            .iter()
            .find(|m| m.canonical == canonical)
            .map(|m| m.source.as_str())
    }

    /// Maps `canonical` to `header` for `reason`: whatever held either before goes back to
    /// the extra columns (a header feeds one canonical column at most).
    pub fn assign(&mut self, canonical: &'static str, header: &str, reason: MatchReason) {
        self.unmap(canonical);
        if let Some(position) = self.mapped.iter().position(|m| m.source == header) {
            let previous = self.mapped.remove(position);
            self.extra.push(previous.source);
        }
        self.extra.retain(|h| h != header);
        self.mapped.push(MappedColumn {
            canonical,
            source: header.to_string(),
            reason,
        });
        self.mapped
            .sort_by_key(|m| CANONICAL_COLUMNS.iter().position(|c| c.name == m.canonical));
    }

    /// Leaves `canonical` unmapped; its header, if it had one, is kept as an extra column.
    pub fn unmap(&mut self, canonical: &str) {
        if let Some(position) = self.mapped.iter().position(|m| m.canonical == canonical) {
            let previous = self.mapped.remove(position);
            self.extra.push(previous.source);
        }
    }
}

/// Parses `--map canonical=Header` arguments.
pub fn parse_overrides(overrides: &[String]) -> anyhow::Result<BTreeMap<&'static str, String>> {
    let mut parsed = BTreeMap::new();
    for raw in overrides {
        let (name, header) = raw.split_once('=').ok_or_else(|| {
            CkmError::usage(format!(
                "--map '{raw}': expected CANONICAL=HEADER, e.g. --map ts='Order Date'"
            ))
        })?;
        let column = canonical_column(name.trim()).ok_or_else(|| {
            let names: Vec<_> = CANONICAL_COLUMNS.iter().map(|c| c.name).collect();
            CkmError::usage(format!(
                "--map '{raw}': '{}' is not a canonical column; use one of: {}",
                name.trim(),
                names.join(", ")
            ))
        })?;
        parsed.insert(column.name, header.to_string());
    }
    Ok(parsed)
}

/// Maps headers onto canonical columns. Overrides name a header exactly (falling back to a
/// normalised comparison); the rest is automatic. A header is used for one canonical column
/// at most.
pub fn map_columns(
    headers: &[String],
    overrides: &BTreeMap<&'static str, String>,
) -> Result<ColumnMapping, String> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let mut taken = vec![false; headers.len()];
    let mut mapped = Vec::new();

    for (&canonical, wanted) in overrides {
        let position = headers
            .iter()
            .position(|h| h == wanted)
            .or_else(|| {
                let norm = normalise_header(wanted);
                normalised.iter().position(|h| *h == norm)
            })
            .ok_or_else(|| {
                format!(
                    "--map {canonical}='{wanted}': no such header; headers found: {}",
                    quote_list(headers)
                )
            })?;
        taken[position] = true;
        mapped.push(MappedColumn {
            canonical: canonical_column(canonical)
                .expect("overrides hold canonical names")
                .name,
            source: headers[position].clone(),
            reason: MatchReason::Explicit,
        });
    }

    for column in CANONICAL_COLUMNS {
        if overrides.contains_key(column.name) {
            continue;
        }
        // The canonical name itself beats any synonym, so re-reading ckm output is an identity.
        if let Some(position) = (0..headers.len()).find(|&i| !taken[i] && headers[i] == column.name) {
            taken[position] = true;
            mapped.push(MappedColumn {
                canonical: column.name,
                source: headers[position].clone(),
                reason: MatchReason::CanonicalName,
            });
            continue;
        }
        for synonym in column.synonyms {
            if let Some(position) = (0..headers.len()).find(|&i| !taken[i] && normalised[i] == *synonym) {
                taken[position] = true;
                mapped.push(MappedColumn {
                    canonical: column.name,
                    source: headers[position].clone(),
                    reason: MatchReason::Synonym(synonym),
                });
                break;
            }
        }
    }

    mapped.sort_by_key(|m| CANONICAL_COLUMNS.iter().position(|c| c.name == m.canonical));
    let extra = headers
        .iter()
        .zip(&taken)
        .filter(|(_, &t)| !t)
        .map(|(h, _)| h.clone())
        .collect();
    Ok(ColumnMapping {
        mapped,
        extra,
        notes: Vec::new(),
        preset: None,
    })
}

/// What is missing for a usable transactions table: customer_id, ts, and amount or both
/// quantity and unit_price.
pub fn missing_required(mapping: &ColumnMapping) -> Vec<&'static str> {
    let has = |name: &str| mapping.source_of(name).is_some();
    let mut missing = Vec::new();
    for name in [CUSTOMER_ID, TS] {
        if !has(name) {
            missing.push(name);
        }
    }
    let amount_known = has(AMOUNT) || (has(QUANTITY) && has(UNIT_PRICE));
    if !amount_known {
        if has(QUANTITY) {
            missing.push(UNIT_PRICE);
        } else if has(UNIT_PRICE) {
            missing.push(QUANTITY);
        } else {
            missing.push(AMOUNT);
        }
    }
    missing
}

/// The headers closest to a canonical column's name and synonyms, best first, for the
/// "did you mean" part of a missing-column error.
pub fn closest_headers(canonical: &str, headers: &[String], limit: usize) -> Vec<String> {
    let Some(column) = canonical_column(canonical) else {
        return Vec::new();
    };
    let mut scored: Vec<(usize, &String)> = headers
        .iter()
        .map(|h| {
            let norm = normalise_header(h);
            let best = std::iter::once(normalise_header(column.name).as_str())
                .map(|s| levenshtein(&norm, s))
                .chain(column.synonyms.iter().map(|s| levenshtein(&norm, s)))
                .min()
                .unwrap_or(usize::MAX);
            (best, h)
        })
        // Close means a typo or two, and only for headers long enough to carry a meaning.
        .filter(|(distance, h)| {
            let length = normalise_header(h).len();
            length >= 3 && *distance <= (length / 4).max(1)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(limit).map(|(_, h)| h.clone()).collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b_chars.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b_chars.len() + 1];
        for (j, cb) in b_chars.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b_chars.len()]
}

pub fn quote_list(items: &[String]) -> String {
    items
        .iter()
        .map(|h| format!("'{h}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn online_retail_headers_map_automatically() {
        let h = headers(&[
            "InvoiceNo",
            "StockCode",
            "Description",
            "Quantity",
            "InvoiceDate",
            "UnitPrice",
            "CustomerID",
            "Country",
        ]);
        let m = map_columns(&h, &BTreeMap::new()).unwrap();
        assert_eq!(m.source_of(CUSTOMER_ID), Some("CustomerID"));
        assert_eq!(m.source_of(ORDER_ID), Some("InvoiceNo"));
        assert_eq!(m.source_of(TS), Some("InvoiceDate"));
        assert_eq!(m.source_of(QUANTITY), Some("Quantity"));
        assert_eq!(m.source_of(UNIT_PRICE), Some("UnitPrice"));
        assert_eq!(m.source_of(ITEM_ID), Some("StockCode"));
        assert_eq!(m.source_of(ITEM_NAME), Some("Description"));
        assert_eq!(m.source_of(AMOUNT), None);
        assert_eq!(m.extra, vec!["Country".to_string()]);
        assert!(missing_required(&m).is_empty());
    }

    #[test]
    fn superstore_prefers_order_date_and_keeps_customer_name_extra() {
        let h = headers(&[
            "Row ID",
            "Order ID",
            "Order Date",
            "Ship Date",
            "Customer ID",
            "Customer Name",
            "Product ID",
            "Category",
            "Product Name",
            "Sales",
            "Quantity",
        ]);
        let m = map_columns(&h, &BTreeMap::new()).unwrap();
        assert_eq!(m.source_of(TS), Some("Order Date"));
        assert_eq!(m.source_of(CUSTOMER_ID), Some("Customer ID"));
        assert_eq!(m.source_of(AMOUNT), Some("Sales"));
        assert!(m.extra.contains(&"Customer Name".to_string()));
        assert!(m.extra.contains(&"Ship Date".to_string()));
    }

    /// Headers as the platforms' exports write them (the Shopify orders export, Stripe's
    /// payments export, Square's item details, Salesforce's opportunities with products).
    #[test]
    fn platform_headers_map_automatically() {
        let source_of = |names: &[&str], canonical: &str| -> Option<String> {
            map_columns(&headers(names), &BTreeMap::new())
                .unwrap()
                .source_of(canonical)
                .map(str::to_string)
        };
        let shopify = [
            "Name",
            "Email",
            "Financial Status",
            "Paid at",
            "Currency",
            "Subtotal",
            "Total",
            "Created at",
            "Lineitem quantity",
            "Lineitem name",
            "Lineitem price",
            "Lineitem compare at price",
            "Lineitem sku",
            "Refunded Amount",
            "Id",
            "Source",
        ];
        assert_eq!(source_of(&shopify, TS).as_deref(), Some("Created at"));
        assert_eq!(
            source_of(&shopify, QUANTITY).as_deref(),
            Some("Lineitem quantity")
        );
        assert_eq!(source_of(&shopify, UNIT_PRICE).as_deref(), Some("Lineitem price"));
        assert_eq!(source_of(&shopify, ITEM_ID).as_deref(), Some("Lineitem sku"));
        assert_eq!(source_of(&shopify, ITEM_NAME).as_deref(), Some("Lineitem name"));
        let stripe = [
            "id",
            "Description",
            "Created (UTC)",
            "Amount",
            "Amount Refunded",
            "Currency",
            "Status",
            "Customer ID",
            "Customer Email",
            "Invoice ID",
        ];
        assert_eq!(source_of(&stripe, TS).as_deref(), Some("Created (UTC)"));
        assert_eq!(source_of(&stripe, AMOUNT).as_deref(), Some("Amount"));
        assert_eq!(source_of(&stripe, CUSTOMER_ID).as_deref(), Some("Customer ID"));
        assert_eq!(source_of(&stripe, ORDER_ID).as_deref(), Some("Invoice ID"));
        let square = [
            "Date",
            "Time",
            "Time Zone",
            "Category",
            "Item",
            "Qty",
            "SKU",
            "Gross Sales",
            "Net Sales",
            "Transaction ID",
            "Payment ID",
            "Event Type",
            "Customer ID",
        ];
        assert_eq!(source_of(&square, TS).as_deref(), Some("Date"));
        assert_eq!(source_of(&square, AMOUNT).as_deref(), Some("Net Sales"));
        assert_eq!(source_of(&square, ORDER_ID).as_deref(), Some("Transaction ID"));
        assert_eq!(source_of(&square, QUANTITY).as_deref(), Some("Qty"));
        let salesforce = [
            "Opportunity ID",
            "Opportunity Name",
            "Account ID",
            "Account Name",
            "Close Date",
            "Stage",
            "Product Name",
            "Product Code",
            "Quantity",
            "Sales Price",
            "Total Price",
        ];
        assert_eq!(
            source_of(&salesforce, ORDER_ID).as_deref(),
            Some("Opportunity ID")
        );
        assert_eq!(source_of(&salesforce, TS).as_deref(), Some("Close Date"));
        assert_eq!(source_of(&salesforce, CUSTOMER_ID).as_deref(), Some("Account ID"));
        assert_eq!(source_of(&salesforce, AMOUNT).as_deref(), Some("Total Price"));
        assert_eq!(source_of(&salesforce, UNIT_PRICE).as_deref(), Some("Sales Price"));
    }

    #[test]
    fn overrides_win_and_missing_columns_are_reported() {
        let h = headers(&["Kunde", "Datum", "Betrag"]);
        let auto = map_columns(&h, &BTreeMap::new()).unwrap();
        assert_eq!(missing_required(&auto), vec![CUSTOMER_ID, TS, AMOUNT]);
        let overrides = parse_overrides(&[
            "customer_id=Kunde".into(),
            "ts=datum".into(),
            "amount=Betrag".into(),
        ])
        .unwrap();
        let m = map_columns(&h, &overrides).unwrap();
        assert!(missing_required(&m).is_empty());
        assert_eq!(m.mapped[0].reason, MatchReason::Explicit);
        assert!(parse_overrides(&["nonsense=Kunde".into()]).is_err());
        assert!(map_columns(&h, &parse_overrides(&["ts=Nope".into()]).unwrap()).is_err());
    }

    #[test]
    fn closest_headers_suggest_typos() {
        let h = headers(&["Custmer ID", "Ordr Date", "Amount"]);
        assert_eq!(
            closest_headers(CUSTOMER_ID, &h, 2),
            vec!["Custmer ID".to_string()]
        );
        assert_eq!(closest_headers(TS, &h, 2), vec!["Ordr Date".to_string()]);
    }
}
