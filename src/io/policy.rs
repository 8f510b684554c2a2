//! Role policies (`--policy FILE --role NAME`, or `CKM_POLICY` and `CKM_ROLE`): what each
//! audience may receive. The policy is read and checked once, before any work, and held for
//! the whole run ([`activate`]); the two places every output passes through apply it: the
//! table writer ([`crate::io::write`]) takes out the columns a role may not receive and
//! pseudonymises customer ids, and the report's renderer leaves out the sections it may not
//! see. No command can write around them.
//!
//! ```toml
//! [roles.marketing]
//! hide_columns = ["monetary", "clv"]   # never leave, in any table (profiles' "mean monetary" too)
//! hide_sections = ["churn"]            # report sections left out
//! pseudonymize_ids = true              # customer ids as keyed pseudonyms (secret: CKM_SECRET)
//!
//! [roles.finance]
//! hide_sections = ["rules"]
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use anyhow::{Context, Result};
use polars::prelude::*;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::CkmError;
use crate::io::privacy::{self, PrivacySettings, Pseudonymizer, ID_COLUMNS};
use crate::io::schema;

/// The columns ckm writes besides the canonical transaction columns and `ckm segment`'s
/// (`analyses::segment::OUTPUT_ORDER`), for telling a policy's typo from a column: a policy
/// may hide only these, those, and the input columns it declares (`input_columns`).
pub const OUTPUT_COLUMNS: &[&str] = &[
    // segment's own columns are its OUTPUT_ORDER (checked in `load`); its profiles':
    "label",
    "customers",
    "% customers",
    "% revenue",
    // rules, sequences, recommendations
    "antecedent",
    "consequent",
    "support",
    "confidence",
    "lift",
    "leverage",
    "conviction",
    "antecedent_support",
    "consequent_support",
    "count",
    "items",
    "length",
    "pattern",
    "elements",
    "rank",
    "item",
    "score",
    "rule",
    "because",
    "model",
    "k",
    "precision",
    "recall",
    "hit_rate",
    "coverage",
    // forecast customers and sales
    "recency",
    "T",
    "monetary_value",
    "p_alive",
    "expected_purchases",
    "expected_avg_value",
    "clv",
    "period",
    "kind",
    "value",
    "lo_80",
    "hi_80",
    "lo_95",
    "hi_95",
    "auto_chose",
    "mae",
    "rmse",
    "mase",
    "smape",
    "coverage_80",
    "coverage_95",
    "msis_95",
    // churn
    "churn_probability",
    "risk_band",
    "repeat_purchases",
    "weeks_since_last_purchase",
    "top_drivers",
    "churned",
    // rejects, and the columns ingest adds
    "reason",
    schema::SOURCE_ROW,
    schema::SOURCE_FILE,
    schema::INGEST_ISSUE,
    schema::IS_RETURN,
];

/// The report's sections, by the id the policy names them with.
pub const REPORT_SECTIONS: &[&str] = &[
    "key-figures",
    "revenue",
    "segments",
    "clusters",
    "cohorts",
    "channels",
    "attributes",
    "rules",
    "clv",
    "churn",
    "data-quality",
    "run",
];

/// Report sections that show values per customer, and those values' columns: a role that
/// may not receive one of these columns does not see the section either.
pub const SECTIONS_PER_CUSTOMER: &[(&str, &[&str])] = &[
    ("clv", &["clv", "p_alive", "expected_purchases"]),
    ("churn", &["churn_probability", "clv"]),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    /// Input columns of the user's own (a customer table's `region`, say) the policy may name.
    #[serde(default)]
    input_columns: Vec<String>,
    roles: BTreeMap<String, Role>,
}

