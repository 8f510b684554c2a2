//! The command line, declared with clap derive: one Args struct per subcommand, the flags every
//! subcommand shares declared once and flattened in. No behaviour lives here.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::CkmError;
pub use crate::io::clean_rules::ReturnsPolicy;
pub use crate::io::periods::Period;
use crate::io::presets::PresetChoice;
pub use crate::io::privacy::PrivacySettings;
use crate::io::read::{Encoding, ReadSettings};
use crate::io::spark::Remote;
pub use crate::io::write::TableFormat;
pub use crate::mining::btyd::TimeUnit;
use crate::prepare::spark::RemoteSource;
use crate::prepare::Engine;

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success (also when the reader of stdout goes away, as in `ckm ... | head`)
  1  runtime or I/O error
  2  usage error
  3  input data invalid (missing required columns, nothing parseable, wrong encoding)";

#[derive(Debug, Parser)]
#[command(
    name = "ckm",
    version,
    about = "Customer knowledge mining: turn CRM and order exports into customer knowledge",
    long_about = "ckm reads customer and order exports from CRM, web-shop and point-of-sale \
systems into one canonical transactions table and mines it. Data goes to stdout (CSV by \
default) or to -o FILE; summaries and errors go to stderr.",
    after_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Append one JSON line per run (time, user, host, version, command line with secrets
    /// redacted, inputs and outputs with sha256 and rows, exit code) to this file, created
    /// with mode 0600
    #[arg(long, global = true, env = "CKM_AUDIT_LOG", value_name = "PATH")]
    pub audit_log: Option<PathBuf>,

    /// A role policy (TOML): which columns and report sections each role may receive and
    /// whether its customer ids are pseudonymised; needs --role
    #[arg(
        long,
        global = true,
        env = "CKM_POLICY",
        value_name = "FILE",
        requires = "role"
    )]
    pub policy: Option<PathBuf>,

    /// The role of --policy whose limits apply to every output of this run
    #[arg(
        long,
        global = true,
        env = "CKM_ROLE",
        value_name = "NAME",
        requires = "policy"
    )]
    pub role: Option<String>,

    /// Encrypt every file this run writes (outputs, rejects, models, manifests, the report)
    /// to this age recipient (age1...) or to the recipients in this file; repeatable
    #[arg(long, global = true, value_name = "RECIPIENT")]
    pub encrypt_to: Vec<String>,

    /// The age identity file that decrypts inputs ending in .age (age-keygen's output)
    #[arg(long, global = true, env = "CKM_IDENTITY", value_name = "FILE")]
    pub identity: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read CSV, TSV, Parquet, JSON, NDJSON or Arrow exports into the canonical transactions table
    #[command(after_help = INGEST_HELP)]
    Ingest(IngestArgs),
    /// Remove duplicates, reject unusable rows with a reason, separate returns, normalise ids
    #[command(after_help = CLEAN_HELP)]
    Clean(CleanArgs),
    /// One row per customer: RFM features, scores and segments, k-means clusters, outliers
    #[command(after_help = SEGMENT_HELP)]
    Segment(SegmentArgs),
    /// Frequent itemsets and association rules (FP-Growth) from baskets or transactions
    #[command(after_help = RULES_HELP, args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Rules(RulesArgs),
    /// Forecasts: customers' future purchases, survival and value (buy-till-you-die models),
    /// and sales per period with prediction intervals
    #[command(subcommand)]
    Forecast(ForecastVerb),
    /// Churn: train a model on labelled customers or on labels derived from transactions,
    /// score new customers with it, or score churn risk as 1 - P(alive) (BG/NBD)
    #[command(after_help = CHURN_HELP, args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Churn(ChurnArgs),
    /// The customer-knowledge report: key figures, revenue and its forecast, segments,
    /// cohorts, rules, CLV and churn risk, as one self-contained HTML page, Markdown, or a
    /// terminal summary
    #[command(after_help = REPORT_HELP)]
    Report(Box<ReportArgs>),
    /// Write the deterministic sample CRM exports under sample-data/
    #[command(hide = true)]
    GenerateSample(GenerateSampleArgs),
    /// Regenerate the man pages and shell completions from these definitions
    #[command(hide = true)]
    GenerateDocs(GenerateDocsArgs),
}

const INGEST_HELP: &str = "\
Canonical columns: customer_id, order_id, ts (datetime, ms), amount, quantity, unit_price,
item_id, item_name, category, channel, then the source's other columns unchanged, then
source_row (1-based row in its file, the header being row 1), source_file (when several
inputs are given) and ingest_issue (why a value could not be parsed; `ckm clean` rejects
those rows).

Examples:
  ckm ingest orders.csv -o orders.parquet
  ckm ingest web=web_orders.csv store=pos.tsv -o all.parquet
  ckm ingest export.csv --map customer_id='Kundennummer' --dayfirst --explain
  cat orders.csv | ckm ingest - | ckm clean - -o clean.csv";

const CLEAN_HELP: &str = "\
Rules, applied in this order, each with a count in the summary:
  1. whitespace trimmed and customer ids normalised (17850.0 and 17850 are one id)
  2. exact duplicate rows removed
  3. rows with a missing or unparseable customer_id, ts or amount rejected
  4. returns and cancellations (negative quantity or amount, order ids like C536379)
     handled by --returns
  5. non-positive unit prices rejected
  6. timestamps after --max-date (default: now) or before 1970 rejected
Every removed row goes to --rejects with a `reason`; rows in = rows out + rows rejected.

Examples:
  ckm clean orders.parquet -o clean.parquet --rejects rejects.csv
  ckm ingest crm.csv | ckm clean - --returns keep > clean.csv";

const RULES_HELP: &str = "\
Baskets come from a transactions table (one per order_id; lines without an order id form one
basket per customer and day; the item is item_id, or --item-col) or from --baskets FILE: one
basket per line, items separated by commas (with CSV quoting), tabs or spaces, no header, as
the arules Groceries CSV and the FIMI .dat files. Duplicate items in a basket count once.

