//! Platform presets: the standard exports of Shopify, ... read with no `--map`, into the
//! canonical table worked out by hand. The fixtures follow each platform's documented column
//! list (cited in `src/io/presets.rs`), with fake customers.

mod common;

use common::{Table, Workdir};

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Shopify's orders export (help.shopify.com/en/manual/orders/export-orders): one row per line
/// item, the order's own fields on its first row only. Order #1001 has two lines and its
/// later row leaves Email, Financial Status, Currency, totals and Created at blank; #1002 is a
/// Gmail address typed with dots, a tag and capitals; #1003 is the first customer again, with
/// 2.00 off her line (`Lineitem discount`);
/// #1004 was refunded in full and #1005 voided and cancelled.
const SHOPIFY: &str = "\
Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Cancelled at,Payment Method,Refunded Amount,Vendor,Outstanding Balance,Id,Tags,Risk Level,Source,Lineitem discount
#1001,ana.lima@example.com,paid,2024-03-01 10:05:00 +0100,fulfilled,2024-03-02 09:00:00 +0100,yes,EUR,50.00,5.00,9.50,64.50,,0.00,Standard,2024-03-01 10:04:00 +0100,2,Mug,10.00,,MUG-1,true,true,fulfilled,Ana Lima,,Shopify Payments,0.00,Acme,0.00,5001,,Low,web,0.00
#1001,,,,,,,,,,,,,,,,1,Teapot,30.00,,TEA-1,true,true,fulfilled,,,,,Acme,,5001,,,,0.00
#1002,Bo.Chen+promo@Gmail.com,paid,2024-03-03 23:30:00 -0500,unfulfilled,,no,EUR,12.00,0.00,2.28,14.28,,0.00,Standard,2024-03-03 23:30:00 -0500,3,Spoon,4.00,,SPN-1,true,true,,Bo Chen,,Shopify Payments,0.00,Acme,0.00,5002,,Low,pos,0.00
#1003,ana.lima@example.com,paid,2024-04-10 08:00:00 +0000,fulfilled,,yes,EUR,18.00,0.00,3.42,21.42,SPRING,2.00,Standard,2024-04-10 08:00:00 +0000,2,Mug,10.00,,MUG-1,true,true,fulfilled,Ana Lima,,Shopify Payments,0.00,Acme,0.00,5003,,Low,web,2.00
#1004,bo.chen@gmail.com,refunded,2024-04-12 12:00:00 +0000,fulfilled,,no,EUR,30.00,0.00,5.70,35.70,,0.00,Standard,2024-04-12 12:00:00 +0000,1,Teapot,30.00,,TEA-1,true,true,fulfilled,Bo Chen,,Shopify Payments,35.70,Acme,0.00,5004,,Low,web,0.00
#1005,carla.diaz@example.org,voided,,unfulfilled,,no,EUR,8.00,0.00,1.52,9.52,,0.00,Standard,2024-04-13 15:00:00 +0000,2,Spoon,4.00,,SPN-1,true,true,,Carla Diaz,2024-04-13 16:00:00 +0000,Shopify Payments,0.00,Acme,0.00,5005,,Low,web,0.00
";

