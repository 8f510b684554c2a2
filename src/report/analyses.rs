//! The analyses the report shows, run in-process on the input it read once: customer
//! segments, association rules, the revenue forecast, customer lifetime value and churn risk.
//! Each is the library function its command calls (`crate::analyses`), with the settings the
//! report states in its run details; what the sections need of each result is kept.

use anyhow::Result;
use polars::prelude::*;

use super::results::{
    ChurnScores, ClusterProfiles, CustomerRecommendations, CustomerSegments, CustomerValues, RevenueForecast,
    RevenuePoint, RuleRow,
};
use crate::analyses::churn_risk::{self, RiskSettings};
use crate::analyses::clv::{self, ClvFit, ScoreSettings};
use crate::analyses::recommendations::{self, Candidate, Training, DEFAULT_LAMBDA};
use crate::analyses::rules::{self as rule_mining, braced, RuleOrder, RuleSettings};
use crate::analyses::sales_forecast::{self, ForecastSettings};
use crate::analyses::segment::{self, ClusterChoice, SegmentSettings};
use crate::error::CkmError;
use crate::io::baskets::Baskets;
use crate::io::manifest::RunRecord;
use crate::io::periods::{self, day_text, Period};
use crate::io::{policy, schema, PlannedInputs};
use crate::mining::btyd::{Fit, Model};
use crate::mining::collaborative::Purchases;
use crate::mining::rfm;
use crate::mining::rules::Fraction;
use crate::mining::series::Method;
use crate::prepare::baskets::baskets_from_transactions;
use crate::prepare::lines::{BasketSettings, Lines};
use crate::prepare::order_figures::OrderFigures;
use crate::prepare::orders::ItemSource;
use crate::prepare::purchases::{customer_items, CustomerItems};
use crate::prepare::repeat_purchases::{
    summarise_transactions_by_line, LineCustomers, Summaries, SummarySettings,
};
use crate::prepare::series::{series_from_transactions, Grouping, Measure, SeriesSettings};
use crate::prepare::summary::{self, FREQUENCY, MONETARY, RECENCY_DAYS};
use crate::printer::{thousands, Printer, Progress};

/// The settings, as the run details section states them.
pub const SETTINGS: &str = "segment --clusters 5; rules --min-support 0.005 --min-confidence 0.2; rules recommend --model ease --max-items 2000 --top 5; forecast sales --period month --horizon 6; forecast customers (BG/NBD + Gamma-Gamma); churn --method bgnbd";
const CLUSTERS: usize = 5;
/// Rules: support 5 in 1,000 baskets, confidence 1 in 5.
const MIN_SUPPORT: Fraction = Fraction {
    numerator: 5,
    denominator: 1000,
};
const MIN_CONFIDENCE: Fraction = Fraction {
    numerator: 1,
    denominator: 5,
};
/// Recommendations per customer, of which the report shows the most frequent per segment.
pub const RECOMMENDED_PER_CUSTOMER: usize = 5;
/// The report's EASE models the most bought 2,000 items: the items recommended to the most
/// customers of a segment are among the most bought, and scoring costs as many weights per
/// bought item as items modelled (a fifth of the command's default).
pub const RECOMMENDER_ITEMS: usize = 2_000;
/// The report scores at most this many customers for its recommendations, evenly spread
/// in id order: the items recommended to the most of a segment are clear from a few
/// thousand of its customers, and scoring is most of a recommender's time (EASE is still
/// fitted on everyone's purchases).
pub const RECOMMENDED_CUSTOMERS: usize = 20_000;
/// Under a policy's min_group, the customers behind this many of the best rules by lift
/// are counted (a pass over the baskets each), of which the report shows those with enough.
const RULES_COUNTED: usize = 100;
const FORECAST_MONTHS: usize = 6;
const WEEK: f64 = 7.0;
/// Weeks of purchases the CLV counts (a year).
const CLV_WEEKS: f64 = 52.0;