Thresholds are exact: --min-support 0.001 on 9,835 baskets means a count of at least
ceil(9.835) = 10, and a rule passes when count(X and Y) / count(X) >= --min-confidence,
compared on integers (a rule exactly on the threshold is kept).

Rules have one item in the consequent unless --max-consequent says more. Metrics: support
(of antecedent and consequent together), confidence, lift, leverage, conviction (inf when
the confidence is 1), antecedent_support, consequent_support, count.

Verbs: `mine` (the default), `sequences` (patterns over each customer's orders in time
order: {A} -> {B, C}, support = share of customers, --max-gap DAYS between consecutive
orders), `recommend` (per customer, items not yet bought from the rules whose whole
antecedent they bought: score = the best confidence, ties by lift).

Examples:
  ckm rules --baskets groceries.csv --min-support 0.001 --min-confidence 0.5 -o rules.csv
  ckm rules sequences clean.parquet --min-support 0.01 --max-gap 90 -o patterns.csv
  ckm rules recommend --rules rules.csv --transactions clean.parquet --top 5 -o recs.csv
  ckm rules clean.parquet --item-col category --min-support 0.01 --sort confidence --top 20
  ckm rules --baskets retail.dat --min-support 0.005 --itemsets itemsets.parquet --closed";

const REPORT_HELP: &str = "\
Reads a transactions table once and runs the default analyses on it (those of ckm segment
with 5 clusters, ckm rules, ckm forecast sales by month, ckm forecast customers, ckm churn
--method bgnbd), then renders the results; --segments, --rules, --forecast, --clv and --churn take those commands' outputs
instead of recomputing them. The page is one HTML file with its CSS and SVG charts inline:
no script, no font or image from the network, so it opens offline and from a mail.

Output: -o report.html (or .htm), -o report.md (or --format md), or without -o a terminal
summary of the key figures.

Examples:
  ckm report clean.parquet -o report.html --title 'Nightly customer report' --currency EUR
  ckm report clean.parquet --segments seg.csv --churn risk.csv -o report.md
  ckm report clean.parquet";

const CHURN_HELP: &str = "\
Three ways in:
  1. A labelled customer table (CRM or subscription export with a churn column):
     ckm churn train customers.csv --target Churn --model-out churn.json -o scores.csv
     Labels yes/no, true/false, 1/0, y/n (any case). Numeric columns are used as they are
     (numbers stored as text are parsed; missing values get the training median and a
     missing-indicator feature); text columns are one-hot encoded, levels with fewer than
     10 rows or 0.5% of rows grouped into `other`. Excluded automatically and listed: the id
     column, id-like columns (a different value on every row), personal data (names,
     emails, phones, addresses), constant columns. --exclude and --features override.
  2. Transactions, labels derived: ckm churn train tx.parquet --window 90 [--cutoff DATE]
     Features from the lines up to the cutoff (those of `ckm segment` plus spend in the last
     30 and 90 days and their share of all spend); churned = no purchase in the --window days
     after the cutoff (default cutoff: the latest line minus the window). The scores are for
     every customer as of the end of the data.
  3. Transactions, no training: ckm churn tx.parquet --method bgnbd
     churn_probability = 1 - P(alive) of the fitted BG/NBD (or Pareto/NBD, MBG/NBD) model.

Models: logistic (L2, C = 1, standardised features), gbdt (histogram gradient boosting with
scikit-learn's HistGradientBoosting defaults), auto (the better out-of-fold ROC AUC). Folds
are stratified and seeded (--folds, --seed), or read from --folds-file (id,fold). Class
imbalance: probabilities stay calibrated (no reweighting unless --class-weight balanced); the
confusion matrix uses the threshold that maximises F1 on the out-of-fold scores.

Output: id, churn_probability, risk_band (high: the top 10% of the training scores, medium:
the next 20%, low: the rest; --bands), top_drivers (the three input columns that raise this
customer's log-odds most: coefficient x standardised value for logistic; Saabas path
contributions for gbdt), and the label when training. Metrics (stderr and --metrics JSON):
out-of-fold ROC AUC, PR AUC, log loss, Brier score, top-decile lift, confusion matrix,
calibration table, feature importance.

Examples:
  ckm churn train telco.csv --target Churn --model-out churn.json -o scores.csv
  ckm churn score new_customers.csv --model churn.json -o scores.csv
  ckm churn train clean.parquet --window 90 --model gbdt --metrics metrics.json -o risk.csv
  ckm churn clean.parquet --method bgnbd -o risk.csv";

const SEGMENT_HELP: &str = "\
Features per customer, as of --as-of (default: the day after the latest line): recency_days,
frequency (distinct orders; distinct purchase days without order ids), monetary,
avg_order_value, first_purchase, last_purchase, tenure_days, mean_days_between_orders, and
distinct_items, channels and return_rate when the input has them.

Scores r_score, f_score, m_score run 1..N (--bins, default 5; 5 = most recent, most frequent,
highest spend): floor(N * (min_rank - 1) / customers) + 1, so tied values share a score.

rfm_segment, first matching rule on R and F (scores brought to 1..5):
  Champions           R 5     F 4-5
  Loyal Customers     R 3-4   F 4-5
  Potential Loyalists R 4-5   F 2-3
  New Customers       R 5     F 1
  Promising           R 4     F 1
  Need Attention      R 3     F 3
  About To Sleep      R 3     F 1-2
  Can't Lose Them     R 1-2   F 5
  At Risk             R 1-2   F 3-4
  Lost                R 1     F 1
  Hibernating         R 1-2   F 1-2
--segment-map rules.csv (columns segment,r_min,r_max,f_min,f_max) or rules.toml
([[segment]] tables with name, r = [min, max], f = [min, max]) replaces it.

Lines without a customer_id belong to no customer: they go to --rejects (default: beside a
file output as NAME.rejects.csv) with a reason; lines in = lines aggregated + lines rejected.

--clusters K|auto adds k-means (k-means++, --runs seeded runs, best inertia kept) on
standardised log1p features (--features, default recency_days,frequency,monetary): columns
cluster (0 = largest), cluster_label and cluster_distance; auto tries k = 2..10 and keeps the
best silhouette score (on a seeded sample of at most 20,000 customers).

outlier / outlier_reason: a feature's robust z-score (median and MAD of its log) beyond
--outlier-threshold, or a distance to the own cluster centre beyond the 99.9th percentile.

Examples:
  ckm segment clean.parquet -o customers.csv
  ckm segment clean.parquet --clusters auto --profiles clusters.csv -o customers.parquet
  ckm ingest orders.csv | ckm clean - | ckm segment - --as-of 2025-01-01 > customers.csv";

/// Flags shared by every subcommand that writes a table.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl
    /// .arrow). Without it, or with `-`, the table goes to stdout as CSV
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<String>,

    /// Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed
    /// way to pipe between ckm commands)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<TableFormat>,

    /// Write a JSON run record: version, command line, inputs and outputs with sizes, sha256
    /// and row counts, parameters, summary figures and timings
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,

    /// Print no summary on stderr (errors are still printed)
    #[arg(short, long)]
    pub quiet: bool,
}

