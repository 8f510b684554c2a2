//! What reaches stderr: one place decides. Summaries are comfy-table tables, silenced by
//! `--quiet`; progress spinners appear only on a terminal; colour only on a terminal and
//! never with `NO_COLOR` set.

use std::io::IsTerminal;
use std::time::Duration;

use comfy_table::{presets, ContentArrangement, Table};
use indicatif::{ProgressBar, ProgressFinish, ProgressStyle};

#[derive(Debug, Clone)]
pub struct Printer {
    quiet: bool,
    terminal: bool,
    colour: bool,
}

impl Printer {
    pub fn new(quiet: bool) -> Printer {
        let terminal = std::io::stderr().is_terminal();
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Printer {
            quiet,
            terminal,
            colour: terminal && !no_colour,
        }
    }

    /// A two-column table of figures under a title.
    pub fn summary(&self, title: &str, rows: &[(String, String)]) {
        let rows: Vec<Vec<String>> = rows.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
        self.table(&[title.to_string(), String::new()], &rows);
    }

    /// A table with a header row.
    pub fn table(&self, header: &[String], rows: &[Vec<String>]) {
        if self.quiet {
            return;
        }
        let mut table = Table::new();
        table
            .load_preset(if self.terminal {
                presets::UTF8_FULL_CONDENSED
            } else {
                presets::ASCII_FULL_CONDENSED
            })
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(header.to_vec());
        for row in rows {
            table.add_row(row.clone());
        }
        eprintln!("{table}");
    }

    pub fn warn(&self, message: &str) {
        if !self.quiet {
            eprintln!("{} {message}", self.paint("warning:", "33"));
        }
    }

    pub fn info(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    pub fn error(&self, message: &str) {
        eprintln!("{} {message}", self.paint("error:", "31"));
    }

    fn paint(&self, text: &str, ansi: &str) -> String {
        if self.colour {
            format!("\x1b[1;{ansi}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A bar for `total` steps of counted work (`what`: "forecasting series"), with the
    /// rate and the time left; drawn only on a terminal and without `-q`, and cleared when the
    /// work is done or abandoned.
    pub fn progress(&self, total: u64, what: &str) -> Progress {
        if self.quiet || !self.terminal {
            return Progress::hidden();
        }
        let bar = ProgressBar::new(total).with_finish(ProgressFinish::AndClear);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta} left)")
                .expect("the template is valid")
                .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(bar)
    }

    /// A spinner for a long step; hidden unless stderr is a terminal.
    pub fn spinner(&self, message: &str) -> ProgressBar {
        if self.quiet || !self.terminal {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("the template is valid"),
        );
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

/// Progress of counted work, shared by the threads doing it ([`Printer::progress`]); a
/// hidden one does nothing, so the analyses take one whether or not anyone watches.
#[derive(Clone)]
pub struct Progress(ProgressBar);

impl Progress {
    pub fn hidden() -> Progress {
        Progress(ProgressBar::hidden())
    }

    /// `n` more steps done.
    pub fn inc(&self, n: u64) {
        self.0.inc(n);
    }

    /// What is being done now.
    pub fn set_message(&self, message: &str) {
        self.0.set_message(message.to_string());
    }

    /// Done: the bar is cleared from the terminal.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// 1234567 as "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(10_000_000), "10,000,000");
    }
}
