//! Everything that touches files: the canonical schema and header mapping, format sniffing,
//! readers, the writer and the run manifest. Commands call [`load_transactions`] to get the
//! canonical table and [`write::write_table`] to put results anywhere.

pub mod arrow;
pub mod audit;
pub mod baskets;
pub mod canonical;
pub mod churn_model;
pub mod compression;
pub mod customers;
pub mod dates;
pub mod delimited;
pub mod encryption;
pub mod local_time;
pub mod manifest;
pub mod mapped;
pub mod memory;
pub mod periods;
pub mod policy;
pub mod presets;
pub mod privacy;
pub mod read;
pub mod rejects;
pub mod rules_table;
pub mod sample_data;
pub mod saved_model;
pub mod schema;
pub mod segment_map;
pub mod sniff;
pub mod spark;
pub mod spill;
pub mod spreadsheet;
pub mod write;

use anyhow::Result;
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::canonical::{CanonicalOptions, SourcePlan};
use crate::io::manifest::{InputRecord, RunRecord};
use crate::io::read::ReadSettings;
use crate::io::read::Source;
use crate::io::sniff::FileFormat;
use crate::printer::Printer;

const INPUT_INDEX: &str = "__ckm_input";

/// Every input opened and planned, not yet read.
pub struct PlannedInputs {
    pub sources: Vec<Source>,
    pub plans: Vec<SourcePlan>,
    /// For inputs planned on the fast path (numbers parsed by the CSV reader), the plan that
    /// reads every value as text, used when the fast one meets a value it cannot parse.
    pub text_plans: Vec<Option<SourcePlan>>,
    /// Whether the inputs' notes and warnings have been shown (a second read of the same
    /// inputs stays quiet).
    announced: std::sync::atomic::AtomicBool,
    /// Inputs already in memory ([`PlannedInputs::read_into_memory`]) are queried with the
    /// in-memory engine: no streaming from a source that is not streamed.
    in_memory: bool,
}

impl PlannedInputs {
    /// Parses the inputs once, keeping the columns `keep` selects, and plans on that table in
    /// memory: whatever is read from the result afterwards (a group-by, a projection) reads
    /// the table, not the files again. For a command that computes several things from one
    /// input, as the report does.
    pub fn read_into_memory(
        self,
        keep: impl Fn(&Schema) -> Vec<Expr>,
        record: &mut RunRecord,
        printer: &Printer,
    ) -> Result<PlannedInputs> {
        // Batch by batch, appended as chunks: collected in one piece, the table was copied
        // into one buffer per column at the end, holding it twice at the peak.
        let table = read_planned_batches(
            &self,
            |frame, columns| frame.select(keep(columns)),
            DataFrame::empty_with_schema,
            |table, batch| table.vstack_mut_owned(batch).map(|_| ()),
            record,
            printer,
        )?;
        let mapping = self.plans.first().map(|p| p.mapping.clone()).unwrap_or_default();
        Ok(PlannedInputs {
            sources: self.sources,
            plans: vec![SourcePlan {
                mapping,
                date_format: None,
                warnings: Vec::new(),
                frame: table.lazy(),
            }],
            text_plans: vec![None],
            announced: std::sync::atomic::AtomicBool::new(true),
            in_memory: true,
        })
    }

    /// Inputs read into memory without the columns `names`, whose memory is given back.
    pub fn without_columns(mut self, names: &[&str]) -> Result<PlannedInputs> {
        for plan in &mut self.plans {
            let present = plan.frame.collect_schema()?;
            let dropped: Vec<&str> = names.iter().copied().filter(|n| present.contains(n)).collect();
            if !dropped.is_empty() {
                let kept = plan
                    .frame
                    .clone()
                    .select([all().exclude_cols(dropped).as_expr()])
                    .collect()?;
                plan.frame = kept.lazy();
            }
        }
        Ok(self)
    }
}

