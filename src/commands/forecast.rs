//! `ckm forecast customers`: BG/NBD repeat purchases and P(alive), Gamma-Gamma spend, CLV.

use anyhow::Result;
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;

use crate::cli::{ForecastCustomersArgs, ForecastVerb};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::{self, read, schema, write};
use crate::mining::btyd::{self, Fit, Rft};
use crate::printer::Printer;

const MS_PER_DAY: i64 = 86_400_000;

pub fn run(verb: ForecastVerb, record: &mut RunRecord) -> Result<()> {
    match verb {
        ForecastVerb::Customers(args) => customers(*args, record),
    }
}

/// Per-customer summaries with ids and mean repeat spend.
struct Summaries {
    ids: Vec<String>,
    rft: Vec<Rft>,
    monetary: Vec<f64>,
    /// Whether the input has spend at all (a summary table may not).
    has_spend: bool,
    lines: u64,
}

fn parse_day(text: &str, flag: &str) -> Result<i64> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(|d| {
            d.and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
                .timestamp_millis()
                .div_euclid(MS_PER_DAY)
        })
        .map_err(|_| CkmError::usage(format!("{flag} '{text}': expected YYYY-MM-DD")))
}

/// A ready summary table (frequency, recency, T, optionally monetary_value), or `None`
/// when the input does not have those columns.
fn read_summary_table(args: &ForecastCustomersArgs) -> Result<Option<Summaries>> {
    let spec = read::resolve_inputs(std::slice::from_ref(&args.input))?
        .pop()
        .ok_or_else(|| CkmError::usage("an input is needed"))?;
    let source = read::open_source(spec, &args.read)?;
    let mut raw = read::scan_raw(&source)?;
    let columns = raw.collect_schema()?;
    // The names lifetimes uses, or the papers' (x, t_x, T, zbar).
    let find = |names: &[&'static str]| names.iter().copied().find(|c| columns.contains(c));
    let (Some(frequency_column), Some(recency_column), Some(age_column)) =
        (find(&["frequency", "x"]), find(&["recency", "t_x"]), find(&["T"]))
    else {
        return Ok(None);
    };
    let monetary_column = find(&["monetary_value", "zbar"]);
    let table = raw.collect()?;
    let number = |name: &str| read::numbers_in_text(&table, name);
    let id_column = ["customer_id", "ID", "id"]
        .into_iter()
        .find(|c| columns.contains(c));
    let ids: Vec<String> = match id_column {
        Some(c) => table
            .column(c)?
            .cast(&DataType::String)?
            .str()?
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect(),
        None => (1..=table.height()).map(|i| i.to_string()).collect(),
    };
    let (frequency, recency, age) = (
        number(frequency_column)?,
        number(recency_column)?,
        number(age_column)?,
    );
    let has_spend = monetary_column.is_some();
    let monetary = match monetary_column {
        Some(c) => number(c)?,
        None => vec![Some(0.0); table.height()],
    };
    let mut rft = Vec::with_capacity(table.height());
    for row in 0..table.height() {
        match (frequency[row], recency[row], age[row]) {
            (Some(x), Some(t_x), Some(t)) if x >= 0.0 && t_x >= 0.0 && t >= t_x => {
                rft.push(Rft { x, t_x, t })
            }
            _ => {
                return Err(CkmError::invalid(format!(
                    "{}: row {}: frequency, recency and T must be numbers with 0 <= recency <= T",
                    args.input,
                    row + 2
                )))
            }
        }
    }
    Ok(Some(Summaries {
        ids,
        rft,
        monetary: monetary.into_iter().map(|m| m.unwrap_or(0.0)).collect(),
        has_spend,
        lines: table.height() as u64,
    }))
}

/// Summaries from transactions: purchases on one calendar day are one transaction.
fn summarise_transactions(
    args: &ForecastCustomersArgs,
    record: &mut RunRecord,
    printer: &Printer,
    hash: bool,
) -> Result<(Summaries, i64)> {
    let planned = io::plan_inputs(std::slice::from_ref(&args.input), &args.read)?;
    let table = io::read_planned(
        &planned,
        |frame, columns| {
            let amount = if columns.contains(schema::AMOUNT) {
                col(schema::AMOUNT)
            } else {
                col(schema::QUANTITY) * col(schema::UNIT_PRICE)
            };
            frame.select([
                col(schema::CUSTOMER_ID).cast(DataType::String),
                col(schema::TS).cast(DataType::Int64),
                amount.cast(DataType::Float64).alias(schema::AMOUNT),
            ])
        },
        record,
        printer,
    )?;
    let lines = table.height() as u64;
    io::record_inputs(&planned.sources, &[lines], record, hash)?;
    let ids = table.column(schema::CUSTOMER_ID)?.str()?;
    let ts = table.column(schema::TS)?.i64()?;
    let amounts = table.column(schema::AMOUNT)?.f64()?;
    let latest = ts
        .max()
        .ok_or_else(|| CkmError::invalid(format!("{}: no line has a timestamp", args.input)))?;
    let end_day = match &args.calibration_end {
        Some(text) => parse_day(text, "--calibration-end")?,
        None => latest.div_euclid(MS_PER_DAY),
    };
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut days: Vec<Vec<(i64, f64)>> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let (mut unusable, mut after_end) = (0u64, 0u64);
    for ((id, t), amount) in ids.iter().zip(ts.iter()).zip(amounts.iter()) {
        let (Some(id), Some(t)) = (id, t) else {
            unusable += 1;
            continue;
        };
        let day = t.div_euclid(MS_PER_DAY);
        if day > end_day {
            after_end += 1;
            continue;
        }
        let c = *index.entry(id).or_insert_with(|| {
            names.push(id);
            days.push(Vec::new());
            names.len() - 1
        });
        days[c].push((day, amount.unwrap_or(0.0)));
    }
    if unusable > 0 {
        record.warn(
            printer,
            format!("{unusable} lines without customer_id or ts were left out; run ckm clean to keep them with reasons"),
        );
    }
    if after_end > 0 {
        record.figure("lines after the calibration end (not used)", after_end);
    }
    let unit = args.time_unit.days();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(names[b]));
    let mut summaries = Summaries {
        ids: Vec::with_capacity(order.len()),
        rft: Vec::with_capacity(order.len()),
        monetary: Vec::with_capacity(order.len()),
        has_spend: true,
        lines,
    };
    for c in order {
        let lines = &mut days[c];
        lines.sort_by_key(|l| l.0);
        let mut daily: Vec<(i64, f64)> = Vec::new();
        for &(day, amount) in lines.iter() {
            match daily.last_mut() {
                Some(last) if last.0 == day => last.1 += amount,
                _ => daily.push((day, amount)),
            }
        }
        let first = daily[0].0;
        let last = daily[daily.len() - 1].0;
        let repeats = &daily[1..];
        summaries.ids.push(names[c].to_string());
        summaries.rft.push(Rft {
            x: repeats.len() as f64,
            t_x: (last - first) as f64 / unit,
            t: (end_day - first) as f64 / unit,
        });
        summaries.monetary.push(if repeats.is_empty() {
            0.0
        } else {
            repeats.iter().map(|r| r.1).sum::<f64>() / repeats.len() as f64
        });
    }
    Ok((summaries, end_day))
}

