//! `ckm rules recommend`: cross-sell recommendations from association rules: for each
//! customer, items not yet bought, scored by the best rule whose whole antecedent the customer
//! has bought.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use anyhow::Result;
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;
use rayon::prelude::*;

use crate::cli::RecommendArgs;
use crate::error::CkmError;
use crate::io::baskets::{self, ItemCodes};
use crate::io::manifest::RunRecord;
use crate::io::{self, read, rejects, schema, write};
use crate::printer::Printer;

struct RuleRecord {
    antecedent: Vec<u32>,
    consequent: Vec<u32>,
    confidence: f64,
    lift: f64,
    text: String,
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

fn read_rules(args: &RecommendArgs, items: &mut ItemCodes) -> Result<Vec<RuleRecord>> {
    let display = args.rules.display().to_string();
    let spec = read::resolve_inputs(std::slice::from_ref(&display))?
        .pop()
        .ok_or_else(|| CkmError::usage("--rules needs a file"))?;
    let source = read::open_source(spec, &args.read)?;
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
        rules.push(RuleRecord {
            antecedent,
            consequent,
            confidence,
            lift,
            text: format!("{a} -> {c}"),
        });
    }
    Ok(rules)
}

pub fn run(args: RecommendArgs, record: &mut RunRecord) -> Result<()> {
    let printer = Printer::new(args.output.quiet);
    let (destination, format) =
        write::resolve_destination(args.output.output.as_deref(), args.output.format)?;
    let hash = args.output.manifest.is_some() || record.hash_files;
    record.parameter("rules", args.rules.display().to_string());
    record.parameter("transactions", &args.transactions);
    record.parameter("top", args.top);
    let mut items = ItemCodes::default();
    let rules = read_rules(&args, &mut items)?;
    let rule_items = items.names.len() as u32;

    let planned = io::plan_inputs(std::slice::from_ref(&args.transactions), &args.read)?;
    let item_column = baskets::item_column(&planned, args.item_col.as_deref(), &args.transactions)?;
    record.parameter("item_col", &item_column);
    let item_name = item_column.clone();
    let table = io::read_planned(
        &planned,
        |frame, _| {
            frame.select([
                col(schema::CUSTOMER_ID).cast(DataType::String),
                col(item_name.as_str()).cast(DataType::String).alias("__ckm_item"),
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
            args.rejects.as_deref(),
            &destination,
            &planned,
            |_| {
                rejects::first_reason([
                    (baskets::missing_item(&item_column), format!("no {item_column}")),
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

    // Rules ranked once, best first (confidence, then lift, then file order): comparing two
    // rules is then comparing two numbers.
    let mut ranking: Vec<u32> = (0..rules.len() as u32).collect();
    ranking.sort_by(|&a, &b| {
        let (ra, rb) = (&rules[a as usize], &rules[b as usize]);
        rb.confidence
            .total_cmp(&ra.confidence)
            .then(rb.lift.total_cmp(&ra.lift))
            .then(a.cmp(&b))
    });
    let mut rank_of = vec![0u32; rules.len()];
    for (rank, &r) in ranking.iter().enumerate() {
        rank_of[r as usize] = rank as u32;
    }
    // A rule with one item in its antecedent is filed under that item; a longer antecedent
    // under the pair of its two items the fewest customers bought. A customer reaches a rule
    // through her items and pairs of items, so rules whose antecedent she cannot have are
    // mostly never looked at.
    let mut buyers = vec![0u64; rule_items as usize];
    for list in &mut bought {
        list.sort_unstable();
        list.dedup();
        for &item in list.iter() {
            buyers[item as usize] += 1;
        }
    }
    let mut by_item: Vec<Vec<u32>> = vec![Vec::new(); rule_items as usize];
    let mut by_pair: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
    for &r in &ranking {
        let rule = &rules[r as usize];
        if let [only] = rule.antecedent.as_slice() {
            by_item[*only as usize].push(r);
            continue;
        }
        let mut rarest: Vec<u32> = rule.antecedent.clone();
        rarest.sort_by_key(|&a| (buyers[a as usize], a));
        let (a, b) = (rarest[0].min(rarest[1]), rarest[0].max(rarest[1]));
        by_pair.entry((a, b)).or_default().push(r);
    }
    let top = args.top;
    // Per customer, the rules reachable through her items are read best first (a merge of
    // the per-item lists, each in rank order): the first time an item turns up, it comes with
    // its best rule, so the walk stops once `top` items are found (and the rules tied with
    // the last of them are read, so ties still go by item name).
    let recommendations: Vec<Vec<(u32, u32)>> = bought
        .par_iter()
        .map_init(
            || vec![false; rule_items as usize],
            |seen, bought| {
                let mut chosen: Vec<(u32, u32)> = Vec::new();
                if top == 0 {
                    return chosen;
                }
                let mut lists: Vec<&[u32]> = bought
                    .iter()
                    .map(|&i| by_item[i as usize].as_slice())
                    .filter(|l| !l.is_empty())
                    .collect();
                if !by_pair.is_empty() {
                    for (i, &a) in bought.iter().enumerate() {
                        for &b in &bought[i + 1..] {
                            if let Some(list) = by_pair.get(&(a, b)) {
                                lists.push(list);
                            }
                        }
                    }
                }
                let mut heap: BinaryHeap<Reverse<(u32, u32, u32)>> = lists
                    .iter()
                    .enumerate()
                    .map(|(l, list)| Reverse((rank_of[list[0] as usize], l as u32, 0)))
                    .collect();
                let mut cutoff: Option<(f64, f64)> = None;
                while let Some(Reverse((_, l, position))) = heap.pop() {
                    let list = lists[l as usize];
                    let r = list[position as usize];
                    let rule = &rules[r as usize];
                    if cutoff.is_some_and(|c| c != (rule.confidence, rule.lift)) {
                        break;
                    }
                    if let Some(&next) = list.get(position as usize + 1) {
                        heap.push(Reverse((rank_of[next as usize], l, position + 1)));
                    }
                    if rule.antecedent.len() > 2
                        && !rule.antecedent.iter().all(|a| bought.binary_search(a).is_ok())
                    {
                        continue;
                    }
                    for &y in &rule.consequent {
                        if !seen[y as usize] && bought.binary_search(&y).is_err() {
                            seen[y as usize] = true;
                            chosen.push((y, r));
                        }
                    }
                    if cutoff.is_none() && chosen.len() >= top {
                        cutoff = Some((rule.confidence, rule.lift));
                    }
                }
                for &(y, _) in &chosen {
                    seen[y as usize] = false;
                }
                chosen.sort_by(|a, b| {
                    let (ra, rb) = (&rules[a.1 as usize], &rules[b.1 as usize]);
                    rb.confidence
                        .total_cmp(&ra.confidence)
                        .then(rb.lift.total_cmp(&ra.lift))
                        .then_with(|| items.names[a.0 as usize].cmp(&items.names[b.0 as usize]))
                });
                chosen.truncate(top);
                chosen
            },
        )
        .collect();
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
            rule_column.push(rule.text.as_str());
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
    if let Some(path) = &args.output.manifest {
        record.write(path)?;
    }
    Ok(())
}
