//! The audit log (`--audit-log PATH` or `CKM_AUDIT_LOG`): one JSON line per run, appended, so
//! a compliance review can see who ran what on which data. Lines from concurrent cron jobs
//! never interleave: each is one `write` on a file opened with O_APPEND.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::io::manifest::RunRecord;

/// The command line with secrets taken out: values of options whose name says secret,
/// password, token or key (but not the options that only name where a secret is), `NAME=value`
/// words of the same kind, and passwords inside URLs.
pub fn redacted_command_line() -> Vec<String> {
    redact(std::env::args().collect())
}

const SECRET_WORDS: [&str; 5] = ["secret", "password", "passwd", "token", "apikey"];
/// Options that hold the name or path of a secret, never the secret.
const SECRET_LOCATIONS: [&str; 2] = ["--secret-env", "--secret-file"];

fn names_a_secret(name: &str) -> bool {
    let lowered: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    SECRET_WORDS.iter().any(|w| lowered.contains(w)) && !SECRET_LOCATIONS.contains(&name)
}

pub fn redact(args: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut hide_next = false;
    for arg in args {
        if hide_next {
            out.push("***".to_string());
            hide_next = false;
            continue;
        }
        // A URL's parameters are redacted one by one below.
        if let Some((name, _)) = arg.split_once('=').filter(|(name, _)| !name.contains("://")) {
            if names_a_secret(name) {
                out.push(format!("{name}=***"));
                continue;
            }
        } else if arg.starts_with("--") && names_a_secret(&arg) {
            hide_next = true;
            out.push(arg);
            continue;
        }
        out.push(redact_connection_token(&redact_url_password(&arg)));
    }
    out
}

/// The value of a `;token=` parameter of a connection string (Spark Connect's
/// `sc://host:port/;token=...`) as `***`.
fn redact_connection_token(arg: &str) -> String {
    let lowered = arg.to_ascii_lowercase();
    let mut out = String::with_capacity(arg.len());
    let mut from = 0;
    while let Some(found) = lowered[from..].find(";token=") {
        let value_start = from + found + ";token=".len();
        let value_end = arg[value_start..]
            .find(';')
            .map_or(arg.len(), |end| value_start + end);
        out.push_str(&arg[from..value_start]);
        out.push_str("***");
        from = value_end;
    }
    out.push_str(&arg[from..]);
    out
}

/// `scheme://user:password@host` keeps the user and loses the password.
fn redact_url_password(arg: &str) -> String {
    let Some(scheme_end) = arg.find("://") else {
        return arg.to_string();
    };
    let rest = &arg[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &arg[..scheme_end + 3], &rest[at..]),
            None => arg.to_string(),
        },
        None => arg.to_string(),
    }
}

fn user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

fn host() -> String {
    #[cfg(unix)]
    {
        let mut buffer = [0u8; 256];
        // SAFETY: the buffer is valid for its whole length, which is what we pass.
        let status = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) };
        if status == 0 {
            let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
            return String::from_utf8_lossy(&buffer[..end]).into_owned();
        }
    }
    ["HOSTNAME", "COMPUTERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok())
        .unwrap_or_else(|| "unknown".into())
}

/// Appends the run's line. The file is created with mode 0600: it says who touched which
/// customer data.
pub fn append(path: &Path, record: &RunRecord, exit_code: u8) -> Result<()> {
    let line = serde_json::json!({
        "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "user": user(),
        "host": host(),
        "ckm_version": env!("CARGO_PKG_VERSION"),
        "subcommand": record.command(),
        "command_line": redacted_command_line(),
        "inputs": record.inputs,
        "outputs": record.outputs,
        "exit_code": exit_code,
    });
    let mut line = line;
    line["encrypted"] = serde_json::Value::Bool(crate::io::encryption::outputs_encrypted());
    if let Some(policy) = crate::io::policy::active() {
        line["role"] = policy.role_name.clone().into();
        line["policy_sha256"] = policy.sha256.clone().into();
    }
    if let Some(spark) = &record.spark {
        line["spark"] = serde_json::to_value(spark)?;
    }
    let mut bytes = serde_json::to_vec(&line)?;
    bytes.push(b'\n');
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("opening the audit log {}", path.display()))?;
    // One write call: O_APPEND places it at the end as a whole.
    let written = file
        .write(&bytes)
        .with_context(|| format!("appending to the audit log {}", path.display()))?;
    if written != bytes.len() {
        anyhow::bail!(
            "appending to the audit log {}: only {written} of {} bytes were written (disk full?)",
            path.display(),
            bytes.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact(words("ckm clean x.csv --secret-env MY_KEY --secret-file /run/key --api-token abc PASSWORD=hunter2 --db-password=pw")),
            words("ckm clean x.csv --secret-env MY_KEY --secret-file /run/key --api-token *** PASSWORD=*** --db-password=***")
        );
        assert_eq!(
            redact(words("ckm ingest https://bob:pw@example.com/a.csv s3://bucket/x")),
            words("ckm ingest https://bob:***@example.com/a.csv s3://bucket/x")
        );
        assert_eq!(
            redact(words("ckm ingest web=web.csv")),
            words("ckm ingest web=web.csv")
        );
        assert_eq!(
            redact(words("ckm segment --remote sc://h:443/;token=abc;use_ssl=true --remote=sc://h/;user_id=x;Token=def")),
            words("ckm segment --remote sc://h:443/;token=***;use_ssl=true --remote=sc://h/;user_id=x;Token=***")
        );
    }
}
