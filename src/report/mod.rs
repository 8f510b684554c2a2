//! The customer knowledge report: the analyses run in-process on the input read once
//! ([`analyses`]) or read from files given in their place ([`given`]), the report's own
//! figures ([`figures`]), the sections built from them ([`sections`]), and the document
//! (sections of figures, tables and charts) with its renderings: one self-contained HTML page
//! (inline CSS and SVG, no script, nothing fetched), Markdown with the charts as small tables,
//! and the terminal summary.

pub mod analyses;
pub mod figures;
pub mod given;
pub mod results;
pub mod sections;
mod svg;

use std::fmt::Write as _;

/// A key figure: what, how much, and the change against the previous period.
pub struct Figure {
    pub label: String,
    pub value: String,
    pub change: Option<String>,
}

pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub enum ChartKind {
    /// Horizontal bars, one per label.
    Bars { labels: Vec<String>, values: Vec<f64> },
    /// A series over periods: history, forecast, and the forecast's 80% and 95% intervals.
    Line {
        labels: Vec<String>,
        history: Vec<Option<f64>>,
        forecast: Vec<Option<f64>>,
        band_80: Vec<Option<(f64, f64)>>,
        band_95: Vec<Option<(f64, f64)>>,
    },
    /// Rows × columns of values; `percent` shows them as percentages.
    Heatmap {
        rows: Vec<String>,
        columns: Vec<String>,
        values: Vec<Vec<Option<f64>>>,
        percent: bool,
    },
}

pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// One or two sentences saying what the chart shows, for screen readers and Markdown.
    pub summary: String,
    pub kind: ChartKind,
    /// The chart's data as a table: its text alternative.
    pub data: Table,
}

pub enum Block {
    Figures(Vec<Figure>),
    Table(Table),
    Chart(Box<Chart>),
    Text(String),
}

pub struct Section {
    pub id: &'static str,
    pub title: String,
    pub blocks: Vec<Block>,
}

pub struct Document {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
}

impl Document {
    /// The sections the role policy in force lets out (all without one): the renderings show
    /// only these, so no caller can render a hidden section.
    pub fn visible_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections
            .iter()
            .filter(|s| crate::io::policy::active().is_none_or(|p| p.hides_section(s.id).is_none()))
    }

    /// The sections the policy in force leaves out, with why.
    pub fn hidden_sections(&self) -> Vec<(&'static str, String)> {
        let Some(policy) = crate::io::policy::active() else {
            return Vec::new();
        };
        self.sections
            .iter()
            .filter_map(|s| policy.hides_section(s.id).map(|why| (s.id, why)))
            .collect()
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
:root{--ink:#1d2733;--muted:#5b6776;--line:#d8dee6;--accent:#1f5fa8;--bg:#fff;--soft:#f3f6fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
header,main,footer{max-width:1040px;margin:0 auto;padding:0 16px}
header{padding-top:24px;border-bottom:2px solid var(--accent)}
h1{font-size:1.7em;margin:0 0 4px}
.subtitle{color:var(--muted);margin:0 0 16px}
nav ul{list-style:none;padding:0;margin:8px 0 16px;display:flex;flex-wrap:wrap;gap:4px 14px}
nav a{color:var(--accent);text-decoration:none}
section{padding:8px 0 16px;border-bottom:1px solid var(--line)}
h2{font-size:1.3em;margin:18px 0 10px}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px;margin:0 0 12px}
.figure{background:var(--soft);border-radius:6px;padding:10px 12px}
.figure .label{color:var(--muted);font-size:.85em}
.figure .value{font-size:1.45em;font-weight:600}
.figure .change{font-size:.85em;color:var(--muted)}
.table-wrap{overflow-x:auto;margin:0 0 12px}
table{border-collapse:collapse;width:100%;font-size:.92em}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:0 0 16px}
figure svg{width:100%;height:auto;max-width:760px;display:block}
figcaption{font-weight:600;margin:0 0 4px}
.summary{color:var(--muted);font-size:.9em;margin:2px 0 4px}
details{font-size:.9em;margin:4px 0}
footer{color:var(--muted);font-size:.85em;padding:16px}
@media (max-width:600px){body{font-size:14px}.figure .value{font-size:1.2em}}
@media print{nav{display:none}section{break-inside:avoid-page}details{display:none}a{color:inherit}}
";