/// The columns the analyses and the report's figures read, of those the input has: the rest
/// (personal data, extra columns) is not kept in memory.
pub fn analysed_columns(columns: &Schema) -> Vec<Expr> {
    let amount: &[&str] = if columns.contains(schema::AMOUNT) {
        &[schema::AMOUNT]
    } else {
        &[schema::QUANTITY, schema::UNIT_PRICE]
    };
    [
        schema::CUSTOMER_ID,
        schema::ORDER_ID,
        schema::TS,
        schema::ITEM_ID,
        schema::ITEM_NAME,
        schema::CATEGORY,
        schema::CHANNEL,
        schema::IS_RETURN,
    ]
    .iter()
    .chain(amount)
    .filter(|name| columns.contains(name))
    .map(|name| col(*name))
    .collect()
}

/// Which analyses to run: the others are given as files, or the input cannot have them.
pub struct Wanted {
    pub segments: bool,
    /// The items to mine rules among, when rules are wanted.
    pub rules: Option<ItemSource>,
    /// The items to recommend, when recommendations are wanted.
    pub recommendations: Option<ItemSource>,
    pub revenue: bool,
    pub customer_values: bool,
    pub churn: bool,
}

impl Wanted {
    /// The analyses to run, as the report's progress counts them (the repeat-purchase
    /// summaries that CLV and churn share count as one).
    pub fn steps(&self) -> u64 {
        let summaries = self.customer_values || self.churn;
        [
            self.segments,
            self.rules.is_some(),
            self.recommendations.is_some(),
            self.revenue,
            summaries,
            self.customer_values,
            self.churn,
        ]
        .iter()
        .filter(|&&w| w)
        .count() as u64
    }
}

/// What the analyses found; an analysis not wanted, or one that failed, is `None`.
#[derive(Default)]
pub struct Results {
    pub segments: Option<CustomerSegments>,
    pub profiles: Option<ClusterProfiles>,
    pub rules: Option<Vec<RuleRow>>,
    pub recommendations: Option<CustomerRecommendations>,
    pub revenue: Option<RevenueForecast>,
    pub customer_values: Option<CustomerValues>,
    pub churn: Option<ChurnScores>,
    /// The analyses that failed, as "ckm COMMAND: why".
    pub failed: Vec<String>,
    /// Their warnings, as "COMMAND: warning".
    pub warnings: Vec<String>,
    /// Seconds each took, by command.
    pub seconds: Vec<(String, f64)>,
}

/// One analysis' outcome with its warnings, and the command it stands for.
struct Ran<T> {
    command: &'static str,
    outcome: Result<T>,
    warnings: Vec<String>,
    seconds: f64,
}

/// Runs `analysis` with a record of its own (its figures are the command's, not the report's;
/// its warnings join the report's).
fn ran<T>(
    command: &'static str,
    progress: &Progress,
    analysis: impl FnOnce(&mut RunRecord) -> Result<T>,
) -> Ran<T> {
    let mut record = RunRecord::new("report");
    let started = std::time::Instant::now();
    progress.set_message(&format!("report: ckm {command}"));
    let outcome = analysis(&mut record);
    progress.inc(1);
    Ran {
        command,
        outcome,
        warnings: record.warnings,
        seconds: started.elapsed().as_secs_f64(),
    }
}

impl Results {
    fn take<T>(&mut self, ran: Ran<T>) -> Option<T> {
        let name = ran.command.split(' ').next().unwrap_or(ran.command);
        self.seconds.push((ran.command.to_string(), ran.seconds));
        self.warnings
            .extend(ran.warnings.into_iter().map(|w| format!("{name}: {w}")));
        match ran.outcome {
            Ok(value) => Some(value),
            Err(e) => {
                self.failed.push(format!("ckm {}: {e:#}", ran.command));
                None
            }
        }
    }
}

