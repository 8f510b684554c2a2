//! An input's lines where the chosen engine reads them, and the prepared data made from them
//! by that engine: a command asks for a definition (the per-customer summary, ...) without
//! knowing whether polars computed it here or Spark on a cluster.

use anyhow::Result;
use polars::prelude::*;

use crate::io::baskets::Baskets;
use crate::io::manifest::{InputRecord, RunRecord, SparkRecord};
use crate::io::privacy::Privacy;
use crate::io::read;
use crate::io::read::ReadSettings;
use crate::io::spark::{Remote, SparkSession};
use crate::io::write::TableFormat;
use crate::io::{self, rejects, schema, PlannedInputs};
use crate::prepare::baskets;
use crate::prepare::churn_features::{self, Activity, Customers};
use crate::prepare::order_figures::{self, LineCounts, OrderFigures};
use crate::prepare::orders::ItemSource;
use crate::prepare::purchases;
use crate::prepare::repeat_purchases::{self, Summaries, SummarySettings};
use crate::prepare::series::{self, FromTransactions, Measure, SeriesSettings};
use crate::prepare::spark::{self, SparkInput};
use crate::prepare::summary::{self, CustomerTable};
use crate::prepare::Engine;
use crate::printer::{thousands, Printer};

/// Which baskets [`Lines::baskets`] makes: the items' column (`--item-col`; else item_id,
/// else item_name), and whether each basket keeps its customer (on this machine only: under
/// a policy's min_group, to count the customers behind a rule).
pub struct BasketSettings<'a> {
    pub item_col: Option<&'a str>,
    pub with_customers: bool,
}

pub enum Lines {
    Local(PlannedInputs),
    Spark(Box<SparkLines>),
}

pub struct SparkLines {
    session: SparkSession,
    input: SparkInput,
}

impl Lines {
    /// Plans `input` on this machine, or connects to the Spark server and opens the input
    /// there (the application id and the server, without secrets, go into the record).
    pub fn open(
        engine: &Engine,
        input: &str,
        read: &ReadSettings,
        record: &mut RunRecord,
        printer: &Printer,
    ) -> Result<Lines> {
        match engine {
            Engine::Local => Ok(Lines::Local(io::plan_inputs(&[input.to_string()], read)?)),
            Engine::Spark { remote, source } => {
                let mut session = connect(remote, record, printer)?;
                let opened = SparkInput::open(&mut session, source, read);
                keep_sent(&session, record);
                Ok(Lines::Spark(Box::new(SparkLines {
                    input: opened?,
                    session,
                })))
            }
        }
    }

    /// The per-customer summary (see [`summary::customer_table`]).
    pub fn customer_table(&mut self, record: &mut RunRecord, printer: &Printer) -> Result<CustomerTable> {
        match self {
            Lines::Local(planned) => summary::customer_table(planned, None, record, printer),
            Lines::Spark(spark) => {
                let table = spark::customer_table(&mut spark.session, &spark.input, None, record, printer);
                keep_sent(&spark.session, record);
                table
            }
        }
    }

    /// The repeat-purchase summaries of the BTYD models and the calibration end day (see
    /// [`repeat_purchases::summarise_transactions`]); the inputs are recorded.
    pub fn summarise_transactions(
        &mut self,
        input: &str,
        settings: &SummarySettings,
        record: &mut RunRecord,
        printer: &Printer,
        hash: bool,
    ) -> Result<(Summaries, i64)> {
        match self {
            Lines::Local(planned) => {
                repeat_purchases::summarise_transactions(input, planned, settings, record, printer, hash)
            }
            Lines::Spark(spark) => {
                let summaries = spark::repeat_purchase_summaries(
                    &mut spark.session,
                    &spark.input,
                    settings,
                    record,
                    printer,
                );
                keep_sent(&spark.session, record);
                let summaries = summaries?;
                self.record_inputs(summaries.0.lines, record, hash)?;
                Ok(summaries)
            }
        }
    }

    /// Per-period series (see [`series::series_from_transactions`]); the inputs are recorded.
    pub fn series_from_transactions(
        &mut self,
        input: &str,
        settings: &SeriesSettings,
        record: &mut RunRecord,
        printer: &Printer,
        hash: bool,
    ) -> Result<FromTransactions> {
        match self {
            Lines::Local(planned) => {
                series::series_from_transactions(input, planned, settings, record, printer, hash)
            }
            Lines::Spark(spark) => {
                let series = spark::series(&mut spark.session, &spark.input, settings, record, printer);
                keep_sent(&spark.session, record);
                let series = series?;
                self.record_inputs(series.lines, record, hash)?;
                Ok(series)
            }
        }
    }

