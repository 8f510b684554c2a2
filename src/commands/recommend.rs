//! `ckm rules recommend`: cross-sell recommendations from association rules: for each
//! customer, items not yet bought, scored by the best rule whose whole antecedent the customer
//! has bought.

use std::path::Path;

use anyhow::Result;
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;

use crate::analyses::recommendations::{self, AutoChoice, Candidate, Fitted, RecommendSettings};
use crate::cli::{RecommendArgs, RecommendModel};
use crate::commands::rules::min_support_fraction;
use crate::commands::{parse_moment, write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::baskets::ItemCodes;
use crate::io::manifest::RunRecord;
use crate::io::rules_table::{read_rules, RulesRead};
use crate::io::{self, rejects, schema, write};
use crate::mining::recommend;
use crate::prepare::baskets;
use crate::prepare::purchases::purchase_lines;

pub fn run(args: RecommendArgs, record: &mut RunRecord) -> Result<()> {
    match args.rules.clone() {
        Some(path) => run_rules(args, &path, record),
        None => run_fitted(args, record),
    }
}

/// Recommendations from a rules table.
fn run_rules(args: RecommendArgs, rules_path: &Path, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    record.parameter("rules", rules_path.display().to_string());
    record.parameter("transactions", &args.transactions);
    record.parameter("top", args.top);
    let mut items = ItemCodes::default();
    let RulesRead { rules, texts } = read_rules(rules_path, &args.read.settings(), &mut items)?;

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

    let recommendations = recommend::recommend(&rules, &mut bought, &items.names, args.top as usize);
    record.mark("recommend");

    let mut customer_column = Vec::new();
    let mut rank_column = Vec::new();
    let mut item_column_out = Vec::new();
    let mut confidence = Vec::new();
    let mut lift = Vec::new();
    let mut rule_column = Vec::new();
    let order = recommendations::in_id_order(&customers);
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

/// Recommendations from a recommender fitted on the transactions (`--model`), scored on a
/// holdout with `--holdout-start`.
fn run_fitted(args: RecommendArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    if let Some(lambda) = args.lambda.filter(|l| !(l.is_finite() && *l > 0.0)) {
        return Err(CkmError::usage(format!(
            "--lambda {lambda}: give a number above 0"
        )));
    }
    if args.max_items == 0 {
        return Err(CkmError::usage("--max-items 0: give at least 1"));
    }
    let evaluation_destination = write::resolve_side_destination("--evaluation", args.evaluation.as_deref())?;
    let cut = args
        .holdout_start
        .as_deref()
        .map(|text| parse_moment("--holdout-start", text))
        .transpose()?;
    let min_support = args
        .min_support
        .as_deref()
        .map(|text| min_support_fraction(text, "itemset"))
        .transpose()?;
    let settings = RecommendSettings {
        top: args.top as usize,
        lambda: args.lambda,
        max_ease_items: args.max_items,
        min_support,
        before: cut,
    };
    record.parameter("transactions", &args.transactions);
    record.parameter("model", format!("{:?}", args.model).to_lowercase());
    record.parameter("top", args.top);
    if let Some(text) = &args.holdout_start {
        record.parameter("holdout_start", text);
    }

    let planned = io::plan_inputs(std::slice::from_ref(&args.transactions), &args.read.settings())?;
    let item_source = baskets::item_source(&planned, args.item_col.as_deref(), &args.transactions)?;
    record.parameter("item_col", item_source.to_string());
    let read = purchase_lines(&planned, &item_source, record, &printer)?;
    let (lines, skipped) = (read.lines_in, read.skipped);
    io::record_inputs(&planned.sources, &[lines], record, hash)?;
    if skipped > 0 {
        let written = rejects::write_rejected_lines(
            rejects::destination(args.rejects.as_deref(), &destination)?,
            &planned,
            |columns| baskets::history_reject_reason(columns, &item_source),
            None,
            record,
            &printer,
            hash,
        )?;
        rejects::report(record, &printer, lines, skipped, "used", written);
    }
    record.mark("read");

    // The lines the recommender learns from: all of them, or those before the holdout.
    let all = read.lines();
    let (training, wanted) = recommendations::split_at(&all, cut.unwrap_or(i64::MAX));
    let wanted = cut.map(|_| wanted);
    let purchases = &training.purchases;
    if purchases.baskets.iter().all(|b| b.is_empty()) {
        return Err(CkmError::invalid(match &args.holdout_start {
            Some(start) => format!(
                "{}: no purchase line before --holdout-start {start}",
                args.transactions
            ),
            None => format!(
                "{}: no purchase line with a customer, an item and a time",
                args.transactions
            ),
        }));
    }
    let candidate = match args.model {
        RecommendModel::ItemKnn => Candidate::ItemKnn,
        RecommendModel::Ease => Candidate::Ease(args.lambda.unwrap_or(recommendations::DEFAULT_LAMBDA)),
        RecommendModel::Rules => {
            Candidate::Rules(min_support.unwrap_or(recommendations::DEFAULT_MIN_SUPPORT))
        }
        RecommendModel::Auto => match recommendations::choose(&all, &settings) {
            Some(choice) => {
                record_choice(record, &choice);
                choice.chosen
            }
            None => {
                record.warn(
                        &printer,
                        "auto: nobody bought anything new in the last quarter of the time span; ease with the default ridge",
                    );
                Candidate::Ease(args.lambda.unwrap_or(recommendations::DEFAULT_LAMBDA))
            }
        },
    };
    let fitted = recommendations::fit(&training, candidate, args.max_items).map_err(|e| {
        CkmError::invalid(format!(
            "{}: {} could not be fitted: {e}",
            args.transactions,
            candidate.name()
        ))
    })?;
    record.mark("fit");
    let recommended = fitted.recommend_all(purchases, settings.top);
    record.mark("recommend");
    let bought_items = purchases.buyers().iter().filter(|n| **n > 0).count();
    if let Fitted::Ease { .. } = fitted {
        if bought_items > args.max_items {
            record.warn(
                &printer,
                format!(
                    "ease models the {} most bought of {bought_items} items (--max-items): the others are not recommended",
                    args.max_items
                ),
            );
        }
    }

    let model_name = fitted.name();
    let (mut output, reached) =
        recommendations::recommendations_table(&read.customer_ids, &read.item_names, &recommended, &fitted)?;
    let rows = output.height();
    record
        .outputs
        .push(write::write_table(&mut output, &destination, format, hash)?);

    if let Some(wanted) = &wanted {
        let scores =
            recommendations::holdout_scores(&model_name, &recommended, purchases, wanted, settings.top);
        for (name, rates) in &scores {
            record.figure(
                &format!("holdout {name}"),
                format!(
                    "precision@{k} {:.4}, recall@{k} {:.4}, hit rate@{k} {:.4}, coverage {:.4}",
                    rates.precision,
                    rates.recall,
                    rates.hit_rate,
                    rates.coverage,
                    k = settings.top
                ),
            );
        }
        record.figure("holdout customers", scores[0].1.customers);
        if let Some((destination, format)) = &evaluation_destination {
            let mut table = recommendations::evaluation_table(&scores, settings.top)?;
            record
                .outputs
                .push(write::write_table(&mut table, destination, *format, hash)?);
        }
    }
    record.mark("write");

    record.figure("model", model_name);
    record.figure("customers", read.customer_ids.len());
    record.figure("items", read.item_names.len());
    record.figure("customers with a recommendation", reached);
    record.figure("recommendations", rows);
    printer.summary("ckm rules recommend", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}

/// What `auto`'s backtest chose, and every candidate's score there.
fn record_choice(record: &mut RunRecord, choice: &AutoChoice) {
    let day = chrono::DateTime::from_timestamp_millis(choice.cut)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let scores: Vec<String> = choice
        .scores
        .iter()
        .map(|(c, r)| format!("{} {:.4}", c.name(), r.precision))
        .collect();
    let customers = choice.scores.first().map_or(0, |s| s.1.customers);
    let why = if Some(choice.chosen) == choice.scores.first().map(|s| s.0) {
        format!(
            "the default: no other's precision on what {customers} customers first bought from {day} on (fitted before it) was higher by a standard error"
        )
    } else {
        format!(
            "precision higher than the default's by more than a standard error, on what {customers} customers first bought from {day} on (fitted before it)"
        )
    };
    record.figure("auto chose", format!("{}: {why}", choice.chosen.name()));
    record.figure("auto: backtest precision", scores.join(", "));
}