/// Runs the wanted analyses on `planned` (the input in memory), two at a time: the customer
/// segments, rules and revenue forecast on one thread; on the other the repeat-purchase
/// summaries, then `after` (the shorter side, where the caller's own work goes) given each
/// line's customer when the summaries found it, then the CLV and churn models.
pub fn run<T: Send>(
    planned: &PlannedInputs,
    input: &str,
    wanted: &Wanted,
    progress: &Progress,
    after: impl FnOnce(Option<&LineCustomers>) -> T + Send,
) -> (Results, T) {
    let quiet = Printer::new(true);
    let (segments, (rules, recommendations), revenue, ((values, churn), after)) =
        std::thread::scope(|scope| {
            let customer_models =
                scope.spawn(|| customer_models(planned, input, wanted, &quiet, progress, after));
            // Rules first: their baskets are the largest of this side, and they are done before
            // the other side groups the orders, the largest of its own.
            let rules = wanted.rules.as_ref().map(|item| {
                ran("rules", progress, |record| {
                    rules(planned, input, item, record, &quiet)
                })
            });
            let recommendations = wanted.recommendations.as_ref().map(|item| {
                ran("rules recommend", progress, |record| {
                    recommend(planned, input, item, record, &quiet)
                })
            });
            let segments = wanted.segments.then(|| {
                ran("segment", progress, |record| {
                    segments(planned, input, record, &quiet)
                })
            });
            let revenue = wanted.revenue.then(|| {
                ran("forecast sales", progress, |record| {
                    revenue(planned, input, record, &quiet)
                })
            });
            let customer_models = customer_models
                .join()
                .expect("the customer models' thread panicked");
            (segments, (rules, recommendations), revenue, customer_models)
        });
    let mut results = Results::default();
    if let Some((table, profiles)) = segments.and_then(|s| results.take(s)) {
        results.segments = Some(table);
        results.profiles = profiles;
    }
    results.rules = rules.and_then(|r| results.take(r));
    results.recommendations = recommendations.and_then(|r| results.take(r));
    results.revenue = revenue.and_then(|r| results.take(r));
    results.customer_values = values.and_then(|v| results.take(v));
    results.churn = churn.and_then(|c| results.take(c));
    (results, after)
}

/// Runs the wanted analyses one after another on the prepared data of `lines` (one session
/// on the cluster, with `--engine spark`: each definition is computed there, the models
/// here), then the report's own figures of the orders as of `as_of` (default: the last
/// order's day).
pub fn run_in_turn(
    lines: &mut Lines,
    input: &str,
    wanted: &Wanted,
    as_of: Option<i64>,
    progress: &Progress,
    record: &mut RunRecord,
) -> Result<(Results, OrderFigures)> {
    let quiet = Printer::new(true);
    let mut results = Results::default();
    if wanted.segments {
        let ran = ran("segment", progress, |record| {
            segments_of(lines.customer_table(record, &quiet)?.customers, input)
        });
        if let Some((table, profiles)) = results.take(ran) {
            results.segments = Some(table);
            results.profiles = profiles;
        }
    }
    if let Some(ItemSource::Column(item)) = &wanted.rules {
        let ran = ran("rules", progress, |record| {
            let settings = BasketSettings {
                item_col: Some(item),
                with_customers: policy::min_group().is_some(),
            };
            let (data, _) = lines.baskets(input, settings, min_count, record, &quiet, false)?;
            rules_of(&data, input)
        });
        results.rules = results.take(ran);
    }
    if let Some(item) = &wanted.recommendations {
        let ran = ran("rules recommend", progress, |record| {
            recommend_to(lines.customer_items(item, record, &quiet, false)?, input)
        });
        results.recommendations = results.take(ran);
    }
    if wanted.revenue {
        let ran = ran("forecast sales", progress, |record| {
            let series = lines.series_from_transactions(input, &revenue_series(), record, &quiet, false)?;
            revenue_of(&series.series, input)
        });
        results.revenue = results.take(ran);
    }
    if wanted.customer_values || wanted.churn {
        let summaries = ran("forecast customers", progress, |record| {
            Ok(lines
                .summarise_transactions(input, &SUMMARIES, record, &quiet, false)?
                .0)
        });
        let (warnings, seconds) = (summaries.warnings.clone(), summaries.seconds);
        let summaries = summaries.outcome;
        let mut purchases_fit = None;
        if wanted.customer_values {
            let mut values = ran("forecast customers", progress, |record| {
                let (values, fit) = customer_values(summaries_of(&summaries)?, input, record)?;
                purchases_fit = Some(fit);
                Ok(values)
            });
            values.warnings.splice(0..0, warnings.iter().cloned());
            values.seconds += seconds;
            results.customer_values = results.take(values);
        }
        if wanted.churn {
            let mut churn = ran("churn --method bgnbd", progress, |record| {
                churn(summaries_of(&summaries)?, input, purchases_fit, record)
            });
            if !wanted.customer_values {
                churn.warnings.splice(0..0, warnings.iter().cloned());
                churn.seconds += seconds;
            }
            results.churn = results.take(churn);
        }
    }
    let figures = lines.order_figures(as_of, record, &quiet)?;
    Ok((results, figures))
}