    /// The baskets of the lines (see [`baskets::baskets_from_transactions`]) and where their
    /// items came from; the inputs are recorded. With Spark, each basket comes back reduced to the items frequent at
    /// `min_count_of(baskets)` ([`spark::baskets`]).
    pub fn baskets(
        &mut self,
        input: &str,
        basket_settings: BasketSettings,
        min_count_of: impl Fn(u64) -> u64,
        record: &mut RunRecord,
        printer: &Printer,
        hash: bool,
    ) -> Result<(Baskets, ItemSource)> {
        let (data, item) = match self {
            Lines::Local(planned) => {
                let item = baskets::item_source(planned, basket_settings.item_col, input)?;
                record.parameter("item_col", item.to_string());
                let data = baskets::baskets_from_transactions(
                    planned,
                    &item,
                    basket_settings.with_customers,
                    record,
                    printer,
                )?;
                (data, item)
            }
            Lines::Spark(spark) => {
                let item =
                    baskets::item_source_among(&spark.input.columns(), basket_settings.item_col, input)?;
                record.parameter("item_col", item.to_string());
                let data = spark::baskets(&mut spark.session, &spark.input, &item, min_count_of, record);
                keep_sent(&spark.session, record);
                (data?, item)
            }
        };
        self.record_inputs(data.lines, record, hash)?;
        Ok((data, item))
    }

    /// Each customer's distinct items (see [`purchases::CustomerItems`]); the inputs are
    /// recorded.
    pub fn customer_items(
        &mut self,
        item: &ItemSource,
        record: &mut RunRecord,
        printer: &Printer,
        hash: bool,
    ) -> Result<purchases::CustomerItems> {
        let data = match self {
            Lines::Local(planned) => purchases::customer_items(planned, item, record, printer)?,
            Lines::Spark(spark) => {
                let data = spark::customer_items(&mut spark.session, &spark.input, item, record);
                keep_sent(&spark.session, record);
                data?
            }
        };
        self.record_inputs(data.lines_in, record, hash)?;
        Ok(data)
    }

    /// The lines a churn model learns from (see [`churn_features::Activity`]).
    pub fn churn_activity(&mut self, record: &mut RunRecord, printer: &Printer) -> Result<Activity> {
        match self {
            Lines::Local(planned) => churn_features::activity(planned, record, printer),
            Lines::Spark(spark) => {
                let activity = spark::churn_activity(&mut spark.session, &spark.input, record, printer);
                keep_sent(&spark.session, record);
                activity
            }
        }
    }

    /// The customers as of each `(end_ms, window_ms)`, with their features and, with a
    /// window, their labels (see [`churn_features::customers`]); on this machine, from one
    /// reading of the input.
    pub fn churn_customers(
        &mut self,
        activity: &Activity,
        ends: &[(i64, Option<i64>)],
        record: &mut RunRecord,
        printer: &Printer,
    ) -> Result<Vec<Customers>> {
        match self {
            Lines::Local(planned) => {
                churn_features::transaction_customers(planned, activity, ends, record, printer)
            }
            Lines::Spark(spark) => {
                let customers = ends
                    .iter()
                    .map(|&(end_ms, window_ms)| {
                        let CustomerTable {
                            customers: summary, ..
                        } = spark::customer_table(
                            &mut spark.session,
                            &spark.input,
                            Some(end_ms),
                            record,
                            printer,
                        )?;
                        let ids = read::text_values(&summary, schema::CUSTOMER_ID)?;
                        let recent = spark::recent_activity(
                            &mut spark.session,
                            &spark.input,
                            &ids,
                            end_ms,
                            window_ms,
                            record,
                        )?;
                        churn_features::customers(summary, ids, recent, end_ms)
                    })
                    .collect();
                keep_sent(&spark.session, record);
                customers
            }
        }
    }

    /// What the report counts of the lines (see [`order_figures::count_lines`]).
    pub fn report_line_counts(&mut self, record: &mut RunRecord, printer: &Printer) -> Result<LineCounts> {
        match self {
            Lines::Local(planned) => order_figures::count_lines(planned, record, printer),
            Lines::Spark(spark) => {
                let counts = spark::report_line_counts(&mut spark.session, &spark.input);
                keep_sent(&spark.session, record);
                counts
            }
        }
    }

    /// The report's figures of the orders as of `as_of`, by default the last order's day (see
    /// [`order_figures::order_figures`]).
    pub fn order_figures(
        &mut self,
        as_of: Option<i64>,
        record: &mut RunRecord,
        printer: &Printer,
    ) -> Result<OrderFigures> {
        match self {
            Lines::Local(planned) => {
                let orders = order_figures::group_orders(planned, None, record, printer)?;
                let as_of = as_of.unwrap_or_else(|| orders.last_day());
                Ok(order_figures::order_figures(&orders, as_of))
            }
            Lines::Spark(spark) => {
                let figures = spark::order_figures(&mut spark.session, &spark.input, as_of);
                keep_sent(&spark.session, record);
                figures
            }
        }
    }