/// Personal data in the outputs.
#[derive(Debug, Args, Clone)]
pub struct PrivacyArgs {
    /// Replace customer_id (and source_customer_id) with keyed pseudonyms: `c_` and the first
    /// 20 hex digits of HMAC-SHA256(secret, id). The same secret gives the same pseudonyms in
    /// every run and every command, so outputs still join
    #[arg(long)]
    pub pseudonymize: bool,

    /// Environment variable holding the secret for --pseudonymize
    #[arg(long, value_name = "NAME", default_value = "CKM_SECRET")]
    pub secret_env: String,

    /// File holding the secret for --pseudonymize (a trailing newline is ignored); beats
    /// --secret-env
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,

    /// Keep columns that hold personal data (emails, phones, names, addresses, postcodes,
    /// birth dates, IP addresses), which are dropped by default
    #[arg(long, conflicts_with = "mask_pii")]
    pub keep_pii: bool,

    /// Keep personal-data columns in a masked form (j***@example.com, ***4567, J***) for
    /// outputs people read
    #[arg(long)]
    pub mask_pii: bool,
}

/// Where the lines are aggregated: on this machine, or on a Spark cluster.
#[derive(Debug, Args, Clone, Default)]
pub struct EngineArgs {
    /// Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect
    /// server, --remote; INPUT is then a path the cluster reads, or give --table)
    #[arg(long, value_enum, default_value_t = EngineKind::Local)]
    pub engine: EngineKind,

    /// The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true
    #[arg(long, value_name = "URL", env = "SPARK_REMOTE", hide_env_values = true)]
    pub remote: Option<String>,

    /// With --engine spark, read this table of the cluster's catalog (catalog.db.orders)
    /// instead of INPUT
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineKind {
    #[default]
    Local,
    Spark,
}

/// How input files are read and mapped onto the canonical columns.
#[derive(Debug, Args, Clone, Default)]
pub struct ReadArgs {
    /// Map a canonical column to a source header, overriding the automatic mapping
    /// (repeatable), e.g. --map ts='Posting Date'
    #[arg(long = "map", value_name = "CANONICAL=HEADER")]
    pub map: Vec<String>,

    /// Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year
    #[arg(long)]
    pub dayfirst: bool,

    /// Date format for the ts column, strftime style (e.g. '%d.%m.%Y %H:%M'), instead of
    /// detecting it
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,

    /// Text encoding of delimited input; anything but UTF-8 is decoded before parsing
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    pub encoding: Encoding,

    /// Field delimiter of delimited input, instead of sniffing it among , ; TAB |
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<char>,

    /// A platform's standard export, read as the platform writes it: shopify-orders,
    /// stripe-payments, salesforce-opportunity-products, square-item-details,
    /// square-transactions, woocommerce-orders; or none
    /// to map headers by their names alone (default: recognised from the headers)
    #[arg(long, value_name = "NAME|none", value_parser = PresetChoice::parse)]
    pub preset: Option<PresetChoice>,

    /// The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the
    /// first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Input files, globs, directories of Parquet files, or `-` for stdin; prefix NAME= to set
    /// the channel of that input's rows (web=web_orders.csv)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub read: ReadArgs,

    /// Print the column mapping chosen for each input and why, then exit
    #[arg(long)]
    pub explain: bool,

    /// Customer attribute tables (CRM, web-shop accounts, loyalty members), NAME=PATH to give
    /// the channel whose ids they hold (repeatable). Records that share a normalised email or
    /// phone number become one customer: customer_id becomes the unified id and the
    /// channel's own id moves to source_customer_id
    #[arg(long = "customers", value_name = "[NAME=]PATH")]
    pub customers: Vec<String>,

    /// Country calling code for phone numbers written without one (1 for the US and Canada,
    /// 44 for the UK); without it such numbers compare as written
    #[arg(long, value_name = "CODE", value_parser = parse_country_code)]
    pub default_country: Option<String>,

    /// Write the identity mapping (source_channel, source_customer_id, customer_id, rule)
    /// here; needs --customers
    #[arg(long, value_name = "PATH", requires = "customers")]
    pub identity_map: Option<String>,

    #[command(flatten)]
    pub privacy: PrivacyArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

impl Command {
    /// The subcommand's name as typed, for run records.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Ingest(_) => "ingest",
            Command::Clean(_) => "clean",
            Command::Segment(_) => "segment",
            Command::Rules(_) => "rules",
            Command::Forecast(_) => "forecast",
            Command::Churn(_) => "churn",
            Command::Report(_) => "report",
            Command::GenerateSample(_) => "generate-sample",
            Command::GenerateDocs(_) => "generate-docs",
        }
    }
}

