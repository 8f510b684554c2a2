//! The run record (`--manifest PATH`): what ran, on which bytes, producing which bytes, with
//! which figures. A cron job's audit trail; written atomically like every output.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;

use crate::io::write::{self, WrittenFile};

#[derive(Debug, Serialize)]
pub struct InputRecord {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub rows: u64,
}

/// Collects what a command did; printed as the summary and saved as the manifest.
pub struct RunRecord {
    command: &'static str,
    started: Instant,
    started_at: String,
    pub inputs: Vec<InputRecord>,
    pub outputs: Vec<WrittenFile>,
    pub parameters: BTreeMap<String, Value>,
    /// Summary figures in the order they are printed.
    pub figures: Vec<(String, Value)>,
    pub warnings: Vec<String>,
    timings: Vec<(String, f64)>,
    last_mark: Instant,
    /// Inputs and outputs get a sha256 (for `--manifest` or the audit log).
    pub hash_files: bool,
    /// With `--engine spark`: the server (no secrets), the application id and the SQL sent.
    pub spark: Option<SparkRecord>,
}

/// What a run asked of Spark, for the manifest and the audit log.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SparkRecord {
    /// The server, without the token.
    pub remote: String,
    pub application_id: Option<String>,
    /// Each query as sent, in order.
    pub sql: Vec<String>,
}

impl RunRecord {
    pub fn new(command: &'static str) -> RunRecord {
        let now = Instant::now();
        RunRecord {
            command,
            started: now,
            started_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            inputs: Vec::new(),
            outputs: Vec::new(),
            parameters: BTreeMap::new(),
            figures: Vec::new(),
            warnings: Vec::new(),
            timings: Vec::new(),
            last_mark: now,
            hash_files: false,
            spark: None,
        }
    }

    pub fn command(&self) -> &'static str {
        self.command
    }

    pub fn parameter(&mut self, name: &str, value: impl Serialize) {
        self.parameters.insert(
            name.to_string(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
    }

    pub fn figure(&mut self, name: &str, value: impl Serialize) {
        self.figures.push((
            name.to_string(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        ));
    }

    /// Prints a warning on stderr and keeps it for the manifest.
    pub fn warn(&mut self, printer: &crate::printer::Printer, message: impl Into<String>) {
        let message = message.into();
        printer.warn(&message);
        self.warnings.push(message);
    }

    /// Ends a timed stage (time since the previous mark).
    pub fn mark(&mut self, stage: &str) {
        let now = Instant::now();
        self.timings
            .push((stage.to_string(), (now - self.last_mark).as_secs_f64()));
        self.last_mark = now;
    }

    /// Stages timed elsewhere (by an analysis), in order; the next mark counts from now.
    /// Records how long a piece of work took that ran beside the marked stages (in another
    /// thread, say), without moving the stage clock.
    pub fn timing(&mut self, name: impl Into<String>, seconds: f64) {
        self.timings.push((name.into(), seconds));
    }

    pub fn add_stages(&mut self, stages: &[(&str, f64)]) {
        self.timings.extend(
            stages
                .iter()
                .map(|(stage, seconds)| (stage.to_string(), *seconds)),
        );
        self.last_mark = Instant::now();
    }

    /// The figures as printable rows.
    pub fn summary_rows(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .figures
            .iter()
            .map(|(k, v)| {
                let shown = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) if n.is_u64() => crate::printer::thousands(n.as_u64().unwrap_or(0)),
                    other => other.to_string(),
                };
                (k.clone(), shown)
            })
            .collect();
        let suppressed = crate::io::policy::suppressed_text();
        if !suppressed.is_empty() && !rows.iter().any(|(k, _)| k == "small groups suppressed") {
            rows.push(("small groups suppressed".into(), suppressed));
        }
        for output in self.outputs.iter().filter(|o| !o.removed_by_policy.is_empty()) {
            rows.push((
                "removed by policy".into(),
                format!("{} ({})", output.removed_by_policy.join(", "), output.path),
            ));
        }
        rows
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let mut timings: BTreeMap<String, Value> = self
            .timings
            .iter()
            .map(|(k, v)| (k.clone(), Value::from((v * 1000.0).round() / 1000.0)))
            .collect();
        timings.insert(
            "total".into(),
            Value::from((self.started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0),
        );
        let figures: serde_json::Map<String, Value> = self.figures.iter().cloned().collect();
        let document = serde_json::json!({
            "ckm_version": env!("CARGO_PKG_VERSION"),
            "command": self.command,
            "command_line": crate::io::audit::redacted_command_line(),
            "started_at": self.started_at,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "parameters": self.parameters,
            "summary": figures,
            "warnings": self.warnings,
            "timings_seconds": timings,
        });
        let mut document = document;
        if let Some(spark) = &self.spark {
            document["spark"] = serde_json::to_value(spark)?;
        }
        if let Some(policy) = crate::io::policy::active() {
            document["policy"] = policy.record();
        }
        let text = serde_json::to_string_pretty(&document)? + "\n";
        write::write_atomically(path, false, |w| Ok(w.write_all(text.as_bytes())?))?;
        Ok(())
    }
}