/// Whether a cell is a number to right-align: digits with separators, optionally signed, a
/// percentage, or money with a currency symbol or code (`12,345 USD`, `£12`).
fn looks_numeric(text: &str) -> bool {
    // Two numbers shown together, as "mean / median".
    if let Some((first, second)) = text.split_once(" / ") {
        return looks_numeric(first) && looks_numeric(second);
    }
    let mut t = text.trim().trim_end_matches('%');
    if let Some((number, code)) = t.rsplit_once(' ') {
        if code.len() <= 4 && code.chars().all(|c| c.is_ascii_alphabetic()) {
            t = number;
        }
    }
    let t = t.trim_start_matches(['-', '+']);
    let t = t.trim_start_matches(|c: char| {
        !c.is_ascii_alphanumeric() && !c.is_whitespace() && c.len_utf8() > 1 || c == '$'
    });
    !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && t.starts_with(|c: char| c.is_ascii_digit())
}

/// Which columns to align right: those whose every non-empty cell is a number.
fn numeric_columns(table: &Table) -> Vec<bool> {
    (0..table.header.len())
        .map(|j| {
            !table.rows.is_empty()
                && table
                    .rows
                    .iter()
                    .all(|r| r.get(j).is_none_or(|c| c.is_empty() || looks_numeric(c)))
        })
        .collect()
}

