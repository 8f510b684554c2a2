//! `ckm rules sequences`: sequential purchase patterns over customers' orders (PrefixSpan).

use anyhow::Result;
use polars::prelude::*;

use crate::cli::SequenceArgs;
use crate::commands::rules::min_support_fraction;
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::{self, rejects, write};
use crate::mining::sequences::{self, Pattern, SequenceLimits};
use crate::prepare::baskets;
use crate::printer::thousands;

const DEFAULT_MIN_SUPPORT: &str = "0.01";

pub fn run(args: SequenceArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let support_text = args.min_support.as_deref().unwrap_or(DEFAULT_MIN_SUPPORT);
    let min_support = match args.min_count {
        Some(_) => None,
        None => Some(min_support_fraction(support_text, "pattern")?),
    };
    record.parameter("input", &args.input);
    record.parameter("min_support", support_text);
    record.parameter("min_count", args.min_count);
    record.parameter("max_len", args.max_len);
    record.parameter("max_gap_days", args.max_gap);

    let planned = io::plan_inputs(std::slice::from_ref(&args.input), &args.read.settings())?;
    let item_source = baskets::item_source(&planned, args.item_col.as_deref(), &args.input)?;
    record.parameter("item_col", item_source.to_string());
    let data = baskets::histories_from_transactions(&planned, &item_source, record, &printer)?;
    io::record_inputs(&planned.sources, &[data.lines], record, hash)?;
    let written_rejects = if data.skipped > 0 {
        Some(rejects::write_rejected_lines(
            rejects::destination(args.rejects.as_deref(), &destination)?,
            &planned,
            |columns| baskets::history_reject_reason(columns, &item_source),
            None,
            record,
            &printer,
            hash,
        )?)
    } else {
        None
    };
    record.mark("read");

    let customers = data.histories.len() as u64;
    if customers < 2 {
        return Err(CkmError::invalid(format!(
            "{}: {customers} customer{} with dated items; sequence mining needs at least 2",
            args.input,
            if customers == 1 { "" } else { "s" }
        )));
    }
    let min_customers = match (args.min_count, min_support) {
        (Some(count), _) => count,
        (None, Some(fraction)) => fraction.min_count(customers).max(1),
        (None, None) => unreachable!("one of them is set above"),
    };
    let spinner = printer.spinner("mining sequential patterns");
    let patterns = sequences::mine(
        &data.histories,
        SequenceLimits {
            min_customers,
            max_len: args.max_len,
            max_gap: args.max_gap,
            max_patterns: args.max_patterns,
        },
    )
    .map_err(|e| CkmError::invalid(e.to_string()));
    spinner.finish_and_clear();
    let mut patterns = patterns?;
    record.mark("mine");
    let found = patterns.len();
    let multi_element = patterns.iter().filter(|p| p.elements.len() > 1).count();
    // Most customers first; ties by length, then the pattern's text.
    let text = |p: &Pattern| pattern_text(p, &data.items);
    patterns.sort_by_cached_key(|p| {
        (
            std::cmp::Reverse(p.customers),
            p.elements.iter().map(Vec::len).sum::<usize>(),
            text(p),
        )
    });
    if let Some(top) = args.top {
        patterns.truncate(top);
    }
    let mut table = DataFrame::new(
        patterns.len(),
        vec![
            Column::new("pattern".into(), patterns.iter().map(text).collect::<Vec<_>>()),
            Column::new(
                "support".into(),
                patterns
                    .iter()
                    .map(|p| p.customers as f64 / customers as f64)
                    .collect::<Vec<f64>>(),
            ),
            Column::new(
                "customers".into(),
                patterns.iter().map(|p| p.customers).collect::<Vec<u64>>(),
            ),
            Column::new(
                "elements".into(),
                patterns
                    .iter()
                    .map(|p| p.elements.len() as u32)
                    .collect::<Vec<u32>>(),
            ),
            Column::new(
                "length".into(),
                patterns
                    .iter()
                    .map(|p| p.elements.iter().map(Vec::len).sum::<usize>() as u32)
                    .collect::<Vec<u32>>(),
            ),
        ],
    )?;
    record
        .outputs
        .push(write::write_table(&mut table, &destination, format, hash)?);
    record.mark("write");

    if let Some(written) = written_rejects {
        rejects::report(
            record,
            &printer,
            data.lines,
            data.skipped,
            "in histories",
            written,
        );
    } else {
        record.figure("lines in", data.lines);
    }
    record.figure("customers", customers);
    record.figure("distinct items", data.items.len());
    record.figure(
        "min customers",
        match min_support {
            Some(_) => format!("{min_customers} (= ceil({support_text} × {customers}))"),
            None => min_customers.to_string(),
        },
    );
    record.figure("patterns", thousands(found as u64));
    record.figure("  over two or more orders", thousands(multi_element as u64));
    printer.summary("ckm rules sequences", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}

/// `{a} -> {b, c}`, items in name order within an element.
fn pattern_text(pattern: &Pattern, items: &[String]) -> String {
    pattern
        .elements
        .iter()
        .map(|element| {
            let mut names: Vec<&str> = element.iter().map(|&i| items[i as usize].as_str()).collect();
            names.sort_unstable();
            format!("{{{}}}", names.join(", "))
        })
        .collect::<Vec<_>>()
        .join(" -> ")
}