/// Resolves, opens and plans the inputs: all header and format problems surface here,
/// before any data is read.
pub fn plan_inputs(inputs: &[String], read: &ReadSettings) -> Result<PlannedInputs> {
    let mut sources = Vec::new();
    let mut plans = Vec::new();
    let mut text_plans = Vec::new();
    for explained in explain_inputs(inputs, read)? {
        let text_plan = explained.plan?;
        let numbers: Vec<String> = explained
            .mapping
            .mapped
            .iter()
            .filter(|m| {
                schema::canonical_column(m.canonical).is_some_and(|c| c.kind == schema::ColumnKind::Number)
            })
            .map(|m| m.source.clone())
            .collect();
        let typed = if numbers.is_empty()
            || !matches!(explained.source.format, FileFormat::Delimited | FileFormat::Tsv)
        {
            None
        } else {
            let raw = read::scan_raw_with_numbers(&explained.source, &numbers)?;
            canonical::plan_source(
                &explained.source,
                raw,
                explained.mapping.clone(),
                &explained.options,
                Some(&text_plan),
            )
            .ok()
        };
        match typed {
            Some(plan) => {
                plans.push(plan);
                text_plans.push(Some(text_plan));
            }
            None => {
                plans.push(text_plan);
                text_plans.push(None);
            }
        }
        sources.push(explained.source);
    }
    Ok(PlannedInputs {
        sources,
        plans,
        text_plans,
        announced: std::sync::atomic::AtomicBool::new(false),
        in_memory: false,
    })
}

/// One input's mapping, and its plan or the reason there is none.
pub struct ExplainedInput {
    pub source: Source,
    pub options: std::rc::Rc<CanonicalOptions>,
    pub mapping: schema::ColumnMapping,
    pub plan: Result<SourcePlan>,
}

/// Opens every input and maps its headers; planning errors (a missing required column, no
/// date format) are kept per input, so `--explain` can show the mapping that fell short.
pub fn explain_inputs(inputs: &[String], read: &ReadSettings) -> Result<Vec<ExplainedInput>> {
    let specs = read::resolve_inputs(inputs)?;
    let options = std::rc::Rc::new(CanonicalOptions {
        overrides: schema::parse_overrides(&read.map)?,
        preset: read.preset,
        email_ids_allowed: read.email_ids_allowed,
        dayfirst: read.dayfirst,
        date_format: read.date_format.clone(),
        tag_source_file: specs.len() > 1,
    });
    let mut explained = Vec::new();
    for spec in specs {
        let source = read::open_source(spec, read)?;
        let mut raw = read::scan_raw(&source)?;
        let mapping = canonical::mapping_for(&source, &mut raw, &options)?;
        let plan = canonical::plan_source(&source, raw, mapping.clone(), &options, None);
        explained.push(ExplainedInput {
            source,
            options: options.clone(),
            mapping,
            plan,
        });
    }
    Ok(explained)
}

