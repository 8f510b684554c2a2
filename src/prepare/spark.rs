//! The prepared data computed on Apache Spark (`--engine spark`): the definitions of the
//! modules beside this one, written as Spark SQL that runs where the lines are. Only the
//! compact result comes back (a row per customer), as Arrow, into the same tables the local
//! engine builds, so the models downstream do not know which engine ran.
//!
//! The input is a path the cluster reads (Parquet, CSV with a header, or JSON lines) or a
//! table of its catalog, mapped onto the canonical columns as a file is (`--map` applies).
//! Values are cast on the cluster: a text that does not parse as a time or a number counts
//! as missing there (ckm's own parsing of dates and amounts is for exports read locally; a
//! cluster's tables are usually typed), and the run warns how many did not.

use anyhow::Result;
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::baskets::{Baskets, ItemCodes};
use crate::io::manifest::RunRecord;
use crate::io::periods::Period;
use crate::io::read::{self, ReadSettings};
use crate::io::schema::{self, ColumnMapping};
use crate::io::spark::{Answer, SparkSession};
use crate::mining::btyd::Rft;
use crate::mining::money;
use crate::prepare::churn_features::{self, Activity, RecentActivity};
use crate::prepare::order_figures::{self, ChannelTotals, LineCounts, OrderFigures, Window};
use crate::prepare::orders::{self, ItemSource};
use crate::prepare::purchases::{self, CustomerItems};
use crate::prepare::repeat_purchases::{self, Summaries, SummarySettings};
use crate::prepare::series::{self, FromTransactions, Grouping, Groups, Measure, SeriesSettings};
use crate::prepare::summary::{
    CustomerTable, CHANNELS, DISTINCT_ITEMS, FIRST_PURCHASE, FREQUENCY, LAST_PURCHASE, LINES,
    LINES_WITHOUT_TS, MONETARY, RETURN_RATE,
};
use crate::printer::{thousands, Printer};

/// What the cluster reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteSource {
    /// A path the cluster can read: Parquet (a file or a directory of them), CSV or TSV with
    /// a header, JSON lines.
    Path(String),
    /// A table or view of the cluster's catalog (`catalog.db.orders`).
    Table(String),
}

impl std::fmt::Display for RemoteSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RemoteSource::Path(path) => f.write_str(path),
            RemoteSource::Table(table) => write!(f, "table {table}"),
        }
    }
}

/// The view a path is read through, for the session's later queries.
const INPUT_VIEW: &str = "ckm_input";

/// The input as the cluster sees it: where it is, and its columns mapped onto the canonical
/// ones.
pub struct SparkInput {
    /// What messages call it.
    pub display: String,
    /// The relation queries read from (a view or a quoted table name).
    relation: String,
    pub mapping: ColumnMapping,
}

impl SparkInput {
    /// Opens `source` on the cluster and maps its columns: an error names a missing required
    /// column (exit 3), or says what Spark said of a path or table it cannot read.
    pub fn open(spark: &mut SparkSession, source: &RemoteSource, read: &ReadSettings) -> Result<SparkInput> {
        let display = source.to_string();
        let relation = match source {
            RemoteSource::Path(path) => {
                spark.sql(&format!(
                    "CREATE OR REPLACE TEMPORARY VIEW {INPUT_VIEW} USING {} OPTIONS (path {}{})",
                    format_of(path),
                    quote_text(&cluster_path(path)),
                    match format_of(path) {
                        "csv" if is_tsv(path) => ", header 'true', sep '\\t'",
                        "csv" => ", header 'true'",
                        _ => "",
                    }
                ))?;
                INPUT_VIEW.to_string()
            }
            RemoteSource::Table(table) => quote_table(table)?,
        };
        let headers = spark.sql(&format!("SELECT * FROM {relation} LIMIT 0"))?.frame;
        let headers: Vec<String> = headers.get_column_names().iter().map(|n| n.to_string()).collect();
        let overrides = schema::parse_overrides(&read.map)?;
        let mapping = schema::map_columns(&headers, &overrides)
            .map_err(|e| CkmError::usage(format!("{display}: {e}")))?;
        crate::io::canonical::check_required_columns(&display, &mapping)?;
        Ok(SparkInput {
            display,
            relation,
            mapping,
        })
    }

    /// The columns of its canonical lines: the mapped canonical ones and the others as named.
    pub fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = self
            .mapping
            .mapped
            .iter()
            .map(|m| m.canonical.to_string())
            .collect();
        columns.extend(self.mapping.extra.iter().cloned());
        columns
    }

    fn has(&self, canonical: &str) -> bool {
        self.mapping.source_of(canonical).is_some()
            || (canonical == schema::IS_RETURN && self.has_return_flags())
    }

    /// `ckm clean` marks returns in an `is_return` column of its own (not one of an export's).
    fn has_return_flags(&self) -> bool {
        self.mapping.extra.iter().any(|c| c == schema::IS_RETURN)
    }

    /// The lines as canonical columns, cast on the cluster, and whether each had a ts before
    /// the cast (`__ckm_ts_given`): a SQL query.
    fn canonical_lines(&self) -> String {
        self.canonical_query(true)
    }

    /// [`SparkInput::canonical_lines`] without the flag, as lines are written out.
    fn canonical_lines_without_flags(&self) -> String {
        self.canonical_query(false)
    }

    fn canonical_query(&self, flags: bool) -> String {
        let mut selected = Vec::new();
        for mapped in &self.mapping.mapped {
            let source = quote_identifier(&mapped.source);
            let kind = schema::canonical_column(mapped.canonical).map(|c| c.kind);
            let expression = match kind {
                Some(schema::ColumnKind::Timestamp) => format!("try_cast({source} AS TIMESTAMP)"),
                Some(schema::ColumnKind::Number) => format!("try_cast({source} AS DOUBLE)"),
                Some(schema::ColumnKind::Text) | None => format!("CAST({source} AS STRING)"),
            };
            selected.push(format!("{expression} AS {}", mapped.canonical));
            if flags && mapped.canonical == schema::TS {
                // Whether the source had a value, to count those that did not parse.
                selected.push(format!("{source} IS NOT NULL AS __ckm_ts_given"));
            }
        }
        if self.has_return_flags() {
            let source = quote_identifier(schema::IS_RETURN);
            selected.push(format!("try_cast({source} AS BOOLEAN) AS {}", schema::IS_RETURN));
        }
        // The other columns as they are (a --by column may be one).
        for extra in self.mapping.extra.iter().filter(|c| *c != schema::IS_RETURN) {
            selected.push(quote_identifier(extra));
        }
        format!("SELECT {} FROM {}", selected.join(", "), self.relation)
    }

    /// A line's amount: the amount column, or quantity × unit price ([`crate::io::line_amount`]).
    fn line_amount(&self) -> &'static str {
        if self.has(schema::AMOUNT) {
            "amount"
        } else {
            "quantity * unit_price"
        }
    }

    /// A line's item: item_id, else item_name ([`crate::prepare::orders::item`]).
    fn item(&self) -> Option<&'static str> {
        match (self.has(schema::ITEM_ID), self.has(schema::ITEM_NAME)) {
            (true, true) => Some("coalesce(item_id, item_name)"),
            (true, false) => Some("item_id"),
            (false, true) => Some("item_name"),
            (false, false) => None,
        }
    }

    /// The lines without a customer_id, as they came, with the reason they are left out.
    pub fn lines_without_customer(&self, spark: &mut SparkSession) -> Result<DataFrame> {
        let customer = quote_identifier(
            self.mapping
                .source_of(schema::CUSTOMER_ID)
                .expect("a mapping has a customer_id (checked when opened)"),
        );
        let rejected = spark.sql(&format!(
            "SELECT *, 'no customer_id' AS {} FROM {} WHERE {customer} IS NULL",
            quote_identifier(crate::io::clean_rules::REASON),
            self.relation
        ))?;
        Ok(rejected.frame)
    }
}

