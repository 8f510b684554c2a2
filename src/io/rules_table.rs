//! Rules tables written by `ckm rules`, read back for `ckm rules recommend --rules`.

use std::path::Path;

use anyhow::Result;
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::baskets::ItemCodes;
use crate::io::read::{self, ReadSettings};
use crate::mining::recommend::ScoredRule;

/// The rules as read from the rules table: what ranking needs, and each rule's text for the
/// output (`texts[i]` is `rules[i]`'s).
pub struct RulesRead {
    pub rules: Vec<ScoredRule>,
    pub texts: Vec<String>,
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

pub fn read_rules(path: &Path, settings: &ReadSettings, items: &mut ItemCodes) -> Result<RulesRead> {
    let display = path.display().to_string();
    let spec = read::resolve_inputs(std::slice::from_ref(&display))?
        .pop()
        .ok_or_else(|| CkmError::usage("--rules needs a file"))?;
    let source = read::open_source(spec, settings)?;
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