/// Runs `query` over the planned inputs with the streaming engine: the parsing and whatever
/// the caller puts on top (a group-by, say) in one pass. When the fast plan meets a value it
/// cannot read as a number, the inputs are read again with every value as text, so it is kept
/// and flagged instead. Errors name the input and, where it can be found, the bad row.
pub fn read_planned(
    planned: &PlannedInputs,
    query: impl Fn(LazyFrame, &Schema) -> LazyFrame,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<DataFrame> {
    let engine = if planned.in_memory {
        Engine::InMemory
    } else {
        Engine::Streaming
    };
    run_planned(planned, record, printer, |mut frame, _| {
        let schema = frame.collect_schema()?;
        Ok(query(frame, &schema).collect_with_engine(engine)?.unwrap_single())
    })
}

/// Rows per batch handed to [`read_planned_batches`]' consumer.
const BATCH_ROWS: usize = 1 << 17;

/// Like [`read_planned`], but the query's result is handed over batch by batch, as the
/// streaming engine produces it, to `consume`, which folds it into a state made by `init`
/// (made afresh if the inputs have to be read again as text). Reading goes on in the
/// background while a batch is consumed; at most two batches wait in between.
pub fn read_planned_batches<S>(
    planned: &PlannedInputs,
    query: impl Fn(LazyFrame, &Schema) -> LazyFrame,
    init: impl Fn(&Schema) -> S,
    consume: impl Fn(&mut S, DataFrame) -> PolarsResult<()>,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<S> {
    enum Message {
        Batch(DataFrame),
        Done(PolarsResult<()>),
    }
    let mapped_inputs =
        mapped::MappedInputs::new(planned.sources.iter().map(|source| source.read_path.as_path()));
    run_planned(planned, record, printer, |mut frame, spinner| {
        let schema = frame.collect_schema()?;
        let query = query(frame, &schema);
        // The lines come in batches here: the spinner counts them, with the rate.
        spinner.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}: {human_pos} lines ({rate}) {elapsed}")
                .expect("the template is valid")
                .with_key(
                    "rate",
                    |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                        let _ = write!(out, "{}/s", crate::printer::thousands(state.per_sec() as u64));
                    },
                ),
        );
        let mut state = init(&*query.clone().collect_schema()?);
        let (send, receive) = std::sync::mpsc::sync_channel::<Message>(2);
        let batch_send = send.clone();
        let sink = query.sink_batches(
            PlanCallback::new(move |df| {
                // `true` stops the query: the consumer has gone.
                Ok(batch_send.send(Message::Batch(df)).is_err())
            }),
            // In input order: floating-point totals then come out the same, bit for bit, in
            // every run (unordered batches changed monetary sums in the last bits, so the
            // output differed between runs; keeping the order costs 0.1-0.5 s on 10M lines).
            true,
            std::num::NonZeroUsize::new(BATCH_ROWS),
        )?;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let result = sink.collect_with_engine(Engine::Streaming).map(|_| ());
                send.send(Message::Done(result)).ok();
            });
            let mut failed = None;
            for message in receive.iter() {
                match message {
                    Message::Batch(batch) => {
                        spinner.inc(batch.height() as u64);
                        // After a failure the rest is drained so the reader can finish.
                        if failed.is_none() {
                            failed = consume(&mut state, batch).err();
                        }
                        mapped_inputs.release();
                    }
                    Message::Done(result) => {
                        result?;
                        break;
                    }
                }
            }
            match failed {
                Some(e) => Err(e),
                None => Ok(state),
            }
        })
    })
}

/// Runs `collect` on the combined inputs, again on the text plans if the fast plans fail, and
/// turns polars errors into messages that name the input (and the row, where it is found).
fn run_planned<T>(
    planned: &PlannedInputs,
    record: &mut RunRecord,
    printer: &Printer,
    collect: impl Fn(LazyFrame, &indicatif::ProgressBar) -> PolarsResult<T>,
) -> Result<T> {
    if !planned.announced.swap(true, std::sync::atomic::Ordering::Relaxed) {
        for (source, plan) in planned.sources.iter().zip(&planned.plans) {
            for note in &source.notes {
                printer.info(note);
            }
            for warning in &plan.warnings {
                record.warn(printer, warning.clone());
            }
        }
    }
    let combine = |plans: Vec<&SourcePlan>| -> PolarsResult<LazyFrame> {
        if let [only] = plans.as_slice() {
            // One input: its row count is the table's height, no index column needed.
            return Ok(only.frame.clone());
        }
        let frames: Vec<LazyFrame> = plans
            .iter()
            .enumerate()
            .map(|(i, plan)| {
                plan.frame
                    .clone()
                    .with_column(lit(i as u32).cast(DataType::UInt32).alias(INPUT_INDEX))
            })
            .collect();
        concat_lf_diagonal(
            frames,
            UnionArgs {
                to_supertypes: true,
                ..Default::default()
            },
        )
    };
    let spinner = printer.spinner("reading and parsing");
    let run = |plans: Vec<&SourcePlan>| -> PolarsResult<T> {
        spinner.set_position(0);
        collect(combine(plans)?, &spinner)
    };
    let mut collected = run(planned.plans.iter().collect());
    if collected.is_err() && planned.text_plans.iter().any(Option::is_some) {
        let text_plans: Vec<&SourcePlan> = planned
            .plans
            .iter()
            .zip(&planned.text_plans)
            .map(|(fast, text)| text.as_ref().unwrap_or(fast))
            .collect();
        collected = run(text_plans);
    }
    spinner.finish_and_clear();
    match collected {
        Ok(df) => Ok(df),
        Err(PolarsError::IO { error, msg }) => {
            anyhow::bail!(
                "reading {}: {error}{}",
                describe_inputs(&planned.sources),
                msg.map(|m| format!(" ({m})")).unwrap_or_default()
            )
        }
        Err(e) => {
            let located = planned.sources.iter().find_map(read::diagnose);
            Err(CkmError::invalid(located.unwrap_or_else(|| {
                format!("reading {}: {e}", describe_inputs(&planned.sources))
            })))
        }
    }
}