fn report_fit(record: &mut RunRecord, printer: &Printer, model: &str, fit: &Fit) {
    for ((name, value), se) in fit.names.iter().zip(&fit.parameters).zip(&fit.standard_errors) {
        record.figure(&format!("{model} {name}"), format!("{value:.4} (se {se:.4})"));
    }
    record.figure(
        &format!("{model} log-likelihood"),
        format!("{:.2}", fit.log_likelihood),
    );
    record.figure(
        &format!("{model} fit"),
        format!(
            "{} after {} iterations",
            if fit.converged {
                "converged"
            } else {
                "NOT converged"
            },
            fit.iterations
        ),
    );
    if !fit.converged {
        record.warn(
            printer,
            format!("{model}: the fit did not converge; treat its numbers with care"),
        );
    }
    if !fit.at_boundary.is_empty() {
        record.warn(
            printer,
            format!(
                "{model}: {} ended at an extreme value: the data do not determine {}",
                fit.at_boundary.join(", "),
                if fit.at_boundary.len() == 1 { "it" } else { "them" }
            ),
        );
    }
}

fn customers(args: ForecastCustomersArgs, record: &mut RunRecord) -> Result<()> {
    let printer = Printer::new(args.output.quiet);
    let (destination, format) =
        write::resolve_destination(args.output.output.as_deref(), args.output.format)?;
    let valid = args.horizon > 0.0 && args.discount_rate >= 0.0;
    if !valid {
        return Err(CkmError::usage(
            "--horizon must be above 0 and --discount-rate at least 0",
        ));
    }
    let hash = args.output.manifest.is_some() || record.hash_files;
    record.parameter("input", &args.input);
    record.parameter("time_unit", format!("{:?}", args.time_unit).to_lowercase());
    record.parameter("horizon", args.horizon);
    record.parameter("discount_rate", args.discount_rate);
    let data = match read_summary_table(&args)? {
        Some(summaries) => {
            record.figure("input", "a summary table (frequency, recency, T)");
            if !summaries.has_spend {
                record.figure("spend model", "none: the table has no monetary_value");
            }
            summaries
        }
        None => {
            let (summaries, end_day) = summarise_transactions(&args, record, &printer, hash)?;
            let end = chrono::DateTime::from_timestamp_millis(end_day * MS_PER_DAY)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            record.parameter("calibration_end", &end);
            record.figure("calibration end", end);
            summaries
        }
    };
    record.mark("read");
    let n = data.rft.len();
    if n < 2 || data.rft.iter().all(|c| c.x == 0.0) {
        return Err(CkmError::invalid(format!(
            "{}: {n} customers, {} with a repeat purchase; fitting needs at least 2 customers and some repeat purchases",
            args.input,
            data.rft.iter().filter(|c| c.x > 0.0).count()
        )));
    }
    let bgnbd = btyd::fit_bgnbd(&data.rft);
    report_fit(record, &printer, "BG/NBD", &bgnbd);
    let spend_pairs: Vec<(f64, f64)> = data
        .rft
        .iter()
        .zip(&data.monetary)
        .map(|(c, &m)| (c.x, m))
        .collect();
    let spenders = spend_pairs.iter().filter(|(x, m)| *x > 0.0 && *m > 0.0).count();
    let gamma_gamma = if args.no_spend || !data.has_spend || spenders < 2 {
        if !args.no_spend && data.has_spend {
            record.warn(
                &printer,
                "fewer than 2 customers with repeat purchases and spend: no spend model".to_string(),
            );
        }
        None
    } else {
        let fit = btyd::fit_gamma_gamma(&spend_pairs);
        report_fit(record, &printer, "Gamma-Gamma", &fit);
        if fit.parameters[1] <= 1.0 {
            record.warn(
                &printer,
                "Gamma-Gamma: q <= 1, so expected spend is not defined; no CLV".to_string(),
            );
            None
        } else {
            Some(fit)
        }
    };
    record.mark("fit");

    let p = &bgnbd.parameters;
    let p_alive: Vec<f64> = data.rft.iter().map(|c| btyd::bgnbd_p_alive(p, c)).collect();
    let expected: Vec<f64> = data
        .rft
        .iter()
        .map(|c| btyd::bgnbd_expected(p, c, args.horizon))
        .collect();
    let mut columns = vec![
        Column::new(schema::CUSTOMER_ID.into(), data.ids.clone()),
        Column::new(
            "frequency".into(),
            data.rft.iter().map(|c| c.x).collect::<Vec<f64>>(),
        ),
        Column::new(
            "recency".into(),
            data.rft.iter().map(|c| c.t_x).collect::<Vec<f64>>(),
        ),
        Column::new("T".into(), data.rft.iter().map(|c| c.t).collect::<Vec<f64>>()),
        Column::new("monetary_value".into(), data.monetary.clone()),
        Column::new("p_alive".into(), p_alive),
        Column::new("expected_purchases".into(), expected.clone()),
    ];
    if let Some(gg) = &gamma_gamma {
        let value: Vec<f64> = data
            .rft
            .iter()
            .zip(&data.monetary)
            .map(|(c, &m)| btyd::gamma_gamma_expected(&gg.parameters, c.x, m))
            .collect();
        let clv: Vec<f64> = if args.discount_rate == 0.0 {
            expected.iter().zip(&value).map(|(e, v)| e * v).collect()
        } else {
            // Purchases expected in each time unit, discounted to today.
            let units = args.horizon.ceil() as usize;
            data.rft
                .iter()
                .zip(&value)
                .map(|(c, v)| {
                    let mut total = 0.0;
                    let mut before = 0.0;
                    for k in 1..=units {
                        let upto = btyd::bgnbd_expected(p, c, (k as f64).min(args.horizon));
                        total += (upto - before) * v / (1.0 + args.discount_rate).powi(k as i32);
                        before = upto;
                    }
                    total
                })
                .collect()
        };
        let mut order: Vec<usize> = (0..clv.len()).collect();
        order.sort_by(|&a, &b| clv[b].total_cmp(&clv[a]).then(a.cmp(&b)));
        let mut rank = vec![0u32; clv.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r as u32 + 1;
        }
        columns.push(Column::new("expected_avg_value".into(), value));
        columns.push(Column::new("clv".into(), clv));
        columns.push(Column::new("rank".into(), rank));
    }
    let mut table = DataFrame::new(n, columns)?;
    record.mark("score");
    record
        .outputs
        .push(write::write_table(&mut table, &destination, format, hash)?);
    record.mark("write");
    record.figure("lines or rows in", data.lines);
    record.figure("customers", n);
    record.figure(
        "with repeat purchases",
        data.rft.iter().filter(|c| c.x > 0.0).count(),
    );
    printer.summary("ckm forecast customers", &record.summary_rows());
    if let Some(path) = &args.output.manifest {
        record.write(path)?;
    }
    Ok(())
}
