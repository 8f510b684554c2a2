//! `ckm rules`: frequent itemsets by FP-Growth and association rules, from a basket file or
//! the transactions table.

use std::path::Path;

use anyhow::Result;

use crate::analyses::rules::{self as rule_mining, MinedRules, RuleOrder, RuleSettings};
use crate::cli::{MineArgs, RuleSort, RulesArgs, RulesVerb, TableFormat};
use crate::commands;
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::baskets::{self, Baskets};
use crate::io::manifest::{InputRecord, RunRecord};
use crate::io::{rejects, write};
use crate::mining::fpgrowth::Itemset;
use crate::mining::rules::{self, Fraction};
use crate::prepare::lines::{BasketSettings, LeftOut, Lines};
use crate::prepare::Engine;
use crate::printer::{thousands, Printer};

const DEFAULT_MIN_SUPPORT: &str = "0.01";

pub fn run(args: RulesArgs, record: &mut RunRecord) -> Result<()> {
    match args.verb {
        Some(RulesVerb::Mine(mine)) => run_mine(*mine, record),
        Some(RulesVerb::Sequences(sequences)) => commands::sequences::run(*sequences, record),
        Some(RulesVerb::Recommend(recommend)) => commands::recommend::run(*recommend, record),
        None => run_mine(*args.mine, record),
    }
}

/// A threshold given as a fraction: exact, and within its range.
pub fn threshold(flag: &str, text: &str, at_most_one: bool) -> Result<Fraction> {
    let fraction = Fraction::parse(text).ok_or_else(|| {
        CkmError::usage(format!(
            "{flag} '{text}': expected a non-negative decimal such as 0.01, or a fraction such as 1/100"
        ))
    })?;
    if at_most_one && fraction.numerator > fraction.denominator {
        return Err(CkmError::usage(format!(
            "{flag} {text}: a fraction of baskets is at most 1"
        )));
    }
    Ok(fraction)
}

/// `--min-support`: a fraction of at most 1 and above 0 (0 would make every `what` frequent).
pub fn min_support_fraction(text: &str, what: &str) -> Result<Fraction> {
    let fraction = threshold("--min-support", text, true)?;
    if fraction.numerator == 0 {
        return Err(CkmError::usage(format!(
            "--min-support {text}: every {what} would be frequent; give a fraction above 0 (or --min-count)"
        )));
    }
    Ok(fraction)
}

