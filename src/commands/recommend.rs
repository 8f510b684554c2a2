//! `ckm rules recommend`: cross-sell recommendations from association rules: for each
//! customer, items not yet bought, scored by the best rule whose whole antecedent the customer
//! has bought.

use anyhow::Result;
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;

use crate::cli::RecommendArgs;
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::baskets::ItemCodes;
use crate::io::manifest::RunRecord;
use crate::io::{self, read, rejects, schema, write};
use crate::mining::recommend::{self, ScoredRule};
use crate::prepare::baskets;

/// The rules as read from the rules table: what ranking needs, and each rule's text for the
/// output (`texts[i]` is `rules[i]`'s).
struct RulesRead {
    rules: Vec<ScoredRule>,
    texts: Vec<String>,
}

/// `{a, b}` back to its items.
fn unbrace(text: &str) -> Vec<String> {
    let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
    inner
        .split(", ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn read_rules(args: &RecommendArgs, items: &mut ItemCodes) -> Result<RulesRead> {
    let display = args.rules.display().to_string();
    let spec = read::resolve_inputs(std::slice::from_ref(&display))?
        .pop()
        .ok_or_else(|| CkmError::usage("--rules needs a file"))?;
    let source = read::open_source(spec, &args.read.settings())?;
    let table = read::scan_raw(&source)?
        .collect()
        .map_err(|e| CkmError::invalid(format!("reading --rules {display}: {e}")))?;
    let missing: Vec<&str> = ["antecedent", "consequent", "confidence", "lift"]
        .into_iter()
        .filter(|c| table.column(c).is_err())
        .collect();
    if !missing.is_empty() {
        return Err(CkmError::invalid(format!(
            "--rules {display}: no column {}; give a rules table written by `ckm rules`",
            missing.join(", ")
        )));
    }
    let text = |name: &str| -> Result<Vec<Option<String>>> {
        let column = table.column(name)?.cast(&DataType::String)?;
        Ok(column.str()?.iter().map(|v| v.map(String::from)).collect())
    };
    let number = |name: &str| read::numbers_in_text(&table, name);
    let (antecedents, consequents) = (text("antecedent")?, text("consequent")?);
    let (confidences, lifts) = (number("confidence")?, number("lift")?);
    let mut rules = Vec::with_capacity(table.height());
    let mut texts = Vec::with_capacity(table.height());
    for row in 0..table.height() {
        let (Some(a), Some(c), Some(confidence), Some(lift)) =
            (&antecedents[row], &consequents[row], confidences[row], lifts[row])
        else {
            return Err(CkmError::invalid(format!(
                "--rules {display}: row {}: a rule needs antecedent, consequent, confidence and lift",
                row + 2
            )));
        };
        let mut antecedent: Vec<u32> = unbrace(a).iter().map(|i| items.code(i)).collect();
        let consequent: Vec<u32> = unbrace(c).iter().map(|i| items.code(i)).collect();
        antecedent.sort_unstable();
        if antecedent.is_empty() || consequent.is_empty() {
            return Err(CkmError::invalid(format!(
                "--rules {display}: row {}: an empty antecedent or consequent",
                row + 2
            )));
        }
        rules.push(ScoredRule {
            antecedent,
            consequent,
            confidence,
            lift,
        });
        texts.push(format!("{a} -> {c}"));
    }
    Ok(RulesRead { rules, texts })
}

pub fn run(args: RecommendArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    record.parameter("rules", args.rules.display().to_string());
    record.parameter("transactions", &args.transactions);
    record.parameter("top", args.top);
    let mut items = ItemCodes::default();
    let RulesRead { rules, texts } = read_rules(&args, &mut items)?;

    let planned = io::plan_inputs(std::slice::from_ref(&args.transactions), &args.read.settings())?;
    let item_source = baskets::item_source(&planned, args.item_col.as_deref(), &args.transactions)?;
    record.parameter("item_col", item_source.to_string());
    let table = io::read_planned(
        &planned,
        |frame, columns| {
            frame.select([
                col(schema::CUSTOMER_ID).cast(DataType::String),
                item_source.expr(columns).alias("__ckm_item"),
            ])
        },
        record,
        &printer,
    )?;
    let lines = table.height() as u64;
    io::record_inputs(&planned.sources, &[lines], record, hash)?;
    record.mark("read");

    // Each customer's bought items, as far as the rules know them.
    let mut customer_index: HashMap<&str, usize> = HashMap::new();
    let mut customers: Vec<&str> = Vec::new();
    let mut bought: Vec<Vec<u32>> = Vec::new();
    let mut skipped = 0u64;
    let ids = table.column(schema::CUSTOMER_ID)?.str()?;
    let line_items = table.column("__ckm_item")?.str()?;
    for (id, item) in ids.iter().zip(line_items.iter()) {
        let (Some(id), Some(item)) = (id, item) else {
            skipped += 1;
            continue;
        };
        if item.is_empty() {
            skipped += 1;
            continue;
        }
        let c = *customer_index.entry(id).or_insert_with(|| {
            customers.push(id);
            bought.push(Vec::new());
            customers.len() - 1
        });
        if let Some(&code) = items.index.get(item) {
            bought[c].push(code);
        }
    }
    if skipped > 0 {
        let written = rejects::write_rejected_lines(
            rejects::destination(args.rejects.as_deref(), &destination)?,
            &planned,
            |columns| {
                rejects::first_reason([
                    (
                        baskets::missing_item(&item_source, columns),
                        format!("no {item_source}"),
                    ),
                    (col(schema::CUSTOMER_ID).is_null(), "no customer_id".into()),
                ])
            },
            None,
            record,
            &printer,
            hash,
        )?;
        rejects::report(record, &printer, lines, skipped, "used", written);
    }

    let recommendations = recommend::recommend(&rules, &mut bought, &items.names, args.top);
    record.mark("recommend");

    let mut customer_column = Vec::new();
    let mut rank_column = Vec::new();
    let mut item_column_out = Vec::new();
    let mut confidence = Vec::new();
    let mut lift = Vec::new();
    let mut rule_column = Vec::new();
    // Customers in id order, so the output does not depend on the input's line order.
    let mut order: Vec<usize> = (0..customers.len()).collect();
    order.sort_by(|&a, &b| customers[a].cmp(customers[b]));
    let mut reached = 0u64;
    for c in order {
        if !recommendations[c].is_empty() {
            reached += 1;
        }
        for (rank, &(item, r)) in recommendations[c].iter().enumerate() {
            let rule = &rules[r as usize];
            customer_column.push(customers[c]);
            rank_column.push(rank as u32 + 1);
            item_column_out.push(items.names[item as usize].as_str());
            confidence.push(rule.confidence);
            lift.push(rule.lift);
            rule_column.push(texts[r as usize].as_str());
        }
    }
    let rows = customer_column.len();
    let mut output = DataFrame::new(
        rows,
        vec![
            Column::new(schema::CUSTOMER_ID.into(), customer_column),
            Column::new("rank".into(), rank_column),
            Column::new("item".into(), item_column_out),
            Column::new("score".into(), confidence),
            Column::new("lift".into(), lift),
            Column::new("rule".into(), rule_column),
        ],
    )?;
    record
        .outputs
        .push(write::write_table(&mut output, &destination, format, hash)?);
    record.mark("write");

    record.figure("rules", rules.len());
    record.figure("customers", customers.len());
    record.figure("customers with a recommendation", reached);
    record.figure("recommendations", rows);
    printer.summary("ckm rules recommend", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}