#[test]
fn shopify_orders_read_without_map() {
    let wd = Workdir::new();
    wd.write("orders_export_1.csv", SHOPIFY);
    // --explain shows the mapping, and that emails as ids need a privacy choice (exit 2).
    let output = wd.run(&["ingest", "orders_export_1.csv", "--explain"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("identifies customers by email"));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        text.contains("looks like a Shopify orders export (preset shopify-orders"),
        "{text}"
    );
    assert!(
        text.contains("customer_id  <- 'Email' (preset shopify-orders)"),
        "{text}"
    );
    assert!(
        text.contains("order_id     <- 'Name' (preset shopify-orders)"),
        "{text}"
    );
    assert!(
        text.contains("amount       <- quantity x unit_price (no amount column)"),
        "{text}"
    );

    let output = wd.run(&[
        "ingest",
        "orders_export_1.csv",
        "--keep-pii",
        "-q",
        "-o",
        "-",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    // Worked out by hand: the email of #1001 filled down to its second line, the Gmail
    // address normalised, times in UTC, line amounts from quantity x price.
    let ana = "ana.lima@example.com";
    assert_eq!(
        table.column("customer_id"),
        [
            ana,
            ana,
            "bochen@gmail.com",
            ana,
            "bochen@gmail.com",
            "carla.diaz@example.org"
        ]
    );
    assert_eq!(
        table.column("order_id"),
        ["#1001", "#1001", "#1002", "#1003", "#1004", "#1005"]
    );
    assert_eq!(
        table.column("ts"),
        [
            "2024-03-01 09:04:00.000",
            "2024-03-01 09:04:00.000",
            "2024-03-04 04:30:00.000",
            "2024-04-10 08:00:00.000",
            "2024-04-12 12:00:00.000",
            "2024-04-13 15:00:00.000"
        ]
    );
    assert_eq!(
        table.column("amount"),
        ["20.0", "30.0", "12.0", "18.0", "30.0", "8.0"]
    );
    assert_eq!(
        table.column("item_id"),
        ["MUG-1", "TEA-1", "SPN-1", "MUG-1", "TEA-1", "SPN-1"]
    );
    assert_eq!(
        table.column("channel"),
        ["web", "web", "pos", "web", "web", "web"]
    );
    assert_eq!(table.column("Currency"), ["EUR"; 6]);
    assert_eq!(
        table.column("Total"),
        ["64.50", "64.50", "14.28", "21.42", "35.70", "9.52"]
    );
    assert_eq!(
        table.column("is_return"),
        ["false", "false", "false", "false", "true", "true"]
    );
}

/// `ckm clean` takes the refunded and the voided order out (they cancel themselves), and
/// `ckm segment` then gives the RFM figures worked out by hand: Ana two orders (20 + 30, and
/// 20 less 2: 68), Bo one (12).
#[test]
fn shopify_refunds_leave_in_clean_and_segments_count_what_was_kept() {
    let wd = Workdir::new();
    wd.write("orders_export_1.csv", SHOPIFY);
    let output = wd.run(&[
        "clean",
        "orders_export_1.csv",
        "--keep-pii",
        "-q",
        "-o",
        "clean.csv",
        "--rejects",
        "rejects.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let rejects = wd.read_csv("rejects.csv");
    assert_eq!(rejects.column("order_id"), ["#1004", "#1005"]);
    assert_eq!(
        rejects.column("reason"),
        ["return or cancellation (--returns drop)"; 2]
    );
    // Netted, they cancel themselves rather than an earlier purchase of the same item (Bo's
    // teapot refund is not netted against anything).
    let output = wd.run(&[
        "clean",
        "orders_export_1.csv",
        "--keep-pii",
        "--returns",
        "net",
        "-q",
        "-o",
        "netted.csv",
        "--rejects",
        "netted.rejects.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        wd.read_csv("netted.rejects.csv").column("reason"),
        ["refunded or cancelled in full in its export: no purchase"; 2]
    );
    assert_eq!(
        wd.read_csv("netted.csv").column("amount"),
        wd.read_csv("clean.csv").column("amount")
    );
    let clean = wd.read_csv("clean.csv");
    assert_eq!(clean.column("order_id"), ["#1001", "#1001", "#1002", "#1003"]);
    assert!(!clean.headers.iter().any(|h| h == "is_return"));
    // With --returns keep they stay, flagged.
    let output = wd.run(&[
        "clean",
        "orders_export_1.csv",
        "--keep-pii",
        "--returns",
        "keep",
        "-q",
        "-o",
        "kept.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        wd.read_csv("kept.csv").column("is_return"),
        ["false", "false", "false", "false", "true", "true"]
    );

    let output = wd.run(&[
        "segment",
        "clean.csv",
        "--keep-pii",
        "--as-of",
        "2024-04-30",
        "-q",
        "-o",
        "segments.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let segments = wd.read_csv("segments.csv");
    assert_eq!(
        segments.column("customer_id"),
        ["ana.lima@example.com", "bochen@gmail.com"]
    );
    assert_eq!(segments.column("frequency"), ["2", "1"]);
    assert_eq!(segments.column("monetary"), ["68.0", "12.0"]);
    // As of 2024-04-30 00:00 UTC: Ana last bought 2024-04-10 08:00 (20 days less 8 hours),
    // Bo 2024-03-04 04:30 UTC (57 days less 4.5 hours).
    assert_eq!(segments.column("recency_days"), ["19.6667", "56.8125"]);
}

#[test]
fn emails_as_customer_ids_need_a_privacy_choice() {
    let wd = Workdir::new();
    wd.write("orders_export_1.csv", SHOPIFY);
    let output = wd.run(&["ingest", "orders_export_1.csv", "-o", "tx.csv"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(
            "a Shopify orders export identifies customers by email ('Email'), which is personal data"
        ) && stderr.contains("--pseudonymize"),
        "{stderr}"
    );
    assert!(!wd.path("tx.csv").exists());
    // Pseudonymised, no email is left.
    let output = wd
        .ckm()
        .env("CKM_SECRET", "a test secret")
        .args([
            "ingest",
            "orders_export_1.csv",
            "--pseudonymize",
            "-q",
            "-o",
            "tx.csv",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let written = std::fs::read_to_string(wd.path("tx.csv")).unwrap();
    assert!(!written.contains('@'), "{written}");
    let table = wd.read_csv("tx.csv");
    let ids = table.column("customer_id");
    assert_eq!(ids[0], ids[1]);
    assert_eq!(ids[0], ids[3]);
    assert_ne!(ids[0], ids[2]);
}

#[test]
fn a_preset_can_be_named_or_switched_off() {
    let wd = Workdir::new();
    wd.write("orders_export_1.csv", SHOPIFY);
    // Off: the names alone decide, and Shopify has no customer column by name.
    let output = wd.run(&["ingest", "orders_export_1.csv", "--preset", "none", "--explain"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    // Named on a file that is not one: the missing columns are named.
    wd.write("other.csv", "customer_id,ts,amount\nc1,2024-01-01,3\n");
    let output = wd.run(&["ingest", "other.csv", "--preset", "shopify-orders", "-o", "x.csv"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("--preset shopify-orders: no column 'Name'"),
        "{}",
        stderr_of(&output)
    );
    let output = wd.run(&["ingest", "other.csv", "--preset", "shopfiy", "-o", "x.csv"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    // --map still wins over the preset.
    let output = wd.run(&[
        "ingest",
        "orders_export_1.csv",
        "--map",
        "customer_id=Billing Name",
        "-q",
        "-o",
        "-",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.column("customer_id")[2], "Bo Chen");
}

#[test]
fn a_mixed_currency_export_is_warned_about() {
    let wd = Workdir::new();
    let mixed = SHOPIFY.replacen(",no,EUR,12.00,", ",no,USD,12.00,", 1);
    assert_ne!(mixed, SHOPIFY);
    wd.write("orders_export_1.csv", &mixed);
    let output = wd.run(&["ingest", "orders_export_1.csv", "--keep-pii", "-o", "tx.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("amounts in 2 currencies (EUR, USD) among the first 20000 rows")
            && stderr.contains("split the export by its 'Currency' column"),
        "{stderr}"
    );
    // One currency: no warning.
    wd.write("one.csv", SHOPIFY);
    let output = wd.run(&["ingest", "one.csv", "--keep-pii", "-o", "one_tx.csv"]);
    assert!(
        !stderr_of(&output).contains("currencies"),
        "{}",
        stderr_of(&output)
    );
}

/// Stripe's payments export (the columns of its charge object): a refund is on the charge's
/// own row. ch_2 was refunded in part (20 of 80), ch_3 in full, ch_4 failed and was never
/// captured, ch_5 is a guest charge with no Customer ID.
const STRIPE: &str = "\
id,Description,Seller Message,Created (UTC),Amount,Amount Refunded,Currency,Converted Amount,Converted Amount Refunded,Fee,Tax,Converted Currency,Mode,Status,Statement Descriptor,Customer ID,Customer Description,Customer Email,Captured,Card ID,Card Last4,Card Brand
ch_1,Annual plan,Payment complete.,2024-03-01 10:00:00,50.00,0.00,usd,50.00,0.00,1.75,0.00,usd,Live,Paid,ACME,cus_A,,ana@example.com,true,card_1,4242,Visa
ch_2,Order 2,Payment complete.,2024-03-05 12:30:00,80.00,20.00,usd,80.00,20.00,2.62,0.00,usd,Live,Paid,ACME,cus_B,,bo@example.com,true,card_2,1881,Visa
ch_3,Order 3,Payment complete.,2024-03-07 09:00:00,30.00,30.00,usd,30.00,30.00,1.17,0.00,usd,Live,Refunded,ACME,cus_A,,ana@example.com,true,card_1,4242,Visa
ch_4,Order 4,The bank declined the payment.,2024-03-08 09:00:00,25.00,0.00,usd,25.00,0.00,0.00,0.00,usd,Live,Failed,ACME,cus_B,,bo@example.com,false,card_2,1881,Visa
ch_5,Order 5,Payment complete.,2024-03-09 18:00:00,15.00,0.00,usd,15.00,0.00,0.74,0.00,usd,Live,Paid,ACME,,,guest@example.com,true,card_3,0005,Amex
";

#[test]
fn stripe_payments_read_without_map() {
    let wd = Workdir::new();
    wd.write("unified_payments.csv", STRIPE);
    let output = wd.run(&["ingest", "unified_payments.csv", "--explain"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        text.contains("looks like a Stripe payments export (preset stripe-payments"),
        "{text}"
    );
    let output = wd.run(&[
        "ingest",
        "unified_payments.csv",
        "-q",
        "-o",
        "-",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(
        table.column("customer_id"),
        ["cus_A", "cus_B", "cus_A", "cus_B", ""]
    );
    assert_eq!(table.column("order_id"), ["ch_1", "ch_2", "ch_3", "ch_4", "ch_5"]);
    assert_eq!(table.column("ts")[0], "2024-03-01 10:00:00.000");
    // ch_2's partial refund comes off its amount; ch_3 (refunded in full) and ch_4 (failed,
    // not captured) are returns with their amounts as charged.
    assert_eq!(table.column("amount"), ["50.0", "60.0", "30.0", "25.0", "15.0"]);
    assert_eq!(
        table.column("is_return"),
        ["false", "false", "true", "true", "false"]
    );
    assert_eq!(table.column("item_name")[0], "Annual plan");
    // Newer exports call the time `Created date (UTC)`.
    wd.write(
        "newer.csv",
        STRIPE.replacen("Created (UTC)", "Created date (UTC)", 1),
    );
    let newer = wd.run(&["ingest", "newer.csv", "-q", "-o", "-", "--format", "csv"]);
    assert!(newer.status.success(), "{}", stderr_of(&newer));
    assert_eq!(Table::parse(&newer.stdout, b',').column("ts"), table.column("ts"));
    // The customers' emails are personal data: not written by default.
    assert!(!String::from_utf8_lossy(&output.stdout).contains("@example.com"));

    // clean takes out the refunded and failed charges and the guest one (no customer); the
    // segments count what was kept: cus_A 50, cus_B 60.
    let output = wd.run(&[
        "clean",
        "unified_payments.csv",
        "-q",
        "-o",
        "clean.csv",
        "--rejects",
        "rejects.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(wd.read_csv("clean.csv").column("order_id"), ["ch_1", "ch_2"]);
    assert_eq!(
        wd.read_csv("rejects.csv").column("order_id"),
        ["ch_3", "ch_4", "ch_5"]
    );
    let output = wd.run(&["segment", "clean.csv", "-q", "-o", "segments.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let segments = wd.read_csv("segments.csv");
    assert_eq!(segments.column("customer_id"), ["cus_A", "cus_B"]);
    assert_eq!(segments.column("monetary"), ["50.0", "60.0"]);
}

/// Salesforce's opportunities with products report: a sale is a Closed Won opportunity; the
/// lost and the open one are none. `Amount` is the opportunity's total, `Total Price` a line's.
const SALESFORCE: &str = "\
Opportunity Owner,Account Name,Account ID,Opportunity Name,Opportunity ID,Stage,Amount,Close Date,Product Name,Product Code,Quantity,Sales Price,Total Price,Opportunity Currency
Dana Ray,Globex,001A,Globex renewal,006A,Closed Won,1500.00,3/15/2024,Support plan,SUP-1,1,1000.00,1000.00,USD
Dana Ray,Globex,001A,Globex renewal,006A,Closed Won,1500.00,3/15/2024,Training,TRN-1,5,100.00,500.00,USD
Eli Park,Initech,001B,Initech pilot,006B,Closed Lost,800.00,3/20/2024,Support plan,SUP-1,1,800.00,800.00,USD
Eli Park,Initech,001B,Initech expansion,006C,Negotiation/Review,2000.00,4/30/2024,Training,TRN-1,10,200.00,2000.00,USD
Dana Ray,Globex,001A,Globex add-on,006D,Closed Won,300.00,4/2/2024,Training,TRN-1,3,100.00,300.00,USD
Eli Park,Initech,001B,Initech support,006E,Closed Won,400.00,5/10/2024,Support plan,SUP-1,1,400.00,400.00,USD
";

#[test]
fn salesforce_opportunity_products_read_without_map() {
    let wd = Workdir::new();
    wd.write("report.csv", SALESFORCE);
    let output = wd.run(&["ingest", "report.csv", "-q", "-o", "-", "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(
        table.column("customer_id"),
        ["001A", "001A", "001B", "001B", "001A", "001B"]
    );
    assert_eq!(
        table.column("order_id"),
        ["006A", "006A", "006B", "006C", "006D", "006E"]
    );
    assert_eq!(table.column("ts")[0], "2024-03-15 00:00:00.000");
    assert_eq!(
        table.column("amount"),
        ["1000.0", "500.0", "800.0", "2000.0", "300.0", "400.0"]
    );
    assert_eq!(
        table.column("item_id"),
        ["SUP-1", "TRN-1", "SUP-1", "TRN-1", "TRN-1", "SUP-1"]
    );
    assert_eq!(
        table.column("is_return"),
        ["false", "false", "true", "true", "false", "false"]
    );

    // Without an Account ID column the account's name is the customer.
    let without_ids = SALESFORCE
        .lines()
        .map(|line| {
            let mut cells: Vec<&str> = line.split(',').collect();
            cells.remove(2);
            cells.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    wd.write("names.csv", format!("{without_ids}\n"));
    let output = wd.run(&["ingest", "names.csv", "-q", "-o", "-", "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.column("customer_id")[2], "Initech");

    // Won deals only: Globex bought twice (1,500 and 300), Initech once (400).
    let output = wd.run(&["clean", "report.csv", "-q", "-o", "clean.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&["segment", "clean.csv", "-q", "-o", "segments.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let segments = wd.read_csv("segments.csv");
    assert_eq!(segments.column("customer_id"), ["001A", "001B"]);
    assert_eq!(segments.column("frequency"), ["2", "1"]);
    assert_eq!(segments.column("monetary"), ["1800.0", "400.0"]);
}

/// Square's item details export: local times with a zone name, money with its symbol, a
/// refund as a row of its own (Event Type Refund, negative amounts). TX1 is two items in New
/// York in summer (UTC-4), TX2 one in Los Angeles in winter (UTC-8), TX3 the refund of TX1's
/// print.
const SQUARE: &str = "\
Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,Location,Dining Option,Customer ID,Customer Name,Customer Reference ID,Unit,Count,Itemization Type,Commission,Employee,Fulfillment Note,Channel,Token,Card Brand,PAN Suffix
2026-07-18,12:59:30,Eastern Time (US & Canada),Ceramics,Speckled Mug,2.0,Regular,MUG-1,,$36.00,-$4.00,$32.00,$2.56,TX1,P1,iPad,,,Payment,Main,,CUST1,Dee Example,,,2,Physical Good,$0.00,,,Point of Sale,t1,Visa,0000
2026-07-18,12:59:30,Eastern Time (US & Canada),Prints,Fern Print,1.0,Regular,PRT-1,,$12.00,$0.00,$12.00,$0.96,TX1,P1,iPad,,,Payment,Main,,CUST1,Dee Example,,,1,Physical Good,$0.00,,,Point of Sale,t1,Visa,0000
2026-01-10,09:00:00,Pacific Time (US & Canada),Ceramics,Speckled Mug,1.0,Regular,MUG-1,,$18.00,$0.00,$18.00,$1.44,TX2,P2,iPad,,,Payment,Main,,CUST2,Eli Example,,,1,Physical Good,$0.00,,,Point of Sale,t2,Visa,1111
2026-07-25,10:00:00,Eastern Time (US & Canada),Prints,Fern Print,-1.0,Regular,PRT-1,,-$12.00,$0.00,-$12.00,-$0.96,TX3,P3,iPad,,,Refund,Main,,CUST1,Dee Example,,,-1,Physical Good,$0.00,,,Point of Sale,t3,Visa,0000
";

#[test]
fn square_item_details_read_without_map() {
    let wd = Workdir::new();
    wd.write("items-2026.csv", SQUARE);
    let output = wd.run(&["ingest", "items-2026.csv", "--explain"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(text.contains("looks like a Square item details export"), "{text}");
    assert!(
        text.contains("ts           <- 'Date + Time + Time Zone' (preset square-item-details"),
        "{text}"
    );
    let output = wd.run(&["ingest", "items-2026.csv", "-q", "-o", "-", "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.column("customer_id"), ["CUST1", "CUST1", "CUST2", "CUST1"]);
    assert_eq!(table.column("order_id"), ["TX1", "TX1", "TX2", "TX3"]);
    assert_eq!(
        table.column("ts"),
        [
            "2026-07-18 16:59:30.000",
            "2026-07-18 16:59:30.000",
            "2026-01-10 17:00:00.000",
            "2026-07-25 14:00:00.000"
        ]
    );
    assert_eq!(table.column("amount"), ["32.0", "12.0", "18.0", "-12.0"]);
    assert_eq!(table.column("quantity"), ["2.0", "1.0", "1.0", "-1.0"]);
    assert_eq!(table.column("item_id"), ["MUG-1", "PRT-1", "MUG-1", "PRT-1"]);
    assert_eq!(table.column("is_return"), ["false", "false", "false", "true"]);

    // Netted, the refund takes the print off TX1: Dee spent 32, Eli 18.
    let output = wd.run(&[
        "clean",
        "items-2026.csv",
        "--returns",
        "net",
        "-q",
        "-o",
        "clean.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&["segment", "clean.csv", "-q", "-o", "segments.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let segments = wd.read_csv("segments.csv");
    assert_eq!(segments.column("customer_id"), ["CUST1", "CUST2"]);
    assert_eq!(segments.column("monetary"), ["32.0", "18.0"]);

    // An unknown zone is flagged on its row, not guessed.
    wd.write(
        "mars.csv",
        SQUARE.replacen("Pacific Time (US & Canada)", "Mars Time", 1),
    );
    let output = wd.run(&["ingest", "mars.csv", "-q", "-o", "-", "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.column("ts")[2], "");
    assert!(
        table.column("ingest_issue")[2]
            .contains("column 'Date + Time + Time Zone': '2026-01-10 09:00:00 Mars Time'"),
        "{:?}",
        table.column("ingest_issue")
    );
}

/// The columns of Square's transactions export, in its order.
const SQUARE_TRANSACTION_COLUMNS: [&str; 37] = [
    "Date",
    "Time",
    "Time Zone",
    "Gross Sales",
    "Discounts",
    "Net Sales",
    "Gift Card Sales",
    "Tax",
    "Tip",
    "Partial Refunds",
    "Total Collected",
    "Source",
    "Card",
    "Card Entry Methods",
    "Cash",
    "Square Gift Card",
    "Other Tender",
    "Other Tender Type",
    "Other Tender Note",
    "Fees",
    "Net Total",
    "Transaction ID",
    "Payment ID",
    "Card Brand",
    "PAN Suffix",
    "Device Name",
    "Staff Name",
    "Staff ID",
    "Details",
    "Description",
    "Event Type",
    "Location",
    "Dining Option",
    "Customer ID",
    "Customer Name",
    "Customer Reference ID",
    "Device Nickname",
];

/// A row of that export with these values, the other cells blank.
fn square_transaction(values: &[(&str, &str)]) -> String {
    SQUARE_TRANSACTION_COLUMNS
        .iter()
        .map(|column| {
            values
                .iter()
                .find(|(name, _)| name == column)
                .map_or(String::new(), |(_, value)| value.to_string())
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Square's transactions export: SQB2y a payment, SQC3z one refunded in part (10 of 45), and
/// the refund of SQB2y as a row of its own.
#[test]
fn square_transactions_read_without_map() {
    let common = [
        ("Time Zone", "Eastern Time (US & Canada)"),
        ("Source", "Point of Sale"),
        ("Location", "Autumn Fair"),
        ("Gift Card Sales", "$0.00"),
        ("Tip", "$0.00"),
    ];
    let rows = [
        vec![
            ("Date", "2026-09-13"),
            ("Time", "11:40:00"),
            ("Gross Sales", "$12.00"),
            ("Discounts", "$0.00"),
            ("Net Sales", "$12.00"),
            ("Tax", "$0.96"),
            ("Partial Refunds", "$0.00"),
            ("Total Collected", "$12.96"),
            ("Fees", "-$0.46"),
            ("Net Total", "$12.50"),
            ("Transaction ID", "SQB2y"),
            ("Payment ID", "PB2"),
            ("Description", "Fern Print x 1"),
            ("Event Type", "Payment"),
            ("Customer ID", "CUST1"),
        ],
        vec![
            ("Date", "2026-09-14"),
            ("Time", "15:00:00"),
            ("Gross Sales", "$50.00"),
            ("Discounts", "-$5.00"),
            ("Net Sales", "$45.00"),
            ("Tax", "$3.60"),
            ("Partial Refunds", "-$10.00"),
            ("Total Collected", "$38.60"),
            ("Fees", "-$1.40"),
            ("Net Total", "$37.20"),
            ("Transaction ID", "SQC3z"),
            ("Payment ID", "PC3"),
            ("Description", "Speckled Mug x 2"),
            ("Event Type", "Payment"),
            ("Customer ID", "CUST2"),
        ],
        vec![
            ("Date", "2026-09-20"),
            ("Time", "09:00:00"),
            ("Gross Sales", "-$12.00"),
            ("Discounts", "$0.00"),
            ("Net Sales", "-$12.00"),
            ("Tax", "-$0.96"),
            ("Partial Refunds", "$0.00"),
            ("Total Collected", "-$12.96"),
            ("Fees", "$0.00"),
            ("Net Total", "-$12.96"),
            ("Transaction ID", "SQB2y"),
            ("Payment ID", "PB2R"),
            ("Description", "Fern Print x 1"),
            ("Event Type", "Refund"),
            ("Customer ID", "CUST1"),
        ],
    ];
    let mut text = SQUARE_TRANSACTION_COLUMNS.join(",") + "\n";
    for row in &rows {
        let values: Vec<(&str, &str)> = common.iter().chain(row.iter()).copied().collect();
        text.push_str(&square_transaction(&values));
        text.push('\n');
    }
    let wd = Workdir::new();
    wd.write("transactions-2026.csv", &text);
    let output = wd.run(&["ingest", "transactions-2026.csv", "--explain"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("looks like a Square transactions export"));
    let output = wd.run(&[
        "ingest",
        "transactions-2026.csv",
        "-q",
        "-o",
        "-",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.column("customer_id"), ["CUST1", "CUST2", "CUST1"]);
    assert_eq!(table.column("order_id"), ["SQB2y", "SQC3z", "SQB2y"]);
    assert_eq!(
        table.column("ts"),
        [
            "2026-09-13 15:40:00.000",
            "2026-09-14 19:00:00.000",
            "2026-09-20 13:00:00.000"
        ]
    );
    assert_eq!(table.column("amount"), ["12.0", "35.0", "-12.0"]);
    assert_eq!(table.column("is_return"), ["false", "false", "true"]);
    assert_eq!(table.column("item_name"), ["", "", ""]);
    assert_eq!(table.column("channel"), ["Point of Sale"; 3]);
}

/// WooCommerce's orders export (woocommerce.com/document/import-and-export-of-woocommerce-orders):
/// one row per order, its lines packed into `line_item_N` cells. Order 1001 has two lines,
/// the second discounted (`total` 27.00 of a `sub_total` 30.00), with no SKU and a `|` in its
/// name; 1002 is a guest (`customer_id` 0) with a Gmail address typed with dots and a tag, and
/// a line whose `tax_data` holds colons, semicolons and quotes; 1003 was refunded; 1004 has no
/// line at all; 1005 is the guest again.
const WOOCOMMERCE: &str = r#"order_id,order_number,order_date,paid_date,status,shipping_total,shipping_tax_total,fee_total,fee_tax_total,tax_total,cart_discount,order_discount,discount_total,order_total,order_subtotal,order_currency,payment_method,payment_method_title,transaction_id,customer_ip_address,customer_user_agent,shipping_method,customer_id,customer_user,customer_email,billing_first_name,billing_last_name,billing_email,line_item_1,line_item_2
51,1001,2024-03-01 10:04:00,2024-03-01 10:05:00,completed,5.00,0.95,0.00,0.00,9.88,3.00,0.00,3.00,61.88,50.00,EUR,stripe,Credit card,ch_1,203.0.113.5,Mozilla/5.0,Flat rate,7,7,Ana.Lima@example.com,Ana,Lima,Ana.Lima@example.com,name:Mug|product_id:31|sku:MUG-1|quantity:2|total:20.00|sub_total:20.00|tax:3.80,name:Tea \| Pot|product_id:32|sku:|quantity:1|total:27.00|sub_total:30.00|tax:5.13
52,1002,2024-03-03 23:30:00,2024-03-03 23:31:00,processing,0.00,0.00,0.00,0.00,2.28,0.00,0.00,0.00,14.28,12.00,EUR,stripe,Credit card,ch_2,203.0.113.6,Mozilla/5.0,Local pickup,0,0,bo.chen+shop@gmail.com,Bo,Chen,bo.chen+shop@gmail.com,"name:Spoon|product_id:33|sku:SPN-1|quantity:3|total:12.00|sub_total:12.00|tax:2.28|tax_data:a:2:{s:5:""total"";a:1:{i:1;s:4:""2.28"";}}",
53,1003,2024-04-02 09:00:00,2024-04-02 09:01:00,refunded,0.00,0.00,0.00,0.00,1.90,0.00,0.00,0.00,11.90,10.00,EUR,stripe,Credit card,ch_3,203.0.113.7,Mozilla/5.0,Flat rate,0,0,carla.diaz@example.org,Carla,Diaz,carla.diaz@example.org,name:Mug|product_id:31|sku:MUG-1|quantity:1|total:10.00|sub_total:10.00|tax:1.90,
54,1004,2024-04-05 11:00:00,,completed,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,EUR,bacs,Bank transfer,,203.0.113.5,Mozilla/5.0,,7,7,Ana.Lima@example.com,Ana,Lima,Ana.Lima@example.com,,
55,1005,2024-04-12 09:30:00,2024-04-12 09:31:00,completed,0.00,0.00,0.00,0.00,5.70,0.00,0.00,0.00,35.70,30.00,EUR,stripe,Credit card,ch_5,203.0.113.6,Mozilla/5.0,Local pickup,0,0,bo.chen+shop@gmail.com,Bo,Chen,bo.chen+shop@gmail.com,name:Tea \| Pot|product_id:32|sku:|quantity:1|total:30.00|sub_total:30.00|tax:5.70,
"#;

#[test]
fn woocommerce_orders_read_without_map() {
    let wd = Workdir::new();
    wd.write("orders.csv", WOOCOMMERCE);
    let output = wd.run(&["ingest", "orders.csv", "--explain", "--keep-pii"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        text.contains("looks like a WooCommerce orders export (preset woocommerce-orders"),
        "{text}"
    );
    assert!(
        text.contains("amount       <- 'line_item_N:total' (preset woocommerce-orders)"),
        "{text}"
    );

    let output = wd.run(&["ingest", "orders.csv", "--keep-pii", "-o", "tx.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let summary = stderr_of(&output);
    assert!(summary.contains("rows in"), "{summary}");
    let figure = |name: &str| {
        summary.lines().find_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells.len() > 2 && cells[1] == name).then(|| cells[2].to_string())
        })
    };
    assert_eq!(figure("rows in").as_deref(), Some("5"), "{summary}");
    assert_eq!(
        figure("rows out (one per order line)").as_deref(),
        Some("6"),
        "{summary}"
    );
    // Worked out by hand: one row per line, the order's row number on each of its lines.
    let table = wd.read_csv("tx.csv");
    let ana = "ana.lima@example.com";
    let bo = "bochen@gmail.com";
    assert_eq!(
        table.column("customer_id"),
        [ana, ana, bo, "carla.diaz@example.org", ana, bo]
    );
    assert_eq!(
        table.column("order_id"),
        ["1001", "1001", "1002", "1003", "1004", "1005"]
    );
    assert_eq!(table.column("source_row"), ["2", "2", "3", "4", "5", "6"]);
    assert_eq!(
        table.column("ts"),
        [
            "2024-03-01 10:04:00.000",
            "2024-03-01 10:04:00.000",
            "2024-03-03 23:30:00.000",
            "2024-04-02 09:00:00.000",
            "2024-04-05 11:00:00.000",
            "2024-04-12 09:30:00.000"
        ]
    );
    assert_eq!(table.column("quantity"), ["2.0", "1.0", "3.0", "1.0", "", "1.0"]);
    assert_eq!(
        table.column("amount"),
        ["20.0", "27.0", "12.0", "10.0", "", "30.0"]
    );
    assert_eq!(
        table.column("item_id"),
        ["MUG-1", "32", "SPN-1", "MUG-1", "", "32"]
    );
    assert_eq!(
        table.column("item_name"),
        ["Mug", "Tea | Pot", "Spoon", "Mug", "", "Tea | Pot"]
    );
    assert_eq!(
        table.column("is_return"),
        ["false", "false", "false", "true", "false", "false"]
    );
    // The order's own total and WooCommerce's customer number stay as extra columns; the
    // line's own cell is kept, the numbered cells are not.
    assert_eq!(table.column("order_total")[..2], ["61.88", "61.88"]);
    assert_eq!(table.column("customer_id_source")[2], "0");
    assert!(table.column("line_item")[2].contains("tax_data:a:2:{s:5:\"total\""));
    assert!(!table.headers.iter().any(|h| h == "line_item_1"));
    assert_eq!(
        table.column("ingest_issue")[4],
        "columns 'line_item_1', 'line_item_2', ...: the order has no line"
    );

    // clean rejects the refunded order and the order without a line, with their reasons; the
    // rows it reads are the lines.
    let output = wd.run(&[
        "clean",
        "tx.csv",
        "--keep-pii",
        "-q",
        "-o",
        "clean.csv",
        "--rejects",
        "rejects.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let rejects = wd.read_csv("rejects.csv");
    assert_eq!(rejects.column("order_id"), ["1003", "1004"]);
    assert_eq!(
        rejects.column("reason"),
        [
            "return or cancellation (--returns drop)",
            "unparseable value: columns 'line_item_1', 'line_item_2', ...: the order has no line"
        ]
    );
    // RFM as of 2024-04-30: Ana one order of 20 + 27, last 2024-03-01 10:04 (59 days 13 h
    // 56 min before); Bo two orders, 12 and 30, last 2024-04-12 09:30 (17 days 14.5 h).
    let output = wd.run(&[
        "segment",
        "clean.csv",
        "--keep-pii",
        "--as-of",
        "2024-04-30",
        "-q",
        "-o",
        "segments.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let segments = wd.read_csv("segments.csv");
    assert_eq!(segments.column("customer_id"), [ana, bo]);
    assert_eq!(segments.column("frequency"), ["1", "2"]);
    assert_eq!(segments.column("monetary"), ["47.0", "42.0"]);
    assert_eq!(segments.column("recency_days"), ["59.5806", "17.6042"]);
}

/// An order's fields are filled down only within its own rows: order #2002 follows a
/// cancelled order and is not cancelled itself, and a row of #2001 written apart from the
/// order's other rows keeps its blanks (ckm clean then rejects it for its missing customer)
/// rather than taking #2002's.
#[test]
fn shopify_order_fields_fill_down_within_the_order_only() {
    let wd = Workdir::new();
    wd.write(
        "orders_export.csv",
        "\
Name,Email,Financial Status,Currency,Total,Created at,Cancelled at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku
#2001,ana.lima@example.com,voided,EUR,10.00,2024-05-01 10:00:00 +0000,2024-05-01 11:00:00 +0000,1,Mug,10.00,MUG-1
#2002,bo.chen@example.com,paid,EUR,12.00,2024-05-02 10:00:00 +0000,,1,Spoon,4.00,SPN-1
#2002,,,,,,,2,Spoon,4.00,SPN-1
#2001,,,,,,,1,Teapot,30.00,TEA-1
",
    );
    let output = wd.run(&["ingest", "orders_export.csv", "--keep-pii", "-q", "-o", "tx.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = wd.read_csv("tx.csv");
    assert_eq!(
        table.column("customer_id"),
        [
            "ana.lima@example.com",
            "bo.chen@example.com",
            "bo.chen@example.com",
            ""
        ]
    );
    assert_eq!(table.column("is_return"), ["true", "false", "false", "false"]);
    assert_eq!(table.column("Cancelled at")[2], "");
}