fn parse_country_code(text: &str) -> Result<String, String> {
    let digits = text.trim().trim_start_matches('+');
    if (1..=3).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
    {
        Ok(digits.to_string())
    } else {
        Err(format!(
            "'{text}' is not a country calling code: 1 to 3 digits, e.g. 1, 44 or 353"
        ))
    }
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// The transactions table (usually `ckm ingest` output), or `-` for stdin
    #[arg(value_name = "INPUT")]
    pub input: String,

    #[command(flatten)]
    pub read: ReadArgs,

    /// Where the removed rows go, with their values, source row and a `reason` column
    /// (format from the extension, CSV by default)
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<String>,

    /// Returns and cancellations: drop them (to rejects), keep them (flagged in an `is_return`
    /// column), or net them against the customer's matching purchases
    #[arg(long, value_enum, default_value_t = ReturnsPolicy::Drop)]
    pub returns: ReturnsPolicy,

    /// Latest acceptable timestamp (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); later rows are
    /// rejected as in the future. Default: now
    #[arg(long, value_name = "DATE")]
    pub max_date: Option<String>,

    /// Memory the run may hold (8G, 512M, or 40% of this machine's); lines beyond it are
    /// spilled to disk by customer and cleaned partition by partition, with the same output.
    /// Default: half of this machine's memory (or of the container's limit)
    #[arg(long, value_name = "SIZE")]
    pub memory_limit: Option<String>,

    /// Where lines spilled over --memory-limit go (removed at the end of the run). Default:
    /// the system's temporary directory, or the output's directory when that one is held in
    /// memory (tmpfs)
    #[arg(long, value_name = "DIR")]
    pub temp_dir: Option<PathBuf>,

    #[command(flatten)]
    pub privacy: PrivacyArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct SegmentArgs {
    /// The transactions table (usually `ckm clean` output), or `-` for stdin; with --engine
    /// spark, a path the cluster reads
    #[arg(value_name = "INPUT", required_unless_present = "table")]
    pub input: Option<String>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub engine: EngineArgs,

    /// Date the features are computed as of (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); default: the
    /// day after the latest line
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,

    /// Number of score levels for r_score, f_score and m_score
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(2..=20))]
    pub bins: u8,

    /// Segment rules replacing the built-in map: CSV with segment,r_min,r_max,f_min,f_max, or
    /// TOML (.toml) with [[segment]] tables of name, r = [min, max], f = [min, max]
    #[arg(long, value_name = "PATH")]
    pub segment_map: Option<PathBuf>,

    /// Write lines without a customer_id here, with a reason (default: beside a file output
    /// as NAME.rejects.csv)
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<String>,

    /// k-means clusters: a number, or `auto` to pick k in 2..10 by silhouette score
    #[arg(long, value_name = "K|auto", value_parser = parse_cluster_count)]
    pub clusters: Option<ClusterCount>,

    /// Features to cluster on and to check for outliers, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub features: Vec<String>,

    /// Seed for k-means initialisation and silhouette sampling: same input and seed, same
    /// clusters
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// k-means runs from different seeded starts; the lowest inertia is kept
    #[arg(long, default_value_t = 4, value_parser = parse_runs)]
    pub runs: usize,

    /// Robust z-score beyond which a feature marks a customer as an outlier
    #[arg(long, default_value_t = 3.5, value_name = "Z")]
    pub outlier_threshold: f64,

    /// Write the cluster profiles (size, shares, mean and median of each feature) here
    #[arg(long, value_name = "PATH")]
    pub profiles: Option<String>,

    #[command(flatten)]
    pub privacy: PrivacyArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
    Terminal,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The transactions table (usually `ckm clean` output), or `-` for stdin; with --engine
    /// spark, a path the cluster reads
    #[arg(value_name = "INPUT", required_unless_present = "table")]
    pub input: Option<String>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub engine: EngineArgs,

    /// Where the report goes: .html/.htm or .md; without it, a terminal summary
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// The format, overriding the extension
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,

    /// The report's title
    #[arg(long, default_value = "Customer knowledge report")]
    pub title: String,

    /// The day the key figures and cohorts are computed to (YYYY-MM-DD); default: the latest
    /// line's day. The analyses use every line of the input
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,

    /// Currency code or symbol shown with money (EUR, USD, £, ...)
    #[arg(long, default_value = "")]
    pub currency: String,

    /// A customer table (`ckm ingest --customers` style) whose non-personal attributes
    /// (plan, region, ...) are broken down by customers and revenue
    #[arg(long, value_name = "FILE")]
    pub customers: Option<PathBuf>,

    /// A `ckm segment` output to use instead of running it
    #[arg(long, value_name = "FILE")]
    pub segments: Option<PathBuf>,

    /// A `ckm rules` output to use instead of running it
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// A `ckm forecast sales` output to use instead of running it
    #[arg(long, value_name = "FILE")]
    pub forecast: Option<PathBuf>,

    /// A `ckm forecast customers` output to use instead of running it
    #[arg(long, value_name = "FILE")]
    pub clv: Option<PathBuf>,

    /// A `ckm churn` output (with churn_probability and risk_band) to use instead of running it
    #[arg(long, value_name = "FILE")]
    pub churn: Option<PathBuf>,

    /// A `ckm clean --manifest` file: its rejected rows by reason go in the data-quality section
    #[arg(long, value_name = "FILE")]
    pub clean_manifest: Option<PathBuf>,

    /// Write a JSON run record
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,

    /// Print no summary on stderr (errors are still printed)
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ChurnArgs {
    #[command(subcommand)]
    pub verb: Option<ChurnVerb>,

    // Boxed: the options make this variant several times the size of the others.
    #[command(flatten)]
    pub risk: Box<ChurnRiskArgs>,
}