fn run_mine(args: MineArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let itemsets_destination = match &args.itemsets {
        Some(path) if path == "-" => {
            return Err(CkmError::usage(
                "--itemsets needs a file path; stdout carries the rules",
            ))
        }
        Some(path) => Some(write::resolve_destination(Some(path), None)?),
        None => None,
    };
    let min_support = match args.min_count {
        Some(_) => None,
        None => Some(min_support_fraction(
            args.min_support.as_deref().unwrap_or(DEFAULT_MIN_SUPPORT),
            "itemset",
        )?),
    };
    let min_confidence = threshold("--min-confidence", &args.min_confidence, true)?;
    let min_lift = args
        .min_lift
        .as_deref()
        .map(|t| threshold("--min-lift", t, false))
        .transpose()?;
    record.parameter(
        "min_support",
        args.min_support.as_deref().unwrap_or(DEFAULT_MIN_SUPPORT),
    );
    record.parameter("min_count", args.min_count);
    record.parameter("min_confidence", &args.min_confidence);
    record.parameter("min_lift", &args.min_lift);
    record.parameter("max_len", args.max_len);
    record.parameter("max_consequent", args.max_consequent);
    record.parameter("sort", format!("{:?}", args.sort).to_lowercase());
    record.parameter("top", args.top);

    let min_count_of = |n: u64| match (args.min_count, min_support) {
        (Some(count), _) => count,
        (None, Some(fraction)) => fraction.min_count(n).max(1),
        (None, None) => unreachable!("one of them is set above"),
    };
    let engine = args.engine.settings(args.input.as_deref())?;
    let input = match (&engine, &args.baskets) {
        (Engine::Local, Some(path)) => path.clone(),
        (Engine::Local, None) => args.input.clone().unwrap_or_else(|| "-".into()),
        (Engine::Spark { .. }, Some(_)) => return Err(CkmError::usage(
            "--baskets reads a file on this machine: use it with --engine local, or give the transactions",
        )),
        (Engine::Spark { source, .. }, None) => source.to_string(),
    };
    let data = if args.baskets.is_some() {
        read_basket_file(&input, record, hash)?
    } else {
        read_transactions(
            &args,
            &engine,
            &input,
            &min_count_of,
            &destination,
            record,
            &printer,
            hash,
        )?
    };
    record.mark("read");
    let n = rule_mining::enough_baskets(&data, &input)?;
    let min_count = min_count_of(n);
    let settings = RuleSettings {
        min_count,
        max_len: args.max_len,
        max_itemsets: args.max_itemsets,
        min_confidence,
        min_lift,
        max_consequent: args.max_consequent as usize,
        antecedent_has: args.antecedent_has.clone(),
        consequent_has: args.consequent_has.clone(),
        order: match args.sort {
            RuleSort::Lift => RuleOrder::Lift,
            RuleSort::Confidence => RuleOrder::Confidence,
            RuleSort::Support => RuleOrder::Support,
            RuleSort::Leverage => RuleOrder::Leverage,
        },
        top: args.top,
    };
    let spinner = printer.spinner("mining frequent itemsets");
    let mined = rule_mining::compute(&data, &settings);
    spinner.finish_and_clear();
    let MinedRules {
        itemsets,
        rules: found,
        rules_mined,
        unknown_items,
    } = mined?;
    for (setting, name) in unknown_items {
        record.warn(
            &printer,
            format!("{setting} '{name}': no basket has this item, so no rule does"),
        );
    }
    record.mark("rules");

    let mut table = rule_mining::rules_table(&found, n, &data.items, holds_lists(format))?;
    // Under a policy's min_group the writer leaves out rows of fewer customers: the rules
    // and itemsets say how many customers are behind them (none known: every row goes).
    let with_customers = crate::io::policy::min_group().is_some();
    let behind = with_customers
        .then(|| rule_mining::CustomersBehind::new(&data))
        .flatten();
    if with_customers && behind.is_none() {
        record.warn(
            &printer,
            "the customers behind these baskets are not known (a basket file, or baskets grouped on Spark): \
             under the policy's min_group every rule and itemset is left out",
        );
    }
    let customers_column =
        |counts: Vec<Option<u64>>| polars::prelude::Column::new("customers".into(), counts);
    if with_customers {
        let counts = found
            .iter()
            .map(|r| behind.as_ref().map(|b| b.count(&r.items())))
            .collect();
        table.with_column(customers_column(counts))?;
    }
    record
        .outputs
        .push(write::write_table(&mut table, &destination, format, hash)?);
    let mut itemsets_written = 0usize;
    if let Some((path, itemsets_format)) = &itemsets_destination {
        let (closed, maximal) = if args.closed || args.maximal {
            rules::closed_and_maximal(&itemsets)
        } else {
            (Vec::new(), Vec::new())
        };
        let kept: Vec<&Itemset> = itemsets
            .iter()
            .enumerate()
            .filter(|&(i, _)| (!args.closed || closed[i]) && (!args.maximal || maximal[i]))
            .map(|(_, s)| s)
            .collect();
        itemsets_written = kept.len();
        let mut frame = rule_mining::itemsets_table(&kept, n, &data.items, holds_lists(*itemsets_format))?;
        if with_customers {
            let counts = kept
                .iter()
                .map(|s| behind.as_ref().map(|b| b.count(&s.items)))
                .collect();
            frame.with_column(customers_column(counts))?;
        }
        record
            .outputs
            .push(write::write_table(&mut frame, path, *itemsets_format, hash)?);
    }
    record.mark("write");

    record.figure("baskets", n);
    if args.baskets.is_some() && data.skipped > 0 {
        record.figure("blank lines (no basket)", data.skipped);
    }
    record.figure("distinct items", data.items.len());
    let support_text = args.min_support.as_deref().unwrap_or(DEFAULT_MIN_SUPPORT).trim();
    record.figure(
        "min count",
        match min_support {
            Some(_) => format!("{min_count} (= ceil({support_text} × {n}))"),
            None => min_count.to_string(),
        },
    );
    let mut by_length: Vec<usize> = Vec::new();
    for set in &itemsets {
        if by_length.len() < set.items.len() {
            by_length.resize(set.items.len(), 0);
        }
        by_length[set.items.len() - 1] += 1;
    }
    record.figure("frequent itemsets", itemsets.len());
    for (length, count) in by_length.iter().enumerate() {
        record.figure(&format!("  of length {}", length + 1), thousands(*count as u64));
    }
    if itemsets_destination.is_some() && (args.closed || args.maximal) {
        let which = if args.closed { "closed" } else { "maximal" };
        record.figure(&format!("{which} itemsets written"), itemsets_written);
    }
    record.figure("rules", rules_mined);
    if found.len() != rules_mined {
        record.figure("rules written (after filters and --top)", found.len());
    }
    printer.summary("ckm rules", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}

/// The baskets of a basket file.
fn read_basket_file(path: &str, record: &mut RunRecord, hash: bool) -> Result<Baskets> {
    let data = baskets::read_basket_file(path)?;
    let (bytes, sha256) = if path == "-" {
        (None, None)
    } else if hash {
        let (bytes, sha) = write::hash_file(Path::new(path))?;
        (Some(bytes), Some(sha))
    } else {
        (std::fs::metadata(path).ok().map(|m| m.len()), None)
    };
    record.inputs.push(InputRecord {
        path: path.to_string(),
        bytes,
        sha256,
        rows: data.lines,
    });
    Ok(data)
}

/// The baskets of the transactions, by the chosen engine; lines left out go to rejects.
#[allow(clippy::too_many_arguments)]
fn read_transactions(
    args: &MineArgs,
    engine: &Engine,
    input: &str,
    min_count_of: &dyn Fn(u64) -> u64,
    output: &write::Destination,
    record: &mut RunRecord,
    printer: &Printer,
    hash: bool,
) -> Result<Baskets> {
    let mut lines = Lines::open(engine, input, &args.read.settings(), record, printer)?;
    let settings = BasketSettings {
        item_col: args.item_col.as_deref(),
        with_customers: crate::io::policy::min_group().is_some(),
    };
    let (data, item) = lines.baskets(input, settings, min_count_of, record, printer, hash)?;
    if data.skipped > 0 {
        let written = lines.write_left_out(
            rejects::destination(args.rejects.as_deref(), output)?,
            LeftOut::OutOfBaskets(item),
            None,
            record,
            printer,
            hash,
        )?;
        rejects::report(record, printer, data.lines, data.skipped, "in baskets", written);
    }
    Ok(data)
}

/// Lists go only to formats that hold them; CSV and TSV get the braced text alone.
fn holds_lists(format: TableFormat) -> bool {
    !matches!(format, TableFormat::Csv | TableFormat::Tsv)
}