/// The CLV and the churn risk, each as it ran (when wanted).
type CustomerModels = (Option<Ran<CustomerValues>>, Option<Ran<ChurnScores>>);

/// CLV and churn risk, both from the repeat-purchase summaries; and `after`, given each
/// line's customer as the summaries numbered them. `after` runs between the summaries and the
/// models: the models need little memory, so its peak then meets the other side's earlier
/// and smaller one (on 50M lines, run last it met the segments' totals at their largest).
fn customer_models<T>(
    planned: &PlannedInputs,
    input: &str,
    wanted: &Wanted,
    quiet: &Printer,
    progress: &Progress,
    after: impl FnOnce(Option<&LineCustomers>) -> T,
) -> (CustomerModels, T) {
    if !(wanted.customer_values || wanted.churn) {
        return ((None, None), after(None));
    }
    let summaries = ran("forecast customers", progress, |record| {
        summaries(planned, input, record, quiet)
    });
    let warnings = summaries.warnings;
    let summaries_seconds = summaries.seconds;
    let (summaries, after) = match summaries.outcome {
        Ok((summaries, line_customers)) => (Ok(summaries), after(Some(&line_customers))),
        Err(e) => (Err(e), after(None)),
    };
    let mut purchases_fit = None;
    let values = wanted.customer_values.then(|| {
        let mut values = ran("forecast customers", progress, |record| {
            let (values, fit) = customer_values(summaries_of(&summaries)?, input, record)?;
            // The same BG/NBD fit gives the churn risk: fitted once.
            purchases_fit = Some(fit);
            Ok(values)
        });
        values.warnings.splice(0..0, warnings.iter().cloned());
        values.seconds += summaries_seconds;
        values
    });
    let churn = wanted.churn.then(|| {
        let mut churn = ran("churn --method bgnbd", progress, |record| {
            churn(summaries_of(&summaries)?, input, purchases_fit, record)
        });
        if !wanted.customer_values {
            churn.warnings.splice(0..0, warnings.iter().cloned());
            churn.seconds += summaries_seconds;
        }
        churn
    });
    ((values, churn), after)
}

/// The summaries, or the error that stopped them (for each model that needed them).
fn summaries_of(summaries: &Result<Summaries>) -> Result<&Summaries> {
    summaries
        .as_ref()
        .map_err(|e| CkmError::invalid(format!("{e:#}")))
}