fn html_table(out: &mut String, table: &Table) {
    out.push_str("<div class=\"table-wrap\"><table>");
    if !table.caption.is_empty() {
        let _ = write!(out, "<caption>{}</caption>", escape(&table.caption));
    }
    out.push_str("<thead><tr>");
    let numeric = numeric_columns(table);
    for (j, h) in table.header.iter().enumerate() {
        let _ = write!(
            out,
            "<th scope=\"col\"{}>{}</th>",
            if numeric[j] { " class=\"num\"" } else { "" },
            escape(h)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr>");
        for (j, cell) in row.iter().enumerate() {
            let _ = write!(
                out,
                "<td{}>{}</td>",
                if numeric.get(j) == Some(&true) {
                    " class=\"num\""
                } else {
                    ""
                },
                escape(cell)
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

/// The page: every style and chart inline, no script, no external reference.
pub fn html(doc: &Document) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"generator\" content=\"ckm {}\"><title>{}</title><style>{}</style></head><body>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&doc.title),
        CSS
    );
    let _ = write!(
        out,
        "<header><h1>{}</h1><p class=\"subtitle\">{}</p><nav aria-label=\"Sections\"><ul>",
        escape(&doc.title),
        escape(&doc.subtitle)
    );
    for s in doc.visible_sections() {
        let _ = write!(out, "<li><a href=\"#{}\">{}</a></li>", s.id, escape(&s.title));
    }
    out.push_str("</ul></nav></header>\n<main>\n");
    let mut chart_number = 0;
    for s in doc.visible_sections() {
        let _ = writeln!(out, "<section id=\"{}\"><h2>{}</h2>", s.id, escape(&s.title));
        for block in &s.blocks {
            match block {
                Block::Figures(figures) => {
                    out.push_str("<div class=\"figures\">");
                    for f in figures {
                        let _ = write!(
                            out,
                            "<div class=\"figure\"><div class=\"label\">{}</div><div class=\"value\">{}</div>{}</div>",
                            escape(&f.label),
                            escape(&f.value),
                            f.change
                                .as_ref()
                                .map(|c| format!("<div class=\"change\">{}</div>", escape(c)))
                                .unwrap_or_default()
                        );
                    }
                    out.push_str("</div>\n");
                }
                Block::Table(t) => {
                    html_table(&mut out, t);
                    out.push('\n');
                }
                Block::Text(t) => {
                    let _ = writeln!(out, "<p>{}</p>", escape(t));
                }
                Block::Chart(chart) => {
                    chart_number += 1;
                    let _ = write!(
                        out,
                        "<figure class=\"chart\"><figcaption>{}</figcaption><p class=\"summary\">{}</p>{}<details><summary>The data behind this chart</summary>",
                        escape(&chart.title),
                        escape(&chart.summary),
                        svg::render(chart, chart_number)
                    );
                    html_table(&mut out, &chart.data);
                    out.push_str("</details></figure>\n");
                }
            }
        }
        out.push_str("</section>\n");
    }
    let _ = writeln!(
        out,
        "</main><footer>Made by ckm {} · every figure above comes from the input named under Run details.</footer></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    out
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn md_table(out: &mut String, table: &Table) {
    if !table.caption.is_empty() {
        let _ = writeln!(out, "**{}**\n", md_cell(&table.caption));
    }
    let _ = writeln!(
        out,
        "| {} |",
        table
            .header
            .iter()
            .map(|h| md_cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(
        out,
        "|{}|",
        numeric_columns(table)
            .iter()
            .map(|&numeric| if numeric { "---:" } else { "---" })
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in &table.rows {
        let _ = writeln!(
            out,
            "| {} |",
            row.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    out.push('\n');
}

/// Markdown: the same sections and tables; each chart as its title, summary and data.
pub fn markdown(doc: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n\n{}\n", doc.title, doc.subtitle);
    for s in doc.visible_sections() {
        let _ = writeln!(out, "## {}\n", s.title);
        for block in &s.blocks {
            match block {
                Block::Figures(figures) => {
                    let table = Table {
                        caption: String::new(),
                        header: vec!["Figure".into(), "Value".into(), "Change".into()],
                        rows: figures
                            .iter()
                            .map(|f| {
                                vec![
                                    f.label.clone(),
                                    f.value.clone(),
                                    f.change.clone().unwrap_or_default(),
                                ]
                            })
                            .collect(),
                    };
                    md_table(&mut out, &table);
                }
                Block::Table(t) => md_table(&mut out, t),
                Block::Text(t) => {
                    let _ = writeln!(out, "{t}\n");
                }
                Block::Chart(chart) => {
                    let _ = writeln!(out, "**Chart: {}**. {}\n", chart.title, chart.summary);
                    md_table(&mut out, &chart.data);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_money_and_percentages_align_right_dates_do_not() {
        for yes in [
            "12",
            "-3.5",
            "1,234",
            "45.1%",
            "12,345 USD",
            "£12",
            "$7.50",
            "+2.0%",
            "360.92 / 352.1",
        ] {
            assert!(looks_numeric(yes), "{yes}");
        }
        for no in ["2024-01", "web", "", "R 5", "0 USD to 7 USD", "C1", "web / 3"] {
            assert!(!looks_numeric(no), "{no}");
        }
    }

    #[test]
    fn html_escapes_and_holds_no_external_reference() {
        let doc = Document {
            title: "<script>alert(1)</script>".into(),
            subtitle: "a & b".into(),
            sections: vec![Section {
                id: "s",
                title: "S".into(),
                blocks: vec![Block::Table(Table {
                    caption: String::new(),
                    header: vec!["x".into()],
                    rows: vec![vec!["<b>".into()]],
                })],
            }],
        };
        let page = html(&doc);
        assert!(!page.contains("<script>") && page.contains("&lt;script&gt;") && page.contains("&lt;b&gt;"));
        assert!(!page.contains("http://") || page.matches("http://").all(|_| page.contains("xmlns")));
        assert!(!page.contains("https://"));
    }
}