/// A line's amount as f64: the amount column, or quantity × unit price when the input has
/// no amount.
pub fn line_amount(columns: &Schema) -> Expr {
    if columns.contains(schema::AMOUNT) {
        col(schema::AMOUNT)
    } else {
        col(schema::QUANTITY) * col(schema::UNIT_PRICE)
    }
    .cast(DataType::Float64)
}

/// The lines as (customer_id text, ts in ms, amount): what the per-customer models read.
pub fn customer_ts_amount(frame: LazyFrame, columns: &Schema) -> LazyFrame {
    frame.select([
        col(schema::CUSTOMER_ID).cast(DataType::String),
        col(schema::TS).cast(DataType::Int64),
        line_amount(columns).alias(schema::AMOUNT),
    ])
}

/// Reads the planned inputs into one canonical table and records each input's rows, size
/// and, for a manifest, sha256.
pub fn collect_transactions(
    planned: PlannedInputs,
    record: &mut RunRecord,
    printer: &Printer,
    hash_inputs: bool,
) -> Result<DataFrame> {
    let df = read_planned(&planned, |frame, _| frame, record, printer)?;
    let mut counts = vec![0u64; planned.sources.len()];
    let df = canonical_lines(df, &mut counts)?;
    record.mark("read_and_parse");
    record_inputs(&planned.sources, &counts, record, hash_inputs)?;
    if hash_inputs {
        record.mark("hash_inputs");
    }
    Ok(df)
}

/// The canonical table batch by batch, in input order, each batch as [`collect_transactions`]
/// gives the whole table, folded by `consume` into the state `init` makes (made afresh if the
/// inputs are read again as text); each input's rows, size and, for a manifest, sha256 are
/// recorded. For a command that need not hold every line at once.
pub fn transactions_in_batches<S>(
    planned: &PlannedInputs,
    init: impl Fn() -> S,
    consume: impl Fn(&mut S, DataFrame) -> Result<()>,
    record: &mut RunRecord,
    printer: &Printer,
    hash_inputs: bool,
) -> Result<S> {
    let inputs = planned.sources.len();
    // An error of the consumer's own (a full disk) is kept whole here, not as a polars error.
    let failure: std::sync::Mutex<Option<anyhow::Error>> = std::sync::Mutex::new(None);
    let read = read_planned_batches(
        planned,
        |frame, _| frame,
        |_| (init(), vec![0u64; inputs]),
        |(state, counts), batch| {
            if failure.lock().expect("the failure's lock").is_some() {
                // The consumer failed on the first reading: no second reading as text.
                return Err(PolarsError::ComputeError("stopped".into()));
            }
            let batch = canonical_lines(batch, counts)?;
            consume(state, batch).map_err(|e| {
                let message = format!("{e:#}");
                *failure.lock().expect("the failure's lock") = Some(e);
                PolarsError::ComputeError(message.into())
            })
        },
        record,
        printer,
    );
    if let Some(e) = failure.lock().expect("the failure's lock").take() {
        return Err(e);
    }
    let (state, counts) = read?;
    record.mark("read_and_parse");
    record_inputs(&planned.sources, &counts, record, hash_inputs)?;
    if hash_inputs {
        record.mark("hash_inputs");
    }
    Ok(state)
}