#[derive(Debug, Subcommand)]
pub enum ChurnVerb {
    /// Train a churn model, report out-of-fold metrics and score the training customers
    Train(Box<ChurnTrainArgs>),
    /// Score customers with a model saved by `ckm churn train --model-out`
    Score(Box<ChurnScoreArgs>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChurnModel {
    Auto,
    Logistic,
    Gbdt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClassWeight {
    None,
    Balanced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChurnMethod {
    Bgnbd,
    ParetoNbd,
    Mbgnbd,
}

/// The shares of customers in the high and medium risk bands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    pub high: f64,
    pub medium: f64,
}

fn parse_bands(text: &str) -> Result<Bands, String> {
    let shares: Vec<f64> = text
        .split(',')
        .map(|t| {
            t.trim()
                .parse::<f64>()
                .map_err(|_| format!("'{t}' is not a number"))
        })
        .collect::<Result<_, _>>()?;
    if shares.len() != 2
        || shares.iter().any(|s| !(*s > 0.0 && *s < 1.0))
        || shares.iter().sum::<f64>() >= 1.0
    {
        return Err("give two shares between 0 and 1 that sum to less than 1, e.g. 0.1,0.2".into());
    }
    Ok(Bands {
        high: shares[0],
        medium: shares[1],
    })
}

#[derive(Debug, Args)]
pub struct ChurnTrainArgs {
    /// A customer table with a label column (--target), or a transactions table (labels
    /// derived with --window), or `-` for stdin; with --engine spark, transactions at a path
    /// the cluster reads
    #[arg(value_name = "INPUT", required_unless_present = "table")]
    pub input: Option<String>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub engine: EngineArgs,

    /// The label column of a customer table: yes/no, true/false, 1/0
    #[arg(long, value_name = "COLUMN")]
    pub target: Option<String>,

    /// The customer id column (default: customer_id, customerID, CustomerId, id, ...)
    #[arg(long, value_name = "COLUMN")]
    pub id: Option<String>,

    /// Columns not to use as features, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    pub exclude: Vec<String>,

    /// Use only these columns as features, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    pub features: Vec<String>,

    /// Transactions: the last day of the history the features come from (YYYY-MM-DD);
    /// default: the latest line minus --window
    #[arg(long, value_name = "DATE", conflicts_with = "target")]
    pub cutoff: Option<String>,

    /// Transactions: a customer churned when they bought nothing in this many days after the
    /// cutoff
    #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..))]
    pub window: u32,

    /// logistic, gbdt, or auto (the better out-of-fold ROC AUC)
    #[arg(long, value_enum, default_value_t = ChurnModel::Auto)]
    pub model: ChurnModel,

    /// Cross-validation folds (stratified)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=50))]
    pub folds: u32,

    /// Read each customer's fold from this CSV (id,fold), e.g. the folds scikit-learn used
    #[arg(long, value_name = "PATH")]
    pub folds_file: Option<PathBuf>,

    /// Seed for the folds and the trees' early-stopping sample
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Cross-validate the models on a stratified sample of this many customers when there
    /// are more (0: all); the chosen model is then fitted on every customer. The out-of-fold
    /// metrics, the threshold and the calibration are the sample's
    #[arg(long, value_name = "N", default_value_t = 200_000)]
    pub cv_sample: usize,

    /// Weight the classes equally in training (probabilities then overstate churn)
    #[arg(long, value_enum, default_value_t = ClassWeight::None)]
    pub class_weight: ClassWeight,

    /// Shares of customers in the high and medium risk bands
    #[arg(long, default_value = "0.1,0.2", value_parser = parse_bands, value_name = "HIGH,MEDIUM")]
    pub bands: Bands,

    /// Save the model (features, encodings, parameters, training metrics) as JSON
    #[arg(long, value_name = "PATH")]
    pub model_out: Option<PathBuf>,

    /// Write the metrics as JSON
    #[arg(long, value_name = "PATH")]
    pub metrics: Option<PathBuf>,

    /// Write rows that could not be used (a label that is not yes/no; a transaction line
    /// without customer_id or ts) here, with a reason (default: beside a file output as
    /// NAME.rejects.csv)
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ChurnScoreArgs {
    /// The customers to score: a customer table like the training one, or transactions for
    /// a model trained on transactions; `-` for stdin
    #[arg(value_name = "INPUT")]
    pub input: String,

    #[command(flatten)]
    pub read: ReadArgs,

    /// The model saved by `ckm churn train --model-out`
    #[arg(long, value_name = "PATH")]
    pub model: PathBuf,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ChurnRiskArgs {
    /// The transactions table, or `-` for stdin; with --engine spark, a path the cluster reads
    #[arg(value_name = "INPUT", required_unless_present_any = ["method", "table"])]
    pub input: Option<String>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub engine: EngineArgs,

    /// Score churn risk as 1 - P(alive) of this customer-base model, fitted on the input
    #[arg(long, value_enum, required_unless_present = "input")]
    pub method: Option<ChurnMethod>,

    /// Shares of customers in the high and medium risk bands
    #[arg(long, default_value = "0.1,0.2", value_parser = parse_bands, value_name = "HIGH,MEDIUM")]
    pub bands: Bands,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum ForecastVerb {
    /// Per-customer repeat purchases, P(alive) and value by BG/NBD and Gamma-Gamma
    Customers(Box<ForecastCustomersArgs>),
    /// Revenue, orders, customers or quantity per period, forecast with prediction intervals
    /// (ETS, Theta, ARIMA, baselines, and the ETS + Theta ensemble)
    Sales(Box<ForecastSalesArgs>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SalesMeasure {
    Revenue,
    Orders,
    Customers,
    Quantity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SalesModel {
    Auto,
    Ets,
    Theta,
    Arima,
    SeasonalNaive,
    Naive,
    Mean,
    Ensemble,
}

#[derive(Debug, Args)]
pub struct ForecastSalesArgs {
    /// The transactions table, or with --series a table of dates and values; `-` for stdin;
    /// with --engine spark, transactions at a path the cluster reads
    #[arg(value_name = "INPUT", required_unless_present = "table")]
    pub input: Option<String>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub engine: EngineArgs,

    /// The input is a ready series: a date column and a value column (see --date-column,
    /// --value-column), summed per period
    #[arg(long)]
    pub series: bool,

    /// Date column of a --series table
    #[arg(long, default_value = "date", value_name = "NAME", requires = "series")]
    pub date_column: String,

    /// Value column of a --series table
    #[arg(long, default_value = "value", value_name = "NAME", requires = "series")]
    pub value_column: String,

    /// What to forecast from transactions: revenue (sum of amount), orders (distinct
    /// order_id), customers (distinct customer_id) or quantity
    #[arg(long, value_enum, default_value_t = SalesMeasure::Revenue)]
    pub measure: SalesMeasure,

    /// Calendar period of the series (weeks start on Monday)
    #[arg(long, value_enum, default_value_t = Period::Month)]
    pub period: Period,

    /// Forecast each value of this column separately (channel, category, or any column; with
    /// --segments, a column of the segments file)
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,

    /// A `ckm segment` output (or any table with customer_id): each customer's lines go to
    /// the group of the --by column there (default rfm_segment)
    #[arg(long, value_name = "FILE", conflicts_with = "series")]
    pub segments: Option<String>,

    /// Write transaction lines left out (no ts, or nothing to measure) here, with a reason
    /// (default: beside a file output as NAME.rejects.csv)
    #[arg(long, value_name = "PATH", conflicts_with = "series")]
    pub rejects: Option<String>,

    /// Periods to forecast; default one season (28 days, 13 weeks, 12 months, 8 quarters, 6 years)
    #[arg(long, value_name = "N")]
    pub horizon: Option<usize>,

    /// Model: auto is the mean of ets and theta, or of the blend of ets, theta and arima whose
    /// backtests over all the series were clearly better
    #[arg(long, value_enum, default_value_t = SalesModel::Auto)]
    pub model: SalesModel,

    /// Season length in periods; default 7 (day), 52 (week), 12 (month), 4 (quarter), 1 (year:
    /// no season)
    #[arg(long, value_name = "N")]
    pub season: Option<usize>,

    /// Prediction interval levels in percent
    #[arg(long, value_delimiter = ',', default_values_t = [80.0, 95.0], value_name = "LEVELS")]
    pub level: Vec<f64>,

    /// Keep an incomplete last period (dropped by default: it would look like a drop in sales)
    #[arg(long)]
    pub keep_partial: bool,

    /// Hold out the last N periods: every model is fitted on the rest and scored on them
    /// (MAE, RMSE, MASE, sMAPE)
    #[arg(long, value_name = "N")]
    pub holdout: Option<usize>,

    /// Write the holdout scores per series and model to this table
    #[arg(long, value_name = "PATH", requires = "holdout")]
    pub evaluation: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ForecastCustomersArgs {
    /// The transactions table, or a summary table with frequency, recency and T (and
    /// monetary_value) per customer; `-` for stdin; with --engine spark, transactions at a
    /// path the cluster reads
    #[arg(value_name = "INPUT", required_unless_present = "table")]
    pub input: Option<String>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub engine: EngineArgs,

    /// Purchase model: bgnbd (BG/NBD), pareto-nbd (Pareto/NBD) or mbgnbd (MBG/NBD); or the
    /// path of a model saved with --model-out, to score the input with it instead of fitting
    /// (a file named like a model needs a directory, e.g. ./bgnbd)
    #[arg(long, default_value = "bgnbd", value_name = "MODEL|PATH")]
    pub model: String,

    /// Write the fitted models (kind, parameters, standard errors, log-likelihood, time unit,
    /// calibration end) as JSON, for scoring later with --model PATH
    #[arg(long, value_name = "PATH")]
    pub model_out: Option<PathBuf>,

    /// Unit of recency, T and the horizon (purchases are counted per calendar day);
    /// default week, or the saved model's
    #[arg(long, value_enum)]
    pub time_unit: Option<TimeUnit>,

    /// End of the calibration period (YYYY-MM-DD); default: the latest transaction's date
    #[arg(long, visible_alias = "as-of", value_name = "DATE")]
    pub calibration_end: Option<String>,

    /// End of a holdout period after --calibration-end (YYYY-MM-DD): fit on the calibration
    /// period, predict the holdout, and compare with what the customers actually bought
    #[arg(long, value_name = "DATE", requires = "calibration_end")]
    pub holdout_end: Option<String>,

    /// Write the holdout comparison (mean predicted and actual repeat transactions by
    /// calibration frequency 0..7+) to this table
    #[arg(long, value_name = "PATH", requires = "holdout_end")]
    pub evaluation: Option<String>,

    /// Forecast horizon, in time units
    #[arg(long, default_value_t = 52.0, value_name = "N")]
    pub horizon: f64,

    /// Discount rate per time unit for the CLV
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub discount_rate: f64,

    /// Skip the Gamma-Gamma spend model (no expected_avg_value or clv)
    #[arg(long)]
    pub no_spend: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub verb: Option<RulesVerb>,

    // Boxed: the options make this variant several times the size of the others.
    #[command(flatten)]
    pub mine: Box<MineArgs>,
}

#[derive(Debug, Subcommand)]
pub enum RulesVerb {
    /// Frequent itemsets and association rules (the default when no verb is given)
    Mine(Box<MineArgs>),
    /// Sequential patterns over each customer's orders in time order (PrefixSpan)
    Sequences(Box<SequenceArgs>),
    /// For each customer, items not yet bought: by association rules (--rules) or by a
    /// recommender fitted on the transactions (EASE, item-kNN), with why
    Recommend(Box<RecommendArgs>),
}

#[derive(Debug, Args)]
pub struct SequenceArgs {
    /// The transactions table (usually `ckm clean` output), or `-` for stdin
    #[arg(value_name = "INPUT")]
    pub input: String,

    #[command(flatten)]
    pub read: ReadArgs,

    /// The item column (default item_id, else item_name)
    #[arg(long, value_name = "COLUMN")]
    pub item_col: Option<String>,

    /// Minimum support as a fraction of customers (inclusive)
    #[arg(long, value_name = "FRACTION", conflicts_with = "min_count")]
    pub min_support: Option<String>,

    /// Minimum support as a number of customers (inclusive)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub min_count: Option<u64>,

    /// Most items in a pattern (0 = no limit)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub max_len: usize,

    /// Most days between consecutive elements of a pattern
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(0..))]
    pub max_gap: Option<i64>,

    /// Stop with an error beyond this many patterns, rather than run out of memory
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    pub max_patterns: usize,

    /// Keep only the N patterns with the most customers
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// Write lines left out (no customer, item or date) here, with a reason (default: beside
    /// a file output as NAME.rejects.csv)
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// Rules written by `ckm rules` (CSV, TSV, Parquet, JSON); without it, a recommender is
    /// fitted on --transactions (--model)
    #[arg(long, value_name = "RULES")]
    pub rules: Option<PathBuf>,

    /// The transactions table whose customers get recommendations
    #[arg(long, value_name = "TX")]
    pub transactions: String,

    #[command(flatten)]
    pub read: ReadArgs,

    /// The item column the rules were mined on (default item_id, else item_name)
    #[arg(long, value_name = "COLUMN")]
    pub item_col: Option<String>,

    /// Recommendations per customer
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub top: u64,

    /// Without --rules, the recommender fitted on the transactions: auto fits ease (λ 500),
    /// item-knn, ease with four other ridges and rules on all but the last quarter of the time
    /// span, and keeps ease (λ 500) unless another's precision on what customers first bought
    /// in that quarter is higher by more than a standard error; rules are mined on the orders
    #[arg(long, value_enum, default_value_t = RecommendModel::Auto, conflicts_with = "rules")]
    pub model: RecommendModel,

    /// EASE's ridge λ (default: auto tries 125 to 2000, ease takes 500)
    #[arg(long, value_name = "LAMBDA", conflicts_with = "rules")]
    pub lambda: Option<f64>,

    /// EASE models at most this many items, the most bought ones (it holds 12 bytes per pair
    /// of items)
    #[arg(long, default_value_t = 10_000, value_name = "N", conflicts_with = "rules")]
    pub max_items: usize,

    /// The rules' minimum support, a fraction of the orders (default 0.005)
    #[arg(long, value_name = "FRACTION", conflicts_with = "rules")]
    pub min_support: Option<String>,

    /// Fit on the lines before DATE (YYYY-MM-DD) and score the recommendations, and the most
    /// popular items as a baseline, on what customers active before DATE first bought from it
    /// on: precision, recall and hit rate at --top, and coverage
    #[arg(long, value_name = "DATE", conflicts_with = "rules")]
    pub holdout_start: Option<String>,

    /// Write the holdout scores here, a row per recommender (needs --holdout-start)
    #[arg(long, value_name = "PATH", requires = "holdout_start")]
    pub evaluation: Option<String>,

    /// Write lines left out (no customer or item) here, with a reason (default: beside a
    /// file output as NAME.rejects.csv)
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Recommenders fitted on the transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecommendModel {
    Auto,
    ItemKnn,
    Ease,
    Rules,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleSort {
    Lift,
    Confidence,
    Support,
    Leverage,
}

#[derive(Debug, Args)]
pub struct MineArgs {
    /// The transactions table (usually `ckm clean` output), or `-` for stdin; or use
    /// --baskets; with --engine spark, a path the cluster reads
    #[arg(
        value_name = "INPUT",
        required_unless_present_any = ["baskets", "table"],
        conflicts_with = "baskets"
    )]
    pub input: Option<String>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub engine: EngineArgs,

    /// A basket file instead of a transactions table: one basket per line, no header (`-` for
    /// stdin)
    #[arg(long, value_name = "FILE")]
    pub baskets: Option<String>,

    /// The item column of a transactions table (default item_id, else item_name)
    #[arg(long, value_name = "COLUMN")]
    pub item_col: Option<String>,

    /// Minimum support as a fraction of baskets (inclusive), e.g. 0.001 or 1/1000
    #[arg(long, value_name = "FRACTION", conflicts_with = "min_count")]
    pub min_support: Option<String>,

    /// Minimum support as a number of baskets (inclusive)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub min_count: Option<u64>,

    /// Longest itemset (0 = no limit)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub max_len: usize,

    /// Stop with an error beyond this many frequent itemsets, rather than run out of memory
    #[arg(long, default_value_t = 10_000_000, value_name = "N")]
    pub max_itemsets: usize,

    /// Minimum confidence (inclusive), a fraction
    #[arg(long, default_value = "0.5", value_name = "FRACTION")]
    pub min_confidence: String,

    /// Minimum lift (inclusive)
    #[arg(long, value_name = "X")]
    pub min_lift: Option<String>,

    /// Most items in a rule's consequent
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=8))]
    pub max_consequent: u64,

    /// Order of the rules (descending; ties by antecedent, then consequent)
    #[arg(long, value_enum, default_value_t = RuleSort::Lift)]
    pub sort: RuleSort,

    /// Keep only the first N rules after sorting
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// Keep rules whose antecedent contains this item (repeatable: all must be there)
    #[arg(long, value_name = "ITEM")]
    pub antecedent_has: Vec<String>,

    /// Keep rules whose consequent contains this item (repeatable: all must be there)
    #[arg(long, value_name = "ITEM")]
    pub consequent_has: Vec<String>,

    /// Write the frequent itemsets here (items, support, count, length)
    #[arg(long, value_name = "PATH")]
    pub itemsets: Option<String>,

    /// Only closed itemsets in --itemsets (no superset with the same count)
    #[arg(long, conflicts_with = "maximal")]
    pub closed: bool,

    /// Only maximal itemsets in --itemsets (no frequent superset)
    #[arg(long)]
    pub maximal: bool,

    /// Write transaction lines left out (no item, no basket) here, with a reason (default:
    /// beside a file output as NAME.rejects.csv)
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterCount {
    Fixed(usize),
    Auto,
}

impl std::fmt::Display for ClusterCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClusterCount::Fixed(k) => write!(f, "{k}"),
            ClusterCount::Auto => write!(f, "auto"),
        }
    }
}

fn parse_cluster_count(text: &str) -> Result<ClusterCount, String> {
    if text.eq_ignore_ascii_case("auto") {
        return Ok(ClusterCount::Auto);
    }
    match text.parse::<usize>() {
        Ok(k) if k >= 1 => Ok(ClusterCount::Fixed(k)),
        _ => Err(format!("'{text}': give a number of clusters (1 or more) or auto")),
    }
}

#[derive(Debug, Args)]
pub struct GenerateSampleArgs {
    /// Folder to write the sample exports into
    #[arg(long, default_value = "sample-data")]
    pub out_dir: PathBuf,
    /// Number of customers
    #[arg(long, default_value_t = 2000)]
    pub customers: usize,
    /// Random seed: the same seed writes the same bytes
    #[arg(long, default_value_t = 20240101)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct GenerateDocsArgs {
    /// Folder that receives man/ and completions/
    #[arg(long, default_value = ".")]
    pub out_dir: PathBuf,
}

fn parse_runs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=100).contains(&n) => Ok(n),
        _ => Err(format!("'{text}': give a number of runs from 1 to 100")),
    }
}