/// What one role may receive.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Columns that never leave, in any table.
    #[serde(default)]
    pub hide_columns: Vec<String>,
    /// Report sections left out.
    #[serde(default)]
    pub hide_sections: Vec<String>,
    /// Customer ids leave as keyed pseudonyms (as `--pseudonymize`).
    #[serde(default)]
    pub pseudonymize_ids: bool,
    /// The environment variable holding the pseudonyms' secret.
    #[serde(default = "default_secret_env")]
    pub secret_env: String,
    /// The fewest customers an aggregate may show (k-anonymity): smaller groups are merged
    /// into "other" or left out.
    #[serde(default)]
    pub min_group: Option<u64>,
}

fn default_secret_env() -> String {
    "CKM_SECRET".into()
}

/// The policy in force for this run.
pub struct ActivePolicy {
    pub path: String,
    /// The policy file's sha256, for the manifest and the audit log.
    pub sha256: String,
    pub role_name: String,
    pub role: Role,
    pseudonymizer: Option<Pseudonymizer>,
}

static ACTIVE: OnceLock<ActivePolicy> = OnceLock::new();

/// Reads `path` and takes `role` from it, checking every name it uses: an unknown role,
/// column or section, or a key the policy format does not have, is a usage error naming it.
pub fn load(path: &Path, role_name: &str) -> Result<ActivePolicy> {
    let bytes = std::fs::read(path).with_context(|| format!("reading --policy {}", path.display()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| CkmError::usage(format!("--policy {}: not UTF-8 text", path.display())))?;
    let file: PolicyFile = toml::from_str(text)
        .map_err(|e| CkmError::usage(format!("--policy {}: {}", path.display(), e.message())))?;
    let role = file.roles.get(role_name).cloned().ok_or_else(|| {
        CkmError::usage(format!(
            "--policy {}: no role '{role_name}' (it has {})",
            path.display(),
            file.roles
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    for (name, r) in &file.roles {
        for column in &r.hide_columns {
            let known = OUTPUT_COLUMNS.contains(&column.as_str())
                || crate::analyses::segment::OUTPUT_ORDER.contains(&column.as_str())
                || schema::CANONICAL_COLUMNS.iter().any(|c| c.name == column)
                || ID_COLUMNS.contains(&column.as_str())
                || file.input_columns.contains(column);
            if !known {
                return Err(CkmError::usage(format!(
                    "--policy {}: role '{name}' hides column '{column}', which no ckm output has; \
                     check the spelling, or declare an input column of your own under input_columns",
                    path.display()
                )));
            }
        }
        if r.min_group.is_some_and(|k| k < 2) {
            return Err(CkmError::usage(format!(
                "--policy {}: role '{name}' has min_group {}; give 2 or more (1 suppresses nothing)",
                path.display(),
                r.min_group.unwrap_or(0)
            )));
        }
        for section in &r.hide_sections {
            if !REPORT_SECTIONS.contains(&section.as_str()) {
                return Err(CkmError::usage(format!(
                    "--policy {}: role '{name}' hides section '{section}'; the report's sections are {}",
                    path.display(),
                    REPORT_SECTIONS.join(", ")
                )));
            }
        }
    }
    let pseudonymizer = if role.pseudonymize_ids {
        let settings = PrivacySettings {
            pseudonymize: true,
            secret_env: role.secret_env.clone(),
            ..PrivacySettings::default()
        };
        let (secret, _) = privacy::read_secret(&settings).with_context(|| {
            format!(
                "--policy {}: role '{role_name}' pseudonymises ids",
                path.display()
            )
        })?;
        Some(Pseudonymizer::new(&secret))
    } else {
        None
    };
    Ok(ActivePolicy {
        path: path.display().to_string(),
        sha256: crate::io::write::hex(&Sha256::digest(&bytes)),
        role_name: role_name.to_string(),
        role,
        pseudonymizer,
    })
}

/// Puts `policy` in force for the rest of the run.
pub fn activate(policy: ActivePolicy) {
    if ACTIVE.set(policy).is_err() {
        panic!("a policy is activated once, at start");
    }
}

/// The policy in force, if any.
pub fn active() -> Option<&'static ActivePolicy> {
    ACTIVE.get()
}

impl ActivePolicy {
    /// Whether `column` may not leave: named in `hide_columns`, or a statistic of one (the
    /// cluster profiles' "mean monetary").
    pub fn hides_column(&self, column: &str) -> bool {
        self.role
            .hide_columns
            .iter()
            .any(|hidden| column == hidden || column.rsplit_once(' ').is_some_and(|(_, of)| of == hidden))
    }

    /// Why the report leaves out section `id`, if it does.
    pub fn hides_section(&self, id: &str) -> Option<String> {
        if self.role.hide_sections.iter().any(|s| s == id) {
            return Some(format!("hidden from role '{}'", self.role_name));
        }
        SECTIONS_PER_CUSTOMER
            .iter()
            .find(|(section, _)| *section == id)
            .and_then(|(_, columns)| columns.iter().find(|c| self.hides_column(c)))
            .map(|column| {
                format!(
                    "shows {column} per customer, hidden from role '{}'",
                    self.role_name
                )
            })
    }

    /// The policy as the manifest records it.
    pub fn record(&self) -> serde_json::Value {
        serde_json::json!({
            "path": self.path,
            "sha256": self.sha256,
            "role": self.role_name,
            "hide_columns": self.role.hide_columns,
            "hide_sections": self.role.hide_sections,
            "pseudonymize_ids": self.role.pseudonymize_ids,
            "min_group": self.role.min_group,
        })
    }

    /// A customer id as this role receives it.
    pub fn customer_id(&self, id: &str) -> String {
        match &self.pseudonymizer {
            Some(p) if !privacy::is_pseudonym(id) => p.pseudonym(id),
            _ => id.to_string(),
        }
    }

    /// Takes out of `df` the columns this role may not receive and pseudonymises its customer
    /// ids; returns the columns taken out.
    pub fn apply(&self, df: &mut DataFrame) -> Result<Vec<String>> {
        if let (Some(k), Ok(customers)) = (self.role.min_group, df.column("customers")) {
            // A table with a customers column is an aggregate (cluster profiles, sequence
            // patterns, rules, forecasts, evaluations): a row of fewer than k customers is
            // left out, before the column itself may be hidden.
            let customers = customers.cast(&DataType::Float64)?;
            let keep = customers.f64()?.gt_eq(k as f64);
            // A row whose customers are not known cannot be vouched for.
            let keep = keep.fill_null_with_values(false)?;
            let before = df.height();
            *df = df.filter(&keep)?;
            note_suppressed("table rows", (before - df.height()) as u64);
        }
        let hidden: Vec<String> = df
            .get_column_names()
            .into_iter()
            .filter(|c| self.hides_column(c))
            .map(|c| c.to_string())
            .collect();
        if !hidden.is_empty() {
            *df = df.drop_many(hidden.iter().map(String::as_str));
        }
        if let Some(p) = &self.pseudonymizer {
            for name in ID_COLUMNS {
                if let Ok(column) = df.column(name) {
                    let replaced = p.column(column)?;
                    df.with_column(replaced)?;
                }
            }
        }
        Ok(hidden)
    }
}

/// What groups of fewer than the policy's min_group customers are merged into.
pub const SMALL_GROUPS: &str = "other (small groups)";

/// The fewest customers an aggregate may show under the policy in force, if it says.
pub fn min_group() -> Option<u64> {
    active().and_then(|p| p.role.min_group)
}

/// Whether an aggregate of `customers` customers is too small to show under the policy in
/// force (fewer than its min_group; never without one).
pub fn too_small(customers: u64) -> bool {
    min_group().is_some_and(|k| customers < k)
}

/// What small-group suppression took out in this run: (what, how many), in order.
static SUPPRESSED: std::sync::Mutex<Vec<(String, u64)>> = std::sync::Mutex::new(Vec::new());

/// Counts `n` groups of `what` merged or left out for having fewer than min_group customers.
pub fn note_suppressed(what: &str, n: u64) {
    if n == 0 {
        return;
    }
    let mut all = SUPPRESSED.lock().unwrap_or_else(|e| e.into_inner());
    match all.iter_mut().find(|(w, _)| w == what) {
        Some((_, count)) => *count += n,
        None => all.push((what.to_string(), n)),
    }
}

/// Everything suppressed so far: (what, how many), in order.
pub fn suppressed() -> Vec<(String, u64)> {
    SUPPRESSED.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Everything suppressed so far as "3 segments, 2 R x F heatmap cells" (empty if nothing).
pub fn suppressed_text() -> String {
    let listed: Vec<String> = suppressed()
        .iter()
        .map(|(what, n)| format!("{n} {what}"))
        .collect();
    listed.join(", ")
}

/// Takes out of `df` what the policy in force hides from the role (nothing without one);
/// returns the columns taken out.
pub fn apply(df: &mut DataFrame) -> Result<Vec<String>> {
    match active() {
        Some(policy) => policy.apply(df),
        None => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy_with(text: &str, role: &str) -> Result<ActivePolicy> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.toml");
        std::fs::write(&path, text).unwrap();
        load(&path, role)
    }

    #[test]
    fn small_rows_go_even_when_their_count_is_hidden() {
        let policy = policy_with("[roles.a]\nmin_group = 5\nhide_columns = [\"customers\"]\n", "a").unwrap();
        let mut df = df!(
            "segment" => ["big", "small", "unknown"],
            "customers" => [Some(9u64), Some(2), None],
        )
        .unwrap();
        assert_eq!(policy.apply(&mut df).unwrap(), ["customers"]);
        assert_eq!(df.get_column_names(), ["segment"]);
        assert_eq!(df.column("segment").unwrap().str().unwrap().get(0), Some("big"));
        assert_eq!(df.height(), 1);
    }

    #[test]
    fn a_role_hides_columns_and_their_statistics() {
        let policy = policy_with(
            "[roles.marketing]\nhide_columns = [\"monetary\", \"clv\"]\n",
            "marketing",
        )
        .unwrap();
        assert!(policy.hides_column("monetary") && policy.hides_column("mean monetary"));
        assert!(!policy.hides_column("monetary_value") && !policy.hides_column("frequency"));
        let mut df = df!(
            "customer_id" => ["a", "b"],
            "monetary" => [1.0, 2.0],
            "clv" => [3.0, 4.0],
            "frequency" => [1u32, 2],
        )
        .unwrap();
        let hidden = policy.apply(&mut df).unwrap();
        assert_eq!(hidden, ["monetary", "clv"]);
        assert_eq!(df.get_column_names(), ["customer_id", "frequency"]);
        assert_eq!(
            policy.hides_section("clv").as_deref(),
            Some("shows clv per customer, hidden from role 'marketing'")
        );
        assert_eq!(policy.hides_section("segments"), None);
    }

    #[test]
    fn every_name_is_checked() {
        let message = |text: &str, role: &str| policy_with(text, role).err().map(|e| format!("{e:#}"));
        assert!(message("[roles.a]\nhide_columns = [\"monetry\"]\n", "a")
            .unwrap()
            .contains("hides column 'monetry'"));
        assert!(message("[roles.a]\nhide_sections = [\"chrun\"]\n", "a")
            .unwrap()
            .contains("hides section 'chrun'"));
        assert!(message("[roles.a]\nhide_columnz = []\n", "a")
            .unwrap()
            .contains("unknown field `hide_columnz`"));
        assert!(message("[roles.a]\n", "b")
            .unwrap()
            .contains("no role 'b' (it has a)"));
        // Every role is checked, not only the one in force; declared input columns are known.
        assert!(message("[roles.a]\n[roles.b]\nhide_columns = [\"regio\"]\n", "a").is_some());
        assert!(message(
            "input_columns = [\"region\"]\n[roles.a]\nhide_columns = [\"region\"]\n",
            "a"
        )
        .is_none());
    }
}