    /// The SQL sent to the cluster so far, and the rows and bytes that came back, into
    /// `record` (its summary and manifest): for a command whose definitions recorded into
    /// records of their own.
    pub fn record_session(&self, record: &mut RunRecord) {
        if let Lines::Spark(spark) = self {
            keep_sent(&spark.session, record);
            record.figure(
                "rows and bytes from Spark",
                format!(
                    "{} rows, {} bytes",
                    thousands(spark.session.rows_received),
                    thousands(spark.session.bytes_received)
                ),
            );
        }
    }

    /// Records the inputs with the lines read from each (a Spark input: the lines the cluster
    /// read, no size or hash, which only the cluster could compute).
    pub fn record_inputs(&self, lines_in: u64, record: &mut RunRecord, hash: bool) -> Result<()> {
        match self {
            Lines::Local(planned) => io::record_inputs(&planned.sources, &[lines_in], record, hash),
            Lines::Spark(spark) => {
                record.inputs.push(InputRecord {
                    path: spark.input.display.clone(),
                    bytes: None,
                    sha256: None,
                    rows: lines_in,
                });
                Ok(())
            }
        }
    }

    /// Writes the lines a command leaves out to `destination`, with the reason (fetched from
    /// the cluster, with --engine spark).
    pub fn write_left_out(
        &mut self,
        destination: Option<(std::path::PathBuf, TableFormat)>,
        left_out: LeftOut,
        privacy: Option<&Privacy>,
        record: &mut RunRecord,
        printer: &Printer,
        hash: bool,
    ) -> Result<Option<String>> {
        match self {
            Lines::Local(planned) => rejects::write_rejected_lines(
                destination,
                planned,
                |columns| match &left_out {
                    LeftOut::WithoutCustomer => {
                        rejects::first_reason([(col(schema::CUSTOMER_ID).is_null(), "no customer_id")])
                    }
                    LeftOut::OutOfSeries(measure) => series::reject_reason(columns, *measure),
                    LeftOut::OutOfBaskets(item) => baskets::reject_reason(columns, item),
                    LeftOut::WithoutCustomerOrTs => rejects::first_reason([
                        (col(schema::CUSTOMER_ID).is_null(), "no customer_id"),
                        (col(schema::TS).is_null(), "no ts"),
                    ]),
                },
                privacy,
                record,
                printer,
                hash,
            ),
            Lines::Spark(spark) => {
                if destination.is_none() {
                    return Ok(None);
                }
                let rejected = match left_out {
                    LeftOut::WithoutCustomer => spark.input.lines_without_customer(&mut spark.session),
                    LeftOut::OutOfSeries(measure) => {
                        spark::lines_left_out_of_series(&mut spark.session, &spark.input, measure)
                    }
                    LeftOut::OutOfBaskets(item) => {
                        spark::lines_left_out_of_baskets(&mut spark.session, &spark.input, &item)
                    }
                    LeftOut::WithoutCustomerOrTs => {
                        spark::lines_without_customer_or_ts(&mut spark.session, &spark.input)
                    }
                };
                keep_sent(&spark.session, record);
                rejects::write_rejected_frame(destination, rejected?, privacy, record, printer, hash)
            }
        }
    }
}

/// Which lines a command leaves out.
#[derive(Debug, Clone)]
pub enum LeftOut {
    /// Lines without a customer_id (the per-customer commands).
    WithoutCustomer,
    /// Lines a series of this measure does not count.
    OutOfSeries(Measure),
    /// Lines in no basket: without an item (from this source) or an order.
    OutOfBaskets(ItemSource),
    /// Lines without a customer_id or a ts (the churn features).
    WithoutCustomerOrTs,
}

fn connect(remote: &Remote, record: &mut RunRecord, printer: &Printer) -> Result<SparkSession> {
    record.spark = Some(SparkRecord {
        remote: remote.to_string(),
        ..SparkRecord::default()
    });
    let mut session = SparkSession::connect(remote)?;
    // Every definition counts days in UTC, as the local engine does.
    session.sql("SET spark.sql.session.timeZone=UTC")?;
    let application = session.application_id()?;
    printer.info(&format!("Spark application {application} at {remote}"));
    if let Some(spark) = record.spark.as_mut() {
        spark.application_id = Some(application);
    }
    Ok(session)
}

/// The SQL sent so far, into the record.
fn keep_sent(session: &SparkSession, record: &mut RunRecord) {
    if let Some(spark) = record.spark.as_mut() {
        spark.sql = session.sent.clone();
    }
}