// The option values below the command line are plain types of the modules that use them;
// these say how the command line spells them.

/// `ValueEnum` for a plain enum: its variants and, for each, its name and aliases.
macro_rules! value_enum {
    ($type:ty, [$($variant:expr => $name:literal $(| $alias:literal)*),+ $(,)?]) => {
        impl ValueEnum for $type {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($variant),+]
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(match self {
                    $(v if *v == $variant => PossibleValue::new($name)$(.alias($alias))*,)+
                    _ => unreachable!("every variant is listed"),
                })
            }
        }
    };
}

value_enum!(EngineKind, [
    EngineKind::Local => "local",
    EngineKind::Spark => "spark",
]);
value_enum!(Period, [
    Period::Day => "day",
    Period::Week => "week",
    Period::Month => "month",
    Period::Quarter => "quarter",
    Period::Year => "year",
]);
value_enum!(TimeUnit, [
    TimeUnit::Day => "day",
    TimeUnit::Week => "week",
    TimeUnit::Month => "month",
]);
value_enum!(TableFormat, [
    TableFormat::Csv => "csv",
    TableFormat::Tsv => "tsv",
    TableFormat::Parquet => "parquet",
    TableFormat::Json => "json",
    TableFormat::Ndjson => "ndjson",
    TableFormat::Arrow => "arrow",
]);
value_enum!(Encoding, [
    Encoding::Utf8 => "utf-8" | "utf8",
    Encoding::Latin1 => "latin-1" | "latin1" | "iso-8859-1",
    Encoding::Windows1252 => "windows-1252" | "cp1252",
]);
value_enum!(ReturnsPolicy, [
    ReturnsPolicy::Drop => "drop",
    ReturnsPolicy::Keep => "keep",
    ReturnsPolicy::Net => "net",
]);