/// Lines as read (the whole table or a batch) made canonical: absent columns added, columns
/// in canonical order, and each input's lines added to `counts` (the input index, when
/// several inputs were read, dropped).
fn canonical_lines(mut lines: DataFrame, counts: &mut [u64]) -> PolarsResult<DataFrame> {
    add_absent_columns(&mut lines)?;
    let mut lines = in_canonical_order(lines)?;
    if let [only] = counts {
        *only += lines.height() as u64;
    } else {
        for index in lines.column(INPUT_INDEX)?.u32()?.iter().flatten() {
            counts[index as usize] += 1;
        }
        lines = lines.drop(INPUT_INDEX)?;
    }
    Ok(lines)
}

/// Records each input with its row count, size and, when asked, sha256.
pub fn record_inputs(
    sources: &[Source],
    counts: &[u64],
    record: &mut RunRecord,
    hash_inputs: bool,
) -> Result<()> {
    for (source, &rows) in sources.iter().zip(counts) {
        let (bytes, sha256) = match (&source.original_path, hash_inputs) {
            (Some(path), true) => {
                let (bytes, sha) = write::hash_file(path)?;
                (Some(bytes), Some(sha))
            }
            (Some(path), false) => (std::fs::metadata(path).ok().map(|m| m.len()), None),
            (None, _) => match &source.received {
                Some((bytes, sha)) => (Some(*bytes), hash_inputs.then(|| sha.clone())),
                None => (None, None),
            },
        };
        record.inputs.push(InputRecord {
            path: source.spec.display.clone(),
            bytes,
            sha256,
            rows,
        });
    }
    Ok(())
}

/// Canonical columns no input had, and `ingest_issue` when no row has one, join the table here
/// as constant null columns: the schema stays the same for every input while the columns
/// take no memory per row. Issues read as categorical become text again.
fn add_absent_columns(df: &mut DataFrame) -> PolarsResult<()> {
    let height = df.height();
    for (position, column) in schema::CANONICAL_COLUMNS.iter().enumerate() {
        if df.column(column.name).is_err() {
            let dtype = canonical::canonical_dtype(column.kind);
            df.insert_column(position, Column::full_null(column.name.into(), height, &dtype))?;
        }
    }
    let issues = df
        .column(schema::INGEST_ISSUE)
        .ok()
        .map(|c| (c.null_count(), c.dtype().clone()));
    match issues {
        Some((nulls, DataType::String)) if nulls < height => {}
        Some((nulls, _)) if nulls < height => {
            let text = df.column(schema::INGEST_ISSUE)?.cast(&DataType::String)?;
            df.with_column(text)?;
        }
        // No issue anywhere (or no column that could have one): a constant null column.
        _ => {
            df.with_column(Column::full_null(
                schema::INGEST_ISSUE.into(),
                height,
                &DataType::String,
            ))?;
        }
    }
    Ok(())
}

/// Canonical columns first, in their order, then the sources' own columns, then ckm's
/// bookkeeping: merged inputs otherwise leave a column where the first input to have it put it.
fn in_canonical_order(df: DataFrame) -> PolarsResult<DataFrame> {
    const TRAILING: [&str; 4] = [
        INPUT_INDEX,
        schema::SOURCE_ROW,
        schema::SOURCE_FILE,
        schema::INGEST_ISSUE,
    ];
    let names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    // The channel's own id, when identities were resolved, sits beside the unified one.
    let mut order: Vec<String> = schema::CANONICAL_COLUMNS
        .iter()
        .flat_map(|c| match c.name {
            schema::CUSTOMER_ID => vec![c.name, privacy::SOURCE_CUSTOMER_ID],
            name => vec![name],
        })
        .map(str::to_string)
        .filter(|n| names.contains(n))
        .collect();
    order.extend(
        names
            .iter()
            .filter(|n| !order.contains(n) && !TRAILING.contains(&n.as_str()))
            .cloned()
            .collect::<Vec<_>>(),
    );
    order.extend(
        TRAILING
            .iter()
            .map(|n| n.to_string())
            .filter(|n| names.contains(n)),
    );
    if order == names {
        return Ok(df);
    }
    df.select(order)
}

fn describe_inputs(sources: &[Source]) -> String {
    sources
        .iter()
        .map(|s| s.spec.display.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
pub mod clean_rules;