/// `ckm segment --clusters 5`.
fn segments(
    planned: &PlannedInputs,
    input: &str,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<(CustomerSegments, Option<ClusterProfiles>)> {
    let customers = summary::customer_table(planned, None, record, printer)?.customers;
    segments_of(customers, input)
}

/// `ckm segment --clusters 5` on the per-customer summary.
fn segments_of(customers: DataFrame, input: &str) -> Result<(CustomerSegments, Option<ClusterProfiles>)> {
    let (table, _) = segment::summary_as_of(customers, None, input)?;
    let settings = SegmentSettings {
        bins: 5,
        segment_map: rfm::default_segment_map(),
        cluster_features: vec![RECENCY_DAYS.into(), FREQUENCY.into(), MONETARY.into()],
        clusters: Some(ClusterChoice::Fixed(CLUSTERS)),
        seed: 0,
        runs: 4,
        outlier_threshold: 3.5,
    };
    let mut segmented = segment::compute(table, &settings)?;
    segment::round_for_output(&mut segmented.table)?;
    let profiles = segmented
        .profiles
        .map(|(header, rows)| ClusterProfiles { header, rows });
    Ok((CustomerSegments::from_table(&segmented.table)?, profiles))
}

/// `ckm rules --min-support 0.005 --min-confidence 0.2` on the report's item column.
fn rules(
    planned: &PlannedInputs,
    input: &str,
    item: &ItemSource,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Vec<RuleRow>> {
    let data = baskets_from_transactions(planned, item, policy::min_group().is_some(), record, printer)?;
    rules_of(&data, input)
}

/// `ckm rules recommend --transactions --model ease --max-items 2000 --top 5` on the
/// report's item column.
fn recommend(
    planned: &PlannedInputs,
    input: &str,
    item: &ItemSource,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<CustomerRecommendations> {
    recommend_to(customer_items(planned, item, record, printer)?, input)
}

/// EASE fitted on every customer's items, and each one's best items not yet bought.
fn recommend_to(data: CustomerItems, input: &str) -> Result<CustomerRecommendations> {
    let training = Training {
        purchases: data.purchases,
        orders: Vec::new(),
        item_names: &data.item_names,
    };
    let fitted = recommendations::fit(&training, Candidate::Ease(DEFAULT_LAMBDA), RECOMMENDER_ITEMS)
        .map_err(|e| CkmError::invalid(format!("{input}: ease could not be fitted: {e}")))?;
    // Scored: every customer, or RECOMMENDED_CUSTOMERS of them evenly spread in id order.
    let customers = data.customer_ids.len();
    let scored: Vec<usize> = if customers <= RECOMMENDED_CUSTOMERS {
        (0..customers).collect()
    } else {
        (0..RECOMMENDED_CUSTOMERS)
            .map(|j| j * customers / RECOMMENDED_CUSTOMERS)
            .collect()
    };
    let sample = Purchases {
        baskets: scored
            .iter()
            .map(|&c| training.purchases.baskets[c].clone())
            .collect(),
        items: training.purchases.items,
    };
    let recommended = fitted.recommend_all(&sample, RECOMMENDED_PER_CUSTOMER);
    let mut model = format!(
        "{} on the {} most bought items",
        fitted.name(),
        thousands(RECOMMENDER_ITEMS as u64)
    );
    if data.one_in > 1 {
        model += &format!(
            ", fitted on one customer in {} (by a hash of the id)",
            data.one_in
        );
    }
    if scored.len() < customers {
        model += &format!(
            ", scored for {} of these {} customers, evenly spread in id order",
            thousands(scored.len() as u64),
            thousands(customers as u64)
        );
    }
    drop(training);
    let mut ids = data.customer_ids;
    Ok(CustomerRecommendations {
        model,
        customer_ids: scored.iter().map(|&c| std::mem::take(&mut ids[c])).collect(),
        item_names: data.item_names,
        recommended,
    })
}

fn min_count(baskets: u64) -> u64 {
    MIN_SUPPORT.min_count(baskets).max(1)
}

/// `ckm rules --min-support 0.005 --min-confidence 0.2` on the baskets.
fn rules_of(data: &Baskets, input: &str) -> Result<Vec<RuleRow>> {
    let n = rule_mining::enough_baskets(data, input)?;
    let settings = RuleSettings {
        min_count: min_count(n),
        max_len: 0,
        max_itemsets: 10_000_000,
        min_confidence: MIN_CONFIDENCE,
        min_lift: None,
        max_consequent: 1,
        antecedent_has: Vec::new(),
        consequent_has: Vec::new(),
        order: RuleOrder::Lift,
        top: None,
    };
    let mined = rule_mining::compute(data, &settings)?;
    // Under a policy's min_group, the customers behind the best rules by lift (those the
    // report may show) are counted; a rule without a count is not shown then.
    let counted = policy::min_group().map_or(0, |_| RULES_COUNTED);
    let behind = (counted > 0)
        .then(|| rule_mining::CustomersBehind::new(data))
        .flatten();
    Ok(mined
        .rules
        .iter()
        .enumerate()
        .map(|(rank, rule)| {
            let metrics = rule.metrics(n);
            let customers = behind
                .as_ref()
                .filter(|_| rank < counted)
                .map(|b| b.count(&rule.items()));
            RuleRow {
                antecedent: braced(&rule.antecedent, &data.items),
                consequent: braced(&rule.consequent, &data.items),
                support: Some(metrics.support).filter(|v| v.is_finite()),
                confidence: Some(metrics.confidence).filter(|v| v.is_finite()),
                lift: Some(metrics.lift).filter(|v| v.is_finite()),
                customers,
            }
        })
        .collect())
}

/// `ckm forecast sales --period month --horizon 6`: revenue per month, the whole business.
fn revenue(
    planned: &PlannedInputs,
    input: &str,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<RevenueForecast> {
    let series = series_from_transactions(input, planned, &revenue_series(), record, printer, false)?.series;
    revenue_of(&series, input)
}

/// Revenue per month, the whole business; under a policy's min_group, with its customers.
fn revenue_series() -> SeriesSettings {
    SeriesSettings {
        measure: Measure::Revenue,
        period: Period::Month,
        grouping: Grouping::Whole,
        keep_partial: false,
        min_group: policy::min_group(),
    }
}

/// `ckm forecast sales --period month --horizon 6` on the monthly revenue.
fn revenue_of(series: &[crate::prepare::series::Series], input: &str) -> Result<RevenueForecast> {
    let period = revenue_series().period;
    if series.is_empty() {
        return Err(CkmError::invalid(format!(
            "{input}: no complete period with data; nothing to forecast"
        )));
    }
    let settings = ForecastSettings {
        method: Method::Auto,
        season: periods::default_season(period),
        horizon: FORECAST_MONTHS,
        holdout: None,
    };
    let outcomes = sales_forecast::compute(series, &settings, &Progress::hidden()).outcomes;
    let mut model = None;
    let points = sales_forecast::points(series, &outcomes, &[80.0, 95.0])
        .into_iter()
        .map(|point| {
            // Under min_group, a month of fewer customers (or a forecast of a business of
            // fewer) is left blank.
            let small = point.customers.is_some_and(policy::too_small);
            if small {
                policy::note_suppressed("revenue months", 1);
            }
            let finite = |v: f64| Some(v).filter(|v| v.is_finite() && !small);
            let bound = |level: usize, upper: bool| {
                point
                    .bounds
                    .get(level)
                    .and_then(|b| finite(if upper { b.1 } else { b.0 }))
            };
            if model.is_none() {
                model = point.model.filter(|m| !m.is_empty()).map(str::to_string);
            }
            RevenuePoint {
                month: day_text(periods::first_day(period, point.period))
                    .chars()
                    .take(7)
                    .collect(),
                is_history: !point.forecast,
                is_forecast: point.forecast,
                value: finite(point.value),
                lo_80: bound(0, false),
                hi_80: bound(0, true),
                lo_95: bound(1, false),
                hi_95: bound(1, true),
            }
        })
        .collect();
    Ok(RevenueForecast { points, model })
}

/// The repeat-purchase summaries in weeks, up to the last day: what both customer models fit.
const SUMMARIES: SummarySettings = SummarySettings {
    calibration_end_day: None,
    unit_days: WEEK,
    holdout_end_day: None,
};

fn summaries(
    planned: &PlannedInputs,
    input: &str,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<(Summaries, LineCustomers)> {
    let (summaries, _, line_customers) =
        summarise_transactions_by_line(input, planned, &SUMMARIES, record, printer, false)?;
    Ok((summaries, line_customers))
}

/// `ckm forecast customers`: BG/NBD and Gamma-Gamma, CLV over 52 weeks, undiscounted.
fn customer_values(data: &Summaries, input: &str, record: &mut RunRecord) -> Result<(CustomerValues, Fit)> {
    clv::check_fittable(data, input)?;
    let model = Model::BgNbd;
    let clv_fit = clv::fit(data, model, true);
    let quiet = Printer::new(true);
    for warning in clv_fit.warnings(model) {
        record.warn(&quiet, warning);
    }
    let ClvFit { purchases, spend, .. } = clv_fit;
    let settings = ScoreSettings {
        model,
        horizon: CLV_WEEKS,
        discount_rate: 0.0,
        holdout_length: None,
    };
    let spend = spend.usable().map(|fit| fit.parameters.as_slice());
    let scores = clv::score(data, &purchases.parameters, spend, &settings)?;
    Ok((CustomerValues::from_table(&scores.table)?, purchases))
}

/// `ckm churn --method bgnbd`: 1 − P(alive), with the high band the top 10% and the medium
/// band the next 20%; with the BG/NBD fit of the CLV when there is one.
fn churn(data: &Summaries, input: &str, fit: Option<Fit>, record: &mut RunRecord) -> Result<ChurnScores> {
    let model = Model::BgNbd;
    churn_risk::check_fittable(data, model, input)?;
    let settings = RiskSettings {
        model,
        high_share: 0.1,
        medium_share: 0.2,
    };
    let risk = match fit {
        Some(fit) => churn_risk::score(data, &settings, fit)?,
        None => churn_risk::compute(data, &settings)?,
    };
    if let Some(warning) = risk.warning(model) {
        record.warn(&Printer::new(true), warning);
    }
    ChurnScores::from_table(&risk.table)
}
