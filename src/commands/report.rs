//! `ckm report`: reads the input once, runs the analyses on it in-process (or takes their
//! results from files given in their place), adds the report's own figures, and renders one
//! document as HTML, Markdown or a terminal summary. What it shows is built in `crate::report`.

use anyhow::Result;

use crate::cli::{ReportArgs, ReportFormat};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::{day_text, parse_ymd};
use crate::io::{self, schema, write};
use crate::prepare::lines::Lines;
use crate::prepare::order_figures::{self, LineCounts, OrderFigures};
use crate::prepare::orders::ItemSource;
use crate::prepare::Engine;
use crate::printer::{thousands, Printer};
use crate::report::analyses::{self, Wanted};
use crate::report::{self, figures, given, sections, Block, Document, Section, Table};

pub fn run(args: ReportArgs, record: &mut RunRecord) -> Result<()> {
    let printer = Printer::new(args.quiet);
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, None) => ReportFormat::Terminal,
        // report.html.age is an encrypted HTML report.
        (None, Some(path)) => match crate::io::encryption::inner_path(path)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("html" | "htm") => ReportFormat::Html,
            Some("md" | "markdown") => ReportFormat::Md,
            _ => {
                return Err(CkmError::usage(format!(
                    "{}: the report is .html or .md (or give --format html|md)",
                    path.display()
                )))
            }
        },
    };
    if format != ReportFormat::Terminal && args.output.is_none() {
        return Err(CkmError::usage("--format html|md needs -o PATH"));
    }
    let engine = args.engine.settings(args.input.as_deref())?;
    let input = match &engine {
        Engine::Local => args.input.clone().expect("clap asks for INPUT without --table"),
        Engine::Spark { source, .. } => source.to_string(),
    };
    record.parameter("input", &input);
    record.parameter("title", &args.title);
    let as_of_given = match &args.as_of {
        Some(text) => Some(
            parse_ymd(text.trim())
                .ok_or_else(|| CkmError::usage(format!("--as-of '{text}': expected YYYY-MM-DD")))?,
        ),
        None => None,
    };
    let (found, order_figures, counts) = match engine {
        Engine::Local => analyse_here(&args, &input, as_of_given, record, &printer)?,
        Engine::Spark { .. } => {
            let mut lines = Lines::open(&engine, &input, &args.read.settings(), record, &printer)?;
            let counts = lines.report_line_counts(record, &printer)?;
            if counts.lines_in == counts.unusable {
                return Err(CkmError::invalid(order_figures::NO_USABLE_LINE));
            }
            lines.record_inputs(counts.lines_in, record, false)?;
            record.mark("read");
            let (found, figures) = {
                let wanted = wanted(&args, &counts);
                let progress = printer.progress(wanted.steps(), "report");
                let found =
                    analyses::run_in_turn(&mut lines, &input, &wanted, as_of_given, &progress, record)?;
                progress.finish();
                found
            };
            lines.record_session(record);
            (found, figures, counts)
        }
    };
    let as_of = order_figures.as_of;
    for (command, seconds) in &found.seconds {
        record.timing(format!("analysis {command}"), *seconds);
    }
    record.warnings.extend(found.warnings);
    let mut missing: Vec<String> = Vec::new();
    if args.rules.is_none() && counts.item_column.is_none() {
        missing.push(format!(
            "ckm rules: no line has an {}, {} or {} to find rules among",
            schema::ITEM_NAME,
            schema::ITEM_ID,
            schema::CATEGORY
        ));
    }
    missing.extend(found.failed);
    record.mark("analyses");
    for m in &missing {
        record.warn(&printer, format!("left out of the report: {m}"));
    }
    let currency = args.currency.trim();

    let segments = match &args.segments {
        Some(path) => Some(given::segments(path)?),
        None => found.segments,
    };
    let clv = match &args.clv {
        Some(path) => Some(given::customer_values(path)?),
        None => found.customer_values,
    };
    let forecast = match &args.forecast {
        Some(path) => Some(given::revenue(path)?),
        None => found.revenue,
    };
    let rules = match &args.rules {
        Some(path) => Some(given::rules(path)?),
        None => found.rules,
    };
    let churn = match &args.churn {
        Some(path) => Some(given::churn_scores(path)?),
        None => found.churn,
    };
    // Customer ids leave as the role policy says (pseudonyms), in every table that shows them.
    let (mut segments, mut clv, mut churn) = (segments, clv, churn);
    if let Some(policy) = crate::io::policy::active() {
        let ids = segments
            .iter_mut()
            .flat_map(|t| t.ids.iter_mut())
            .chain(clv.iter_mut().flat_map(|t| t.ids.iter_mut()))
            .chain(churn.iter_mut().flat_map(|t| t.ids.iter_mut()));
        for id in ids {
            *id = policy.customer_id(id);
        }
    }
    if let (Some(k), Some(t)) = (crate::io::policy::min_group(), segments.as_mut()) {
        sections::merge_small_segments(t, k);
    }
    let (key, terminal_figures) = figures::key_figures(&order_figures, currency);
    let mut sections = vec![key];
    if let Some(forecast) = &forecast {
        sections.push(sections::revenue(forecast, currency));
        record.mark("section_revenue");
    }
    if let Some(table) = &segments {
        sections.extend(sections::segments(table, found.profiles.as_ref(), currency));
        record.mark("section_segments");
    }
    sections.extend(figures::cohorts(&order_figures));
    sections.extend(figures::channels(&order_figures, currency));
    record.mark("section_cohorts_channels");
    if let (Some(customers), Some(table)) = (&args.customers, &segments) {
        sections.extend(sections::attributes(customers, table, currency)?);
    }
    let recommended = found.recommendations.as_ref().zip(segments.as_ref());
    if rules.is_some() || recommended.is_some() {
        sections.push(sections::rules(rules.as_deref(), recommended));
    }
    if let Some(table) = &clv {
        sections.push(sections::clv(table, currency));
        record.mark("section_clv");
    }
    if let Some(churn) = &churn {
        sections.push(sections::churn(churn, clv.as_ref(), segments.as_ref(), currency));
    }
    record.mark("section_churn");
    sections.push(sections::data_quality(
        counts.lines_in,
        counts.unusable,
        args.clean_manifest.as_deref(),
        &missing,
    )?);
    let mut run_rows = vec![
        vec!["as of".to_string(), day_text(as_of)],
        vec!["ckm version".into(), env!("CARGO_PKG_VERSION").into()],
        vec![
            "generated".into(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        ],
    ];
    for i in &record.inputs {
        run_rows.push(vec![
            format!("input {}", i.path),
            match &i.sha256 {
                Some(sha) => format!("{} rows, sha256 {sha}", thousands(i.rows)),
                None => format!("{} rows", thousands(i.rows)),
            },
        ]);
    }
    if let Some(spark) = &record.spark {
        run_rows.push(vec![
            "engine".into(),
            format!(
                "Spark at {}, application {}",
                spark.remote,
                spark.application_id.as_deref().unwrap_or("unknown")
            ),
        ]);
    }
    for (flag, given) in [
        ("--segments", &args.segments),
        ("--rules", &args.rules),
        ("--forecast", &args.forecast),
        ("--clv", &args.clv),
        ("--churn", &args.churn),
        ("--customers", &args.customers),
        ("--clean-manifest", &args.clean_manifest),
    ] {
        if let Some(path) = given {
            let (_, sha) = write::hash_file(path)?;
            run_rows.push(vec![
                flag.to_string(),
                format!("{} (sha256 {sha})", path.display()),
            ]);
        }
    }
    run_rows.push(vec!["analyses".into(), analyses::SETTINGS.into()]);
    sections.push(Section {
        id: "run",
        title: "Run details".into(),
        blocks: vec![Block::Table(Table {
            caption: String::new(),
            header: vec!["".into(), "".into()],
            rows: run_rows,
        })],
    });
    let mut doc = Document {
        title: args.title.clone(),
        subtitle: format!(
            "As of {}{}",
            day_text(as_of),
            if currency.is_empty() {
                String::new()
            } else {
                format!(" · amounts in {currency}")
            }
        ),
        sections,
    };
    if let Some(k) = crate::io::policy::min_group() {
        let suppressed = crate::io::policy::suppressed_text();
        let text = if suppressed.is_empty() {
            format!("Every group shown has at least {k} customers (the policy's min_group); none had to be merged or left out.")
        } else {
            format!(
                "Groups of fewer than {k} customers (the policy's min_group) were merged into \"{}\" or left out: {}.",
                crate::io::policy::SMALL_GROUPS,
                suppressed
            )
        };
        record.figure("small groups suppressed", suppressed);
        if let Some(quality) = doc.sections.iter_mut().find(|s| s.id == "data-quality") {
            quality.blocks.push(Block::Text(text));
        }
    }
    record.mark("run_details");
    let hidden = doc.hidden_sections();
    if !hidden.is_empty() {
        let listed: Vec<String> = hidden.iter().map(|(id, why)| format!("{id} ({why})")).collect();
        record.figure("sections removed by policy", listed.join(", "));
    }
    match (format, &args.output) {
        (ReportFormat::Terminal, _) => {
            printer.summary(&args.title, &terminal_figures);
            for s in doc.visible_sections().filter(|s| s.id == "segments") {
                if let Some(Block::Chart(chart)) = s.blocks.first() {
                    printer.table(&chart.data.header, &chart.data.rows);
                }
            }
        }
        (format, Some(path)) => {
            let text = if format == ReportFormat::Html {
                report::html(&doc)
            } else {
                report::markdown(&doc)
            };
            let (bytes, sha) = write::write_atomically(path, true, |w| Ok(w.write_all(text.as_bytes())?))?;
            record.outputs.push(write::WrittenFile {
                path: path.display().to_string(),
                format: if format == ReportFormat::Html {
                    "html".into()
                } else {
                    "markdown".into()
                },
                rows: doc.visible_sections().count(),
                bytes,
                sha256: sha,
                removed_by_policy: Vec::new(),
            });
            record.mark("write");
            record.figure("sections", doc.visible_sections().count());
            record.figure("report", path.display().to_string());
            printer.summary("ckm report", &record.summary_rows());
        }
        (_, None) => unreachable!("checked above"),
    }
    if let Some(path) = &args.manifest {
        record.write(path)?;
    }
    Ok(())
}