/// The per-customer summary ([`crate::prepare::summary::customer_table`]) computed on the
/// cluster: the same columns, the same definitions, sorted by customer id; with `before_ms`,
/// of the lines before it.
pub fn customer_table(
    spark: &mut SparkSession,
    input: &SparkInput,
    before_ms: Option<i64>,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<CustomerTable> {
    let null_text = "CAST(NULL AS STRING)";
    let order = if input.has(schema::ORDER_ID) {
        "order_id"
    } else {
        null_text
    };
    let item = input.item().unwrap_or(null_text);
    let channel = if input.has(schema::CHANNEL) {
        "channel"
    } else {
        null_text
    };
    let is_return = if input.has(schema::IS_RETURN) {
        "is_return"
    } else {
        "CAST(NULL AS BOOLEAN)"
    };
    // An order is the order id, else the customer's day (UTC) of a line with a time; lines
    // without a customer form one group of their own (customer_id null), counted apart.
    let query = format!(
        "WITH lines AS ({canonical}), \
         l AS (SELECT customer_id, unix_millis(ts) AS ts_ms, __ckm_ts_given AS ts_given, \
               CAST({amount} AS DOUBLE) AS amount, {order} AS order_id, {item} AS item, \
               {channel} AS channel, {is_return} AS is_return FROM lines{before}) \
         SELECT customer_id, \
           count(*) AS {LINES}, \
           count(*) - count(ts_ms) AS {LINES_WITHOUT_TS}, \
           min(ts_ms) AS {FIRST_PURCHASE}, max(ts_ms) AS {LAST_PURCHASE}, \
           count(DISTINCT order_id) \
             + count(DISTINCT CASE WHEN order_id IS NULL THEN floor(ts_ms / 86400000) END) AS {FREQUENCY}, \
           {monetary} AS {MONETARY}, \
           count(DISTINCT item) AS {DISTINCT_ITEMS}, \
           count(DISTINCT channel) AS {CHANNELS}, \
           CASE WHEN count(is_return) > 0 THEN count_if(is_return) / count(is_return) END AS {RETURN_RATE}, \
           count(item) AS item_values, count(channel) AS channel_values, \
           count(is_return) AS return_values, \
           count_if(ts_given AND ts_ms IS NULL) AS unparsed_ts \
         FROM l GROUP BY customer_id ORDER BY customer_id ASC NULLS FIRST",
        canonical = input.canonical_lines(),
        amount = input.line_amount(),
        monetary = units_sql(&format!("coalesce(sum({}), 0)", micros_sql("amount"))),
        before = before_ms
            .map(|before| format!(" WHERE unix_millis(ts) < {before}"))
            .unwrap_or_default(),
    );
    let answer = spark.sql(&query)?;
    record_answer(record, "per-customer summary", &answer);
    let frame = answer.frame;
    let total = |name: &str| -> Result<u64> {
        Ok(frame
            .column(name)?
            .cast(&DataType::UInt64)?
            .u64()?
            .sum()
            .unwrap_or(0))
    };
    let lines_in = total(LINES)?;
    let (item_values, channel_values, return_values) = (
        total("item_values")?,
        total("channel_values")?,
        total("return_values")?,
    );
    let unparsed_ts = total("unparsed_ts")?;
    warn_unparsed_ts(record, printer, input, unparsed_ts);
    // The rows come sorted by id with the lines without a customer first (one row, when
    // there are such lines): that row is sliced off and each column is cast in place, so no
    // second copy of 5M customers' rows is held at once.
    let mut frame = frame.drop_many(["item_values", "channel_values", "return_values", "unparsed_ts"]);
    let ids = frame.column(schema::CUSTOMER_ID)?.str()?;
    let without_customer = match ids.get(0) {
        None if frame.height() > 0 => {
            let lines = frame.column(LINES)?.cast(&DataType::UInt64)?;
            let lines = lines.u64()?.get(0).unwrap_or(0);
            frame = frame.slice(1, frame.height() - 1);
            lines
        }
        _ => 0,
    };
    // A column without values is no column (see `prepare`).
    for (name, has_values) in [
        (DISTINCT_ITEMS, item_values > 0),
        (CHANNELS, channel_values > 0),
        (RETURN_RATE, return_values > 0),
    ] {
        if !has_values {
            frame = frame.drop(name)?;
        }
    }
    let datetime = DataType::Datetime(TimeUnit::Milliseconds, None);
    for (name, dtype) in [
        (LINES, DataType::UInt64),
        (LINES_WITHOUT_TS, DataType::UInt64),
        (FIRST_PURCHASE, datetime.clone()),
        (LAST_PURCHASE, datetime),
        (FREQUENCY, DataType::UInt64),
        (MONETARY, DataType::Float64),
        (DISTINCT_ITEMS, DataType::UInt64),
        (CHANNELS, DataType::UInt64),
        (RETURN_RATE, DataType::Float64),
    ] {
        if frame.get_column_names().iter().any(|n| n.as_str() == name) {
            let cast = frame.column(name)?.cast(&dtype)?;
            frame.with_column(cast)?;
        }
    }
    // In byte order, as the local engine sorts; Spark's order is that unless its session
    // collation was changed, which is checked rather than assumed.
    let ids = frame.column(schema::CUSTOMER_ID)?.str()?;
    let mut previous: Option<&str> = None;
    let sorted = ids.iter().all(|id| {
        let in_order = match (previous, id) {
            (Some(before), Some(id)) => before < id,
            (None, Some(_)) => true,
            _ => false,
        };
        previous = id;
        in_order
    });
    if !sorted {
        frame = frame.sort([schema::CUSTOMER_ID], SortMultipleOptions::default())?;
    }
    Ok(CustomerTable {
        customers: frame,
        lines_in,
        lines_without_customer: without_customer,
    })
}

/// The lines a churn model learns from, counted on the cluster ([`churn_features::activity`]):
/// how many there are, how many lack a customer or a time, and the latest time.
pub fn churn_activity(
    spark: &mut SparkSession,
    input: &SparkInput,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Activity> {
    let totals = spark
        .sql(&format!(
            "WITH lines AS ({}) SELECT count(*) AS lines, \
             count_if(customer_id IS NULL OR ts IS NULL) AS unusable, \
             count_if(__ckm_ts_given AND ts IS NULL) AS unparsed_ts, \
             max(CASE WHEN customer_id IS NOT NULL THEN unix_millis(ts) END) AS latest FROM lines",
            input.canonical_lines()
        ))?
        .frame;
    let number = |name: &str| read::first_integer(&totals, name);
    let unparsed_ts = number("unparsed_ts")?.unwrap_or(0);
    warn_unparsed_ts(record, printer, input, unparsed_ts.max(0) as u64);
    Ok(Activity {
        lines: number("lines")?.unwrap_or(0) as u64,
        unusable: number("unusable")?.unwrap_or(0) as u64,
        latest_ms: number("latest")?.ok_or_else(|| CkmError::invalid(order_figures::NO_USABLE_LINE))?,
        table: None,
    })
}

/// [`churn_features::recent_activity`] computed on the cluster, for the customers of the
/// per-customer summary before `end_ms` (`ids`, in the cluster's order, which is checked).
pub fn recent_activity(
    spark: &mut SparkSession,
    input: &SparkInput,
    ids: &[String],
    end_ms: i64,
    window_ms: Option<i64>,
    record: &mut RunRecord,
) -> Result<RecentActivity> {
    let [last_30, last_90] = churn_features::RECENT_DAYS.map(|days| end_ms - days * 86_400_000);
    let until = end_ms + window_ms.unwrap_or(0);
    let answer = spark.sql(&format!(
        "WITH lines AS ({canonical}), \
         l AS (SELECT customer_id, unix_millis(ts) AS ts_ms, CAST({amount} AS DOUBLE) AS amount FROM lines \
               WHERE customer_id IS NOT NULL AND unix_millis(ts) < {until}) \
         SELECT customer_id, \
           coalesce(sum(CASE WHEN ts_ms >= {last_30} AND ts_ms < {end_ms} THEN {micros} END), 0) AS spend_30, \
           coalesce(sum(CASE WHEN ts_ms >= {last_90} AND ts_ms < {end_ms} THEN {micros} END), 0) AS spend_90, \
           count_if(ts_ms >= {end_ms}) > 0 AS bought \
         FROM l GROUP BY customer_id HAVING count_if(ts_ms < {end_ms}) > 0",
        canonical = input.canonical_lines_without_flags(),
        amount = input.line_amount(),
        micros = micros_sql("amount"),
    ))?;
    record_answer(record, "recent spend", &answer);
    let frame = answer.frame;
    let position: foldhash::HashMap<&str, usize> =
        ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let numbers = |name: &str| -> Result<Series> {
        Ok(frame
            .column(name)?
            .cast(&DataType::Int64)?
            .take_materialized_series())
    };
    let (spend_30, spend_90) = (numbers("spend_30")?, numbers("spend_90")?);
    let mut recent = RecentActivity {
        spend_micros: [vec![0; ids.len()], vec![0; ids.len()]],
        bought_in_window: window_ms.map(|_| vec![false; ids.len()]),
    };
    let mut found = vec![false; ids.len()];
    let mut unknown = false;
    let rows = frame
        .column(schema::CUSTOMER_ID)?
        .str()?
        .iter()
        .zip(spend_30.i64()?.iter())
        .zip(spend_90.i64()?.iter())
        .zip(frame.column("bought")?.bool()?.iter());
    for (((id, s30), s90), bought) in rows {
        let Some(&i) = id.and_then(|id| position.get(id)) else {
            unknown = true;
            break;
        };
        found[i] = true;
        recent.spend_micros[0][i] = s30.unwrap_or(0);
        recent.spend_micros[1][i] = s90.unwrap_or(0);
        if let Some(window) = recent.bought_in_window.as_mut() {
            window[i] = bought.unwrap_or(false);
        }
    }
    if unknown || found.contains(&false) {
        return Err(CkmError::invalid(format!(
            "{}: the cluster's recent spend is not of the customers of its summary (did the input change during the run?)",
            input.display
        )));
    }
    Ok(recent)
}

/// The lines a churn model cannot use, with the reason, as canonical columns.
pub fn lines_without_customer_or_ts(spark: &mut SparkSession, input: &SparkInput) -> Result<DataFrame> {
    let reason_column = quote_identifier(crate::io::clean_rules::REASON);
    let answer = spark.sql(&format!(
        "SELECT * FROM (SELECT *, CASE WHEN customer_id IS NULL THEN 'no customer_id' \
           WHEN ts IS NULL THEN 'no ts' END AS {reason_column} FROM ({})) \
         WHERE {reason_column} IS NOT NULL",
        input.canonical_lines_without_flags(),
    ))?;
    Ok(answer.frame)
}

/// What the report counts of the lines ([`order_figures::count_lines`]) on the cluster.
pub fn report_line_counts(spark: &mut SparkSession, input: &SparkInput) -> Result<LineCounts> {
    let mut counted = vec![
        "count(*) AS lines".to_string(),
        "count_if(customer_id IS NULL OR ts IS NULL) AS unusable".to_string(),
    ];
    for column in order_figures::ITEM_COLUMNS.iter().filter(|c| input.has(c)) {
        counted.push(format!("count({column}) AS {column}"));
    }
    let counts = spark
        .sql(&format!(
            "WITH lines AS ({}) SELECT {} FROM lines",
            input.canonical_lines_without_flags(),
            counted.join(", ")
        ))?
        .frame;
    let count = |name: &str| read::first_integer(&counts, name).ok().flatten().unwrap_or(0) as u64;
    Ok(LineCounts::of(count("lines"), count("unusable"), count))
}

/// The report's orders as SQL, `o` (customer_id, day, amount in millionths, channel): a
/// customer's lines with one order id, or without one on one day (UTC), are one order, on the
/// day of its earliest line, with the first of its channels in name order.
fn report_orders(input: &SparkInput) -> String {
    let order_id = if input.has(schema::ORDER_ID) {
        "order_id"
    } else {
        "CAST(NULL AS STRING)"
    };
    let channel = if input.has(schema::CHANNEL) {
        "channel"
    } else {
        "CAST(NULL AS STRING)"
    };
    // The day as the local engine takes it: a float quotient, truncated.
    format!(
        "WITH lines AS ({canonical}), \
         l AS (SELECT customer_id, unix_millis(ts) AS ts_ms, {order_id} AS order_id, \
               CAST({amount} AS DOUBLE) AS amount, {channel} AS channel FROM lines \
               WHERE customer_id IS NOT NULL AND ts IS NOT NULL), \
         o AS (SELECT customer_id, min(CAST(ts_ms / 86400000.0D AS BIGINT)) AS day, \
               coalesce(sum({micros}), 0) AS amount, min(channel) AS channel FROM l \
               GROUP BY customer_id, order_id, \
                 CASE WHEN order_id IS NULL THEN floor(ts_ms / 86400000) END)",
        canonical = input.canonical_lines_without_flags(),
        amount = input.line_amount(),
        micros = micros_sql("amount"),
    )
}

/// The report's figures of the orders ([`OrderFigures`]) computed on the cluster, as of
/// `as_of` (default: the last order's day): four small answers (the days, the spans' totals,
/// the cohorts, the channels).
pub fn order_figures(
    spark: &mut SparkSession,
    input: &SparkInput,
    as_of: Option<i64>,
) -> Result<OrderFigures> {
    let orders = report_orders(input);
    let days = spark
        .sql(&format!(
            "{orders} SELECT min(day) AS first, max(day) AS last FROM o"
        ))?
        .frame;
    let day = |name: &str| read::first_integer(&days, name);
    let (Some(first_day), Some(last_day)) = (day("first")?, day("last")?) else {
        return Err(CkmError::invalid(format!(
            "{}: {}",
            input.display,
            order_figures::NO_USABLE_LINE
        )));
    };
    let as_of = as_of.unwrap_or(last_day);
    let (recent_from, before_from) = order_figures::window_starts(as_of);
    let span = |name: &str, condition: &str| {
        format!(
            "count(DISTINCT CASE WHEN {condition} THEN customer_id END) AS {name}_customers, \
             count_if({condition}) AS {name}_orders, \
             coalesce(sum(CASE WHEN {condition} THEN amount END), 0) AS {name}_revenue"
        )
    };
    let totals = spark
        .sql(&format!(
            "{orders}, per_customer AS (SELECT customer_id, count(*) AS orders FROM o \
               WHERE day <= {as_of} GROUP BY customer_id) \
             SELECT {all}, {recent}, {before}, \
               (SELECT count_if(orders >= 2) FROM per_customer) AS repeaters FROM o",
            all = span("all", &format!("day <= {as_of}")),
            recent = span("recent", &format!("day BETWEEN {recent_from} AND {as_of}")),
            before = span(
                "before",
                &format!("day BETWEEN {before_from} AND {}", recent_from - 1)
            ),
        ))?
        .frame;
    let number = |name: &str| -> Result<i64> { Ok(read::first_integer(&totals, name)?.unwrap_or(0)) };
    let window = |name: &str| -> Result<Window> {
        Ok(Window {
            customers: number(&format!("{name}_customers"))? as u64,
            orders: number(&format!("{name}_orders"))? as u64,
            revenue: number(&format!("{name}_revenue"))?,
        })
    };
    let month =
        "year(date_from_unix_date(CAST(day AS INT))) * 12 + month(date_from_unix_date(CAST(day AS INT))) - 1";
    let cohorts = spark.sql(&format!(
        "{orders}, active AS (SELECT DISTINCT customer_id, {month} AS month FROM o WHERE day <= {as_of}), \
         firsts AS (SELECT customer_id, min(month) AS first FROM active GROUP BY customer_id) \
         SELECT first, month - first AS offset, count(*) AS customers \
         FROM active JOIN firsts USING (customer_id) \
         WHERE month - first < {months} GROUP BY first, month - first",
        months = order_figures::COHORT_MONTHS,
    ))?;
    let int = |frame: &DataFrame, name: &str| -> Result<Vec<i64>> {
        Ok(frame
            .column(name)?
            .cast(&DataType::Int64)?
            .i64()?
            .into_no_null_iter()
            .collect())
    };
    let frame = &cohorts.frame;
    let cohorts = int(frame, "first")?
        .into_iter()
        .zip(int(frame, "offset")?)
        .zip(int(frame, "customers")?)
        .map(|((first, offset), customers)| ((first, offset as u32), customers as u64))
        .collect();
    let channels = spark.sql(&format!(
        "{orders} SELECT channel, count(DISTINCT customer_id) AS customers, count(*) AS orders, \
         coalesce(sum(amount), 0) AS revenue FROM o WHERE channel IS NOT NULL GROUP BY channel"
    ))?;
    let frame = &channels.frame;
    let names = read::text_values(frame, "channel")?;
    let mut channels: Vec<ChannelTotals> = names
        .into_iter()
        .zip(int(frame, "customers")?)
        .zip(int(frame, "orders")?)
        .zip(int(frame, "revenue")?)
        .map(|(((name, customers), orders), revenue)| ChannelTotals {
            name,
            totals: Window {
                customers: customers as u64,
                orders: orders as u64,
                revenue,
            },
        })
        .collect();
    channels.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(OrderFigures {
        as_of,
        first_day,
        last_day,
        all: window("all")?,
        recent: window("recent")?,
        before: window("before")?,
        repeaters: number("repeaters")? as u64,
        cohorts,
        channels,
    })
}

/// The lines as (customer, day, amount) for the repeat-purchase summaries: a SQL prefix that
/// names them `l`.
fn customer_days(input: &SparkInput) -> String {
    format!(
        "WITH lines AS ({}), \
         l AS (SELECT customer_id, CAST(floor(unix_millis(ts) / 86400000) AS BIGINT) AS day, \
               CAST({} AS DOUBLE) AS amount FROM lines)",
        input.canonical_lines(),
        input.line_amount()
    )
}

/// The repeat-purchase summaries of the BTYD models
/// ([`crate::prepare::repeat_purchases::summarise_transactions`]) computed on the cluster:
/// purchase days per customer up to the calibration end, their spend, and the holdout days;
/// and the calibration end day. Three queries: the latest day and the lines left out, the
/// customers' calibration days, and what came after.
pub fn repeat_purchase_summaries(
    spark: &mut SparkSession,
    input: &SparkInput,
    settings: &SummarySettings,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<(Summaries, i64)> {
    let lines = customer_days(input);
    let totals = spark
        .sql(&format!(
            "{lines} SELECT count(*) AS lines, count_if(customer_id IS NULL OR day IS NULL) AS unusable, \
             max(day) AS latest FROM l"
        ))?
        .frame;
    let number = |name: &str| read::first_integer(&totals, name);
    let lines_in = number("lines")?.unwrap_or(0) as u64;
    let unusable = number("unusable")?.unwrap_or(0) as u64;
    let latest = number("latest")?
        .ok_or_else(|| CkmError::invalid(format!("{}: no line has a timestamp", input.display)))?;
    let end_day = settings.calibration_end_day.unwrap_or(latest);
    let calibration = spark.sql(&format!(
        "{lines}, \
         days AS (SELECT customer_id, day, coalesce(sum({micros}), 0) AS spend FROM l \
                  WHERE customer_id IS NOT NULL AND day IS NOT NULL AND day <= {end_day} \
                  GROUP BY customer_id, day), \
         marked AS (SELECT *, min(day) OVER (PARTITION BY customer_id) AS first_day FROM days) \
         SELECT customer_id, count(*) - 1 AS x, min(day) AS first_day, max(day) AS last_day, \
           {repeat_spend} AS repeat_spend \
         FROM marked GROUP BY customer_id",
        micros = micros_sql("amount"),
        repeat_spend = units_sql("coalesce(sum(CASE WHEN day > first_day THEN spend END), 0)"),
    ))?;
    record_answer(record, "repeat-purchase summaries", &calibration);
    let calibration = calibration
        .frame
        .sort([schema::CUSTOMER_ID], SortMultipleOptions::default())?;
    let ids = read::text_values(&calibration, schema::CUSTOMER_ID)?;
    let int = |name: &str| -> Result<Vec<i64>> {
        let column = calibration.column(name)?.cast(&DataType::Int64)?;
        Ok(column.i64()?.into_no_null_iter().collect())
    };
    let (x, first, last) = (int("x")?, int("first_day")?, int("last_day")?);
    let repeat_spend: Vec<f64> = calibration
        .column("repeat_spend")?
        .cast(&DataType::Float64)?
        .f64()?
        .into_no_null_iter()
        .collect();
    let unit = settings.unit_days;
    let rft = (0..ids.len())
        .map(|c| Rft {
            x: x[c] as f64,
            t_x: (last[c] - first[c]) as f64 / unit,
            t: (end_day - first[c]) as f64 / unit,
        })
        .collect();
    let monetary = (0..ids.len())
        .map(|c| {
            if x[c] > 0 {
                repeat_spend[c] / x[c] as f64
            } else {
                0.0
            }
        })
        .collect();
    // After the calibration end: repeat days in the holdout of the calibration's customers,
    // lines of customers new there, and lines after it.
    let holdout_end = settings.holdout_end_day.unwrap_or(end_day);
    let later = spark
        .sql(&format!(
            "{lines} SELECT customer_id, \
               count(DISTINCT CASE WHEN day <= {holdout_end} THEN day END) AS holdout_days, \
               count_if(day <= {holdout_end}) AS holdout_lines, count_if(day > {holdout_end}) AS after_lines \
             FROM l WHERE customer_id IS NOT NULL AND day > {end_day} GROUP BY customer_id"
        ))?
        .frame;
    let later_ids = read::text_values(&later, schema::CUSTOMER_ID)?;
    let later_int = |name: &str| -> Result<Vec<i64>> {
        let column = later.column(name)?.cast(&DataType::Int64)?;
        Ok(column.i64()?.into_no_null_iter().collect())
    };
    let (holdout_days, holdout_lines, after_lines) = (
        later_int("holdout_days")?,
        later_int("holdout_lines")?,
        later_int("after_lines")?,
    );
    let position: std::collections::HashMap<&str, usize> =
        ids.iter().enumerate().map(|(c, id)| (id.as_str(), c)).collect();
    let mut holdout = vec![0.0; ids.len()];
    let mut newcomers = 0u64;
    for (i, id) in later_ids.iter().enumerate() {
        match position.get(id.as_str()) {
            Some(&c) => holdout[c] = holdout_days[i] as f64,
            None => newcomers += holdout_lines[i] as u64,
        }
    }
    let after_end = after_lines.iter().sum::<i64>() as u64;
    repeat_purchases::report_left_out(
        record,
        printer,
        repeat_purchases::LeftOut {
            unusable,
            newcomers,
            after_end,
        },
        settings.holdout_end_day.is_some(),
    );
    Ok((
        Summaries {
            ids,
            rft,
            monetary,
            has_spend: true,
            lines: lines_in,
            holdout: settings.holdout_end_day.map(|_| holdout),
        },
        end_day,
    ))
}

/// A line's order as text, the same for the lines of one order ([`orders::order_key`]).
fn order_key_sql(input: &SparkInput) -> String {
    let by_day = "CASE WHEN customer_id IS NOT NULL AND ts IS NOT NULL \
                  THEN concat('day:', customer_id, '|', CAST(floor(unix_millis(ts) / 86400000) AS STRING)) END";
    if input.has(schema::ORDER_ID) {
        format!("CASE WHEN order_id IS NOT NULL THEN concat('order:', order_id) ELSE {by_day} END")
    } else {
        by_day.to_string()
    }
}

/// The calendar period of a line's time ([`crate::io::periods::period_of`]; the session's time zone is
/// UTC).
fn period_sql(period: Period) -> &'static str {
    match period {
        Period::Day => "CAST(floor(unix_millis(ts) / 86400000) AS BIGINT)",
        Period::Week => "CAST(floor((floor(unix_millis(ts) / 86400000) + 3) / 7) AS BIGINT)",
        Period::Month => "CAST(year(ts) * 12 + month(ts) - 1 AS BIGINT)",
        Period::Quarter => "CAST(year(ts) * 4 + quarter(ts) - 1 AS BIGINT)",
        Period::Year => "CAST(year(ts) AS BIGINT)",
    }
}

/// Per-period series ([`crate::prepare::series::series_from_transactions`]) computed on the
/// cluster: the measure per group and period comes back, one row each.
pub fn series(
    spark: &mut SparkSession,
    input: &SparkInput,
    settings: &SeriesSettings,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<FromTransactions> {
    let group = match &settings.grouping {
        Grouping::Whole => "CAST(NULL AS STRING)".to_string(),
        Grouping::Column(by) => {
            let columns = input.columns();
            if !columns.iter().any(|c| c == by) {
                return Err(CkmError::usage(format!(
                    "{}: --by '{by}' is not a column; the columns are {}",
                    input.display,
                    columns.join(", ")
                )));
            }
            format!("CAST({} AS STRING)", quote_identifier(by))
        }
        Grouping::Segments(_) => {
            return Err(CkmError::usage(
                "--segments reads a file on this machine: use it with --engine local, or --by a column of the lines",
            ))
        }
    };
    let (value, aggregate) = match settings.measure {
        Measure::Revenue => (
            format!("CAST({} AS DOUBLE)", input.line_amount()),
            units_sql(&format!("coalesce(sum({}), 0)", micros_sql("value"))),
        ),
        Measure::Quantity => (
            "quantity".to_string(),
            units_sql(&format!("coalesce(sum({}), 0)", micros_sql("value"))),
        ),
        Measure::Orders => (
            order_key_sql(input),
            "CAST(count(DISTINCT value) AS DOUBLE)".to_string(),
        ),
        Measure::Customers => (
            "customer_id".to_string(),
            "CAST(count(DISTINCT value) AS DOUBLE)".to_string(),
        ),
    };
    if settings.measure == Measure::Quantity && !input.has(schema::QUANTITY) {
        return Err(CkmError::invalid(format!(
            "{}: --measure quantity needs a quantity column",
            input.display
        )));
    }
    let lines = format!(
        "WITH lines AS ({}), \
         l AS (SELECT {group} AS grp, {period} AS period, \
               CAST(floor(unix_millis(ts) / 86400000) AS BIGINT) AS day, {value} AS value, \
               customer_id AS customer FROM lines)",
        input.canonical_lines(),
        period = period_sql(settings.period),
    );
    let totals = spark
        .sql(&format!(
            "{lines} SELECT count(*) AS lines, count_if(day IS NULL) AS without_ts, \
             count_if(day IS NOT NULL AND value IS NULL) AS without_value, max(day) AS latest FROM l"
        ))?
        .frame;
    let number = |name: &str| read::first_integer(&totals, name);
    let lines_in = number("lines")?.unwrap_or(0) as u64;
    let without_ts = number("without_ts")?.unwrap_or(0) as u64;
    let without_value = number("without_value")?.unwrap_or(0) as u64;
    let latest_day = number("latest")?
        .ok_or_else(|| CkmError::invalid(format!("{}: no line has a timestamp", input.display)))?;
    let last = series::report_left_out(
        record,
        printer,
        series::LeftOut {
            unsegmented: 0,
            without_ts,
            without_value,
        },
        latest_day,
        settings,
    );
    // Under min_group, as the local engine (`series::series_from_transactions`): groups of
    // fewer than k customers in the periods kept become one, and the customers behind each
    // group's periods and all its periods come back with the sums (period null).
    let (query, small_groups) = match settings.min_group {
        None => (
            format!(
                "{lines} SELECT grp, period, {aggregate} AS value FROM l \
                 WHERE day IS NOT NULL AND value IS NOT NULL GROUP BY grp, period"
            ),
            0,
        ),
        Some(k) => {
            let kept = format!(
                "{lines}, kept AS (SELECT grp, period, value, CAST(customer AS STRING) AS customer FROM l \
                 WHERE day IS NOT NULL AND value IS NOT NULL AND period <= {last}), \
                 sizes AS (SELECT grp, count(DISTINCT customer) AS n FROM kept GROUP BY grp)"
            );
            let (merged_group, small_groups) = match settings.grouping {
                Grouping::Whole => ("kept.grp".to_string(), 0),
                _ => {
                    let small = spark
                        .sql(&format!("{kept} SELECT count_if(n < {k}) AS small FROM sizes"))?
                        .frame;
                    (
                        format!(
                            "CASE WHEN s.n < {k} THEN {} ELSE kept.grp END",
                            quote_text(crate::io::policy::SMALL_GROUPS)
                        ),
                        read::first_integer(&small, "small")?.unwrap_or(0) as usize,
                    )
                }
            };
            let query = format!(
                "{kept}, m AS (SELECT {merged_group} AS grp, kept.period, kept.value, kept.customer \
                 FROM kept JOIN sizes s ON kept.grp <=> s.grp) \
                 SELECT grp, period, {aggregate} AS value, count(DISTINCT customer) AS customers \
                 FROM m GROUP BY GROUPING SETS ((grp, period), (grp))"
            );
            (query, small_groups)
        }
    };
    let answer = spark.sql(&query)?;
    record_answer(record, "series", &answer);
    let frame = answer.frame;
    let groups_column = frame.column("grp")?.cast(&DataType::String)?;
    let periods = frame.column("period")?.cast(&DataType::Int64)?;
    let values = frame.column("value")?.cast(&DataType::Float64)?;
    let customers = match settings.min_group {
        Some(_) => Some(frame.column("customers")?.cast(&DataType::UInt64)?),
        None => None,
    };
    let customers = customers.as_ref().map(|c| c.u64()).transpose()?;
    let mut groups = Groups::default();
    let mut sums: foldhash::HashMap<(usize, i64), f64> = foldhash::HashMap::default();
    let mut counts = series::CustomerCounts::default();
    let rows = groups_column
        .str()?
        .iter()
        .zip(periods.i64()?.iter())
        .zip(values.f64()?.iter())
        .enumerate();
    for (row, ((g, period), value)) in rows {
        let g = groups.number(g);
        let n = customers.and_then(|c| c.get(row)).unwrap_or(0);
        match (period, value) {
            // A group's total row (min_group's grouping sets).
            (None, _) => {
                counts.per_group.insert(g, n);
            }
            (Some(period), Some(value)) => {
                sums.insert((g, period), value);
                counts.per_period.insert((g, period), n);
            }
            (Some(_), None) => {}
        }
    }
    let counts = customers.map(|_| counts);
    Ok(FromTransactions {
        series: series::into_series(sums, &groups.names, Some(last), counts.as_ref()),
        lines: lines_in,
        left_out: without_ts + without_value,
        small_groups,
    })
}

/// The lines a series leaves out, as canonical columns (as the local engine's rejects), with
/// the reason ([`series::reject_reason`]).
pub fn lines_left_out_of_series(
    spark: &mut SparkSession,
    input: &SparkInput,
    measure: Measure,
) -> Result<DataFrame> {
    let missing = |canonical: &str| {
        if input.has(canonical) {
            format!("{canonical} IS NULL")
        } else {
            "true".to_string()
        }
    };
    let (value_missing, reason) = match measure {
        Measure::Revenue if input.has(schema::AMOUNT) => (missing(schema::AMOUNT), "no amount"),
        Measure::Revenue => (
            format!(
                "({} OR {})",
                missing(schema::QUANTITY),
                missing(schema::UNIT_PRICE)
            ),
            "no quantity or unit_price",
        ),
        Measure::Quantity => (missing(schema::QUANTITY), "no quantity"),
        Measure::Orders => (
            format!(
                "({} AND {})",
                missing(schema::ORDER_ID),
                missing(schema::CUSTOMER_ID)
            ),
            orders::NO_ORDER,
        ),
        Measure::Customers => (missing(schema::CUSTOMER_ID), "no customer_id"),
    };
    let reason_column = quote_identifier(crate::io::clean_rules::REASON);
    let answer = spark.sql(&format!(
        "SELECT * FROM (SELECT *, CASE WHEN ts IS NULL THEN 'no ts' WHEN {value_missing} THEN {} END \
         AS {reason_column} FROM ({})) WHERE {reason_column} IS NOT NULL",
        quote_text(reason),
        input.canonical_lines_without_flags(),
    ))?;
    Ok(answer.frame)
}

/// A line's item as text in SQL ([`ItemSource::expr`]).
fn item_sql(item: &ItemSource) -> String {
    match item {
        ItemSource::Column(name) => format!("CAST({} AS STRING)", quote_identifier(name)),
        ItemSource::IdElseName => format!("coalesce({}, {})", schema::ITEM_ID, schema::ITEM_NAME),
    }
}

/// Baskets ([`crate::prepare::baskets::baskets_from_transactions`]) computed on the cluster,
/// reduced before they come back: every item's support (the baskets it is in) is counted
/// there, each basket keeps only the items frequent at `min_count_of(baskets)`, and equal
/// reduced baskets come back once, with how many there are. What is mined from them is what
/// the whole baskets give ([`crate::mining::fpgrowth::mine`] with weights); the items are
/// numbered in name order, as the local engine numbers them.
pub fn baskets(
    spark: &mut SparkSession,
    input: &SparkInput,
    item: &ItemSource,
    min_count_of: impl Fn(u64) -> u64,
    record: &mut RunRecord,
) -> Result<Baskets> {
    let lines = format!(
        "WITH lines AS ({canonical}), \
         l AS (SELECT {key} AS basket, {item} AS item FROM lines), \
         kept AS (SELECT basket, item FROM l WHERE basket IS NOT NULL AND item IS NOT NULL AND item <> ''), \
         supports AS (SELECT item, count(DISTINCT basket) AS support FROM kept GROUP BY item), \
         codes AS (SELECT item, support, CAST(row_number() OVER (ORDER BY item) - 1 AS INT) AS code \
                   FROM supports)",
        canonical = input.canonical_lines_without_flags(),
        key = order_key_sql(input),
        item = item_sql(item),
    );
    let totals = spark
        .sql(&format!(
            "{lines} SELECT count(*) AS lines, \
             count_if(basket IS NOT NULL AND item IS NOT NULL AND item <> '') AS kept, \
             count(DISTINCT CASE WHEN item IS NOT NULL AND item <> '' THEN basket END) AS baskets FROM l"
        ))?
        .frame;
    let number = |name: &str| -> Result<u64> { Ok(read::first_integer(&totals, name)?.unwrap_or(0) as u64) };
    let (lines_in, kept, count) = (number("lines")?, number("kept")?, number("baskets")?);
    let answer = spark.sql(&format!("{lines} SELECT item, code FROM codes ORDER BY code"))?;
    record_answer(record, "item supports", &answer);
    let items = read::text_values(&answer.frame, "item")?;
    let codes = answer.frame.column("code")?.cast(&DataType::UInt32)?;
    if !codes.u32()?.into_no_null_iter().eq(0..items.len() as u32) {
        return Err(CkmError::invalid(format!(
            "{}: the cluster numbered the items with gaps; rerun, or use --engine local",
            input.display
        )));
    }
    let min_count = min_count_of(count);
    let answer = spark.sql(&format!(
        "{lines} SELECT items, count(*) AS baskets FROM ( \
           SELECT basket, array_sort(collect_set(code)) AS items FROM kept JOIN codes USING (item) \
           WHERE support >= {min_count} GROUP BY basket) \
         GROUP BY items"
    ))?;
    record_answer(record, "baskets of frequent items", &answer);
    let weights: Vec<u64> = answer
        .frame
        .column("baskets")?
        .cast(&DataType::UInt64)?
        .u64()?
        .into_no_null_iter()
        .collect();
    let lists = answer
        .frame
        .column("items")?
        .cast(&DataType::List(Box::new(DataType::UInt32)))?;
    let mut reduced = Vec::with_capacity(weights.len());
    for list in lists.list()?.amortized_iter() {
        let codes = match list {
            Some(codes) => codes.as_ref().u32()?.into_no_null_iter().collect(),
            None => Vec::new(),
        };
        reduced.push(codes);
    }
    let listed: u64 = weights.iter().sum();
    Ok(Baskets {
        items,
        baskets: reduced,
        weights,
        without_frequent_items: count.saturating_sub(listed),
        lines: lines_in,
        skipped: lines_in - kept,
        // The cluster sends the baskets reduced and grouped: their customers are not known.
        customers: Vec::new(),
    }
    .numbered_by_name())
}

/// The lines in no basket, as canonical columns, with the reason
/// ([`crate::prepare::baskets::reject_reason`]).
pub fn lines_left_out_of_baskets(
    spark: &mut SparkSession,
    input: &SparkInput,
    item: &ItemSource,
) -> Result<DataFrame> {
    let reason_column = quote_identifier(crate::io::clean_rules::REASON);
    let item_text = item_sql(item);
    let answer = spark.sql(&format!(
        "SELECT * FROM (SELECT *, CASE WHEN {item_text} IS NULL OR {item_text} = '' THEN {no_item} \
           WHEN {key} IS NULL THEN {no_basket} END AS {reason_column} FROM ({lines})) \
         WHERE {reason_column} IS NOT NULL",
        no_item = quote_text(&format!("no {item}")),
        key = order_key_sql(input),
        no_basket = quote_text(crate::prepare::baskets::NO_BASKET),
        lines = input.canonical_lines_without_flags(),
    ))?;
    Ok(answer.frame)
}

/// An amount in whole millionths, as [`money::micros`] computes it (the same IEEE steps, so
/// the same integer), or null.
fn micros_sql(amount: &str) -> String {
    format!(
        "CASE WHEN abs({amount}) < {largest:e}D THEN CAST(floor({amount} * {per:e}D + 0.5D) AS BIGINT) END",
        largest = money::LARGEST_AMOUNT,
        per = money::MICROS_PER_UNIT
    )
}

/// A total in millionths back in units, as [`money::units`].
fn units_sql(micros: &str) -> String {
    format!("CAST({micros} AS DOUBLE) / {:e}D", money::MICROS_PER_UNIT)
}

/// The warning for lines whose ts the cluster could not read as a time (none for 0).
fn warn_unparsed_ts(record: &mut RunRecord, printer: &Printer, input: &SparkInput, unparsed_ts: u64) {
    if unparsed_ts > 0 {
        record.warn(
            printer,
            format!(
                "{}: {unparsed_ts} lines have a ts that Spark could not read as a time; they count as lines without ts",
                input.display
            ),
        );
    }
}

/// Each customer's distinct items ([`crate::prepare::purchases::CustomerItems`]), grouped on
/// the cluster: a row per customer comes back, with her items, and the sample for the line
/// count is taken here as on this machine ([`purchases::in_sample`]).
pub fn customer_items(
    spark: &mut SparkSession,
    input: &SparkInput,
    item: &ItemSource,
    record: &mut RunRecord,
) -> Result<CustomerItems> {
    let lines = format!(
        "WITH lines AS ({canonical}), \
         l AS (SELECT CAST(customer_id AS STRING) AS customer, {item} AS item, ts FROM lines)",
        canonical = input.canonical_lines_without_flags(),
        item = item_sql(item),
    );
    let totals = spark
        .sql(&format!("{lines} SELECT count(*) AS lines FROM l"))?
        .frame;
    let lines_in = read::first_integer(&totals, "lines")?.unwrap_or(0) as u64;
    let answer = spark.sql(&format!(
        "{lines} SELECT customer, array_sort(collect_set(item)) AS items FROM l \
         WHERE customer IS NOT NULL AND item IS NOT NULL AND item <> '' AND ts IS NOT NULL \
         GROUP BY customer"
    ))?;
    record_answer(record, "customers' items", &answer);
    let one_in = purchases::sample_rate(lines_in);
    let lists = answer
        .frame
        .column("items")?
        .cast(&DataType::List(Box::new(DataType::String)))?;
    let mut codes = ItemCodes::default();
    let (mut customer_ids, mut baskets) = (Vec::new(), Vec::new());
    for (id, list) in read::text_values(&answer.frame, "customer")?
        .into_iter()
        .zip(lists.list()?.amortized_iter())
    {
        if !purchases::in_sample(&id, one_in) {
            continue;
        }
        let basket: Vec<u32> = match list {
            Some(items) => items
                .as_ref()
                .str()?
                .iter()
                .flatten()
                .map(|i| codes.code(i))
                .collect(),
            None => Vec::new(),
        };
        customer_ids.push(id);
        baskets.push(basket);
    }
    Ok(CustomerItems::in_name_order(
        customer_ids,
        codes.names,
        baskets,
        lines_in,
        one_in,
    ))
}

/// The summary's figure for what came back from the cluster for `what`.
fn record_answer(record: &mut RunRecord, what: &str, answer: &Answer) {
    record.figure(
        &format!("rows and bytes from Spark ({what})"),
        format!(
            "{} rows, {} bytes",
            thousands(answer.frame.height() as u64),
            thousands(answer.bytes)
        ),
    );
}

/// A path as the cluster is to read it: a relative path to a file that is here is made
/// absolute (the Connect server's working directory is not the user's), anything else is sent
/// as it is (a URL such as `s3://lake/orders/`, or a path only the cluster sees).
fn cluster_path(path: &str) -> String {
    let local = std::path::Path::new(path);
    if path.contains("://") || local.is_absolute() || !local.exists() {
        return path.to_string();
    }
    std::path::absolute(local)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_string())
}

/// The data source Spark reads a path with, by its ending: Parquet unless it says otherwise
/// (a directory of Parquet files has no ending).
fn format_of(path: &str) -> &'static str {
    let lower = path.to_ascii_lowercase();
    let lower = lower.trim_end_matches('/');
    if lower.ends_with(".csv") || lower.ends_with(".tsv") || lower.ends_with(".txt") {
        "csv"
    } else if lower.ends_with(".json") || lower.ends_with(".ndjson") || lower.ends_with(".jsonl") {
        "json"
    } else {
        "parquet"
    }
}

fn is_tsv(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".tsv")
}