impl ReadArgs {
    /// The read flags as the settings `io` reads with.
    pub fn settings(&self) -> ReadSettings {
        ReadSettings {
            map: self.map.clone(),
            dayfirst: self.dayfirst,
            date_format: self.date_format.clone(),
            encoding: self.encoding,
            delimiter: self.delimiter,
            preset: self.preset.unwrap_or_default(),
            sheet: self.sheet.clone(),
            email_ids_allowed: false,
        }
    }

    /// [`ReadArgs::settings`] for a command with privacy flags: email addresses as customer
    /// ids may be read when they are kept (`--keep-pii`) or pseudonymised.
    pub fn settings_with(&self, privacy: &PrivacyArgs) -> ReadSettings {
        ReadSettings {
            email_ids_allowed: privacy.keep_pii || privacy.pseudonymize,
            ..self.settings()
        }
    }
}

impl EngineArgs {
    /// The engine, and what it reads: `input` as given (`None` with --table).
    pub fn settings(&self, input: Option<&str>) -> Result<Engine, anyhow::Error> {
        match self.engine {
            EngineKind::Local => {
                if self.table.is_some() {
                    return Err(CkmError::usage(
                        "--table reads a table of a Spark cluster: add --engine spark",
                    ));
                }
                Ok(Engine::Local)
            }
            EngineKind::Spark => {
                let remote = self.remote.as_deref().ok_or_else(|| {
                    CkmError::usage(
                        "--engine spark needs the server: --remote sc://HOST:PORT or SPARK_REMOTE",
                    )
                })?;
                let remote = Remote::parse(remote).map_err(|e| CkmError::usage(format!("--remote: {e}")))?;
                let source = match (input, &self.table) {
                    (Some(_), Some(_)) => {
                        return Err(CkmError::usage("give INPUT or --table, not both"));
                    }
                    (Some("-"), None) => {
                        return Err(CkmError::usage(
                            "--engine spark reads where the cluster can: give a path it reads or --table, not - (stdin)",
                        ));
                    }
                    (Some(path), None) if path.ends_with(".age") => {
                        return Err(CkmError::usage(format!(
                            "{path}: an age file is decrypted on this machine, but --engine spark has the cluster read \
                             its input itself: use --engine local, or give the cluster data it can read (a path or --table)"
                        )));
                    }
                    (Some(path), None) => RemoteSource::Path(path.to_string()),
                    (None, Some(table)) => RemoteSource::Table(table.clone()),
                    (None, None) => return Err(CkmError::usage("give INPUT or --table")),
                };
                Ok(Engine::Spark { remote, source })
            }
        }
    }
}

impl PrivacyArgs {
    /// The privacy flags as the settings `io::privacy` applies.
    pub fn settings(&self) -> PrivacySettings {
        PrivacySettings {
            pseudonymize: self.pseudonymize,
            secret_env: self.secret_env.clone(),
            secret_file: self.secret_file.clone(),
            keep_pii: self.keep_pii,
            mask_pii: self.mask_pii,
        }
    }
}