/// Which analyses the report runs itself: those not given as files, and rules and
/// recommendations only when the lines have items.
fn wanted(args: &ReportArgs, counts: &LineCounts) -> Wanted {
    Wanted {
        segments: args.segments.is_none(),
        rules: match (&args.rules, &counts.item_column) {
            (None, Some(column)) => Some(ItemSource::Column(column.clone())),
            _ => None,
        },
        recommendations: counts.item_column.clone().map(ItemSource::Column),
        revenue: args.forecast.is_none(),
        customer_values: args.clv.is_none(),
        churn: args.churn.is_none(),
    }
}

/// The analyses and the report's own figures on this machine: the input read once into
/// memory, the analyses two at a time, the orders grouped beside them.
fn analyse_here(
    args: &ReportArgs,
    input: &str,
    as_of_given: Option<i64>,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<(analyses::Results, OrderFigures, LineCounts)> {
    crate::return_memory_in_background();
    // Read once: every analysis and figure below reads this table, not the input again.
    let planned = io::plan_inputs(&[input.to_string()], &args.read.settings())?.read_into_memory(
        analyses::analysed_columns,
        record,
        printer,
    )?;
    record.mark("read_into_memory");
    let counts = order_figures::count_lines(&planned, record, printer)?;
    if counts.lines_in == counts.unusable {
        return Err(CkmError::invalid(order_figures::NO_USABLE_LINE));
    }
    // The category is an item only when the report mines rules on it.
    let planned = if counts.item_column.as_deref() == Some(schema::CATEGORY) {
        planned
    } else {
        planned.without_columns(&[schema::CATEGORY])?
    };
    record.mark("read");
    let wanted = wanted(args, &counts);
    // The report's own orders are grouped beside the analyses, on the side that finishes
    // first; the input's sha256 (for the run details) is computed beside them.
    let (found, (tx, orders_seconds), inputs) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| {
            let mut inputs = RunRecord::new("report");
            io::record_inputs(&planned.sources, &[counts.lines_in], &mut inputs, true).map(|_| inputs.inputs)
        });
        let progress = printer.progress(wanted.steps(), "report");
        let (found, orders) = analyses::run(&planned, input, &wanted, &progress, |line_customers| {
            let started = std::time::Instant::now();
            let tx = order_figures::group_orders(
                &planned,
                line_customers,
                &mut RunRecord::new("report"),
                &Printer::new(true),
            );
            (tx, started.elapsed().as_secs_f64())
        });
        progress.finish();
        (
            found,
            orders,
            hashing.join().expect("the hashing thread panicked"),
        )
    });
    record.inputs.extend(inputs?);
    drop(planned);
    record.timing("orders", orders_seconds);
    let tx = tx?;
    let figures = order_figures::order_figures(&tx, as_of_given.unwrap_or_else(|| tx.last_day()));
    Ok((found, figures, counts))
}