/// A SQL string literal.
fn quote_text(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A column name as a SQL identifier.
pub fn quote_identifier(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A table name of one to three dot-separated parts (catalog.db.table), each quoted: a name
/// is never pasted into SQL as it came. A part in backquotes may hold dots (and doubled
/// backquotes), as in Spark SQL: ``parquet.`/lake/orders` ``.
fn quote_table(name: &str) -> Result<String> {
    let malformed = || {
        CkmError::usage(format!(
            "--table '{name}': expected TABLE, DB.TABLE or CATALOG.DB.TABLE (a part with dots in backquotes)"
        ))
    };
    let mut parts: Vec<String> = Vec::new();
    let mut rest = name.trim();
    loop {
        let (part, after) = if let Some(quoted) = rest.strip_prefix('`') {
            // Up to the first single backquote; `` is one inside.
            let mut part = String::new();
            let mut chars = quoted.char_indices().peekable();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c == '`' {
                    if chars.peek().map(|&(_, next)| next) == Some('`') {
                        part.push('`');
                        chars.next();
                    } else {
                        end = Some(i + 1);
                        break;
                    }
                } else {
                    part.push(c);
                }
            }
            let end = end.ok_or_else(malformed)?;
            (part, quoted[end..].trim_start())
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            (rest[..end].trim().to_string(), &rest[end..])
        };
        if part.is_empty() {
            return Err(malformed());
        }
        parts.push(part);
        match after.strip_prefix('.') {
            Some(next) => rest = next.trim_start(),
            None if after.is_empty() => break,
            None => return Err(malformed()),
        }
    }
    if parts.len() > 3 {
        return Err(malformed());
    }
    Ok(parts
        .iter()
        .map(|p| quote_identifier(p))
        .collect::<Vec<_>>()
        .join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_not_pasted() {
        assert_eq!(
            quote_table("main.sales.orders").unwrap(),
            "`main`.`sales`.`orders`"
        );
        assert_eq!(quote_table("orders").unwrap(), "`orders`");
        assert_eq!(quote_table("a`; DROP TABLE x").unwrap(), "`a``; DROP TABLE x`");
        assert!(quote_table("a..b").is_err());
        assert!(quote_table("a.b.c.d").is_err());
        assert_eq!(
            quote_table("parquet.`/lake/v1.2/orders`").unwrap(),
            "`parquet`.`/lake/v1.2/orders`"
        );
        assert_eq!(quote_table("`we``ird.name`").unwrap(), "`we``ird.name`");
        assert!(quote_table("`unclosed.name").is_err());
        assert!(quote_table("`a`b").is_err());
        assert!(quote_table("``").is_err());
        assert_eq!(quote_text("it's a\\path"), "'it\\'s a\\\\path'");
        assert_eq!(quote_identifier("Order Date"), "`Order Date`");
    }

    #[test]
    fn formats_by_ending() {
        assert_eq!(format_of("s3://lake/orders/"), "parquet");
        assert_eq!(format_of("/data/orders.parquet"), "parquet");
        assert_eq!(format_of("/data/Orders.CSV"), "csv");
        assert_eq!(format_of("/data/orders.tsv"), "csv");
        assert_eq!(format_of("/data/orders.ndjson"), "json");
    }
}
