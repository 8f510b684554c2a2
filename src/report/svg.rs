//! Hand-written SVG charts: horizontal bars, a line with forecast intervals, a heatmap. Each
//! has a title and description for screen readers, axis labels with units, and text that
//! scales with the page (a viewBox, no fixed pixel size).

use std::fmt::Write as _;

use super::{escape, Chart, ChartKind};

const FONT: &str = "font-family=\"system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif\"";
const ACCENT: &str = "#1f5fa8";

pub fn render(chart: &Chart, number: usize) -> String {
    let (width, height, body) = match &chart.kind {
        ChartKind::Bars { labels, values } => bars(labels, values, &chart.x_label),
        ChartKind::Line {
            labels,
            history,
            forecast,
            band_80,
            band_95,
        } => line(
            labels,
            history,
            forecast,
            band_80,
            band_95,
            &chart.x_label,
            &chart.y_label,
        ),
        ChartKind::Heatmap {
            rows,
            columns,
            values,
            percent,
        } => heatmap(rows, columns, values, *percent, &chart.x_label, &chart.y_label),
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" style=\"max-width:{width}px\" role=\"img\" aria-labelledby=\"chart{number}-title chart{number}-desc\" {FONT} font-size=\"12\">\
<title id=\"chart{number}-title\">{}</title><desc id=\"chart{number}-desc\">{}</desc>{body}</svg>",
        escape(&chart.title),
        escape(&chart.summary)
    )
}

/// Short numbers for axes and labels: 1.2k, 3.4M.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}B", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || v == v.trunc() {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Round tick values covering [low, high].
fn ticks(low: f64, high: f64) -> Vec<f64> {
    let span = (high - low).max(1e-9);
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * magnitude);
    let start = (low / step).floor() * step;
    let mut out = Vec::new();
    let mut t = start;
    while t <= high + step * 0.5 {
        out.push(t);
        t += step;
    }
    out
}

fn bars(labels: &[String], values: &[f64], x_label: &str) -> (f64, f64, String) {
    let (left, right, top, row) = (190.0, 70.0, 10.0, 24.0);
    let width = 720.0;
    let height = top + row * labels.len() as f64 + 44.0;
    let max = values.iter().copied().fold(0.0f64, f64::max).max(1e-9);
    let plot = width - left - right;
    let mut s = String::new();
    for (i, (label, &v)) in labels.iter().zip(values).enumerate() {
        let y = top + row * i as f64;
        let w = (v.max(0.0) / max * plot).max(0.5);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#1d2733\">{}</text>\
<rect x=\"{left}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{ACCENT}\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#1d2733\">{}</text>",
            left - 6.0,
            y + row * 0.65,
            escape(label),
            y + 3.0,
            row - 6.0,
            left + w + 4.0,
            y + row * 0.65,
            escape(&short(v))
        );
    }
    let axis_y = top + row * labels.len() as f64;
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{axis_y}\" stroke=\"#5b6776\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#5b6776\">{}</text>",
        left + plot / 2.0,
        axis_y + 30.0,
        escape(x_label)
    );
    (width, height, s)
}

#[allow(clippy::too_many_arguments)]
fn line(
    labels: &[String],
    history: &[Option<f64>],
    forecast: &[Option<f64>],
    band_80: &[Option<(f64, f64)>],
    band_95: &[Option<(f64, f64)>],
    x_label: &str,
    y_label: &str,
) -> (f64, f64, String) {
    let (width, height) = (760.0, 320.0);
    let (left, right, top, bottom) = (70.0, 20.0, 16.0, 70.0);
    let all = history
        .iter()
        .chain(forecast)
        .flatten()
        .copied()
        .chain(band_95.iter().flatten().flat_map(|(lo, hi)| [*lo, *hi]));
    let (low, high) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    let (low, high) = if low.is_finite() {
        (low.min(0.0), high.max(low + 1.0))
    } else {
        (0.0, 1.0)
    };
    let ticks = ticks(low, high);
    let (low, high) = (*ticks.first().unwrap_or(&low), *ticks.last().unwrap_or(&high));
    let n = labels.len().max(2);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let x = |i: usize| left + plot_w * i as f64 / (n - 1) as f64;
    let y = |v: f64| top + plot_h * (1.0 - (v - low) / (high - low).max(1e-9));
    let mut s = String::new();
    for t in &ticks {
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#e3e8ef\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#5b6776\">{}</text>",
            width - right,
            y(*t),
            y(*t),
            left - 6.0,
            y(*t) + 4.0,
            short(*t)
        );
    }
    for (band, colour) in [(band_95, "#cfe0f3"), (band_80, "#9fc1e6")] {
        let points: Vec<(usize, (f64, f64))> = band
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.map(|b| (i, b)))
            .collect();
        if points.len() >= 2 {
            let upper: Vec<String> = points
                .iter()
                .map(|(i, (_, hi))| format!("{:.1},{:.1}", x(*i), y(*hi)))
                .collect();
            let lower: Vec<String> = points
                .iter()
                .rev()
                .map(|(i, (lo, _))| format!("{:.1},{:.1}", x(*i), y(*lo)))
                .collect();
            let _ = write!(
                s,
                "<polygon points=\"{} {}\" fill=\"{colour}\"/>",
                upper.join(" "),
                lower.join(" ")
            );
        }
    }
    for (series, dash) in [(history, ""), (forecast, " stroke-dasharray=\"6 4\"")] {
        let points: Vec<String> = series
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        if !points.is_empty() {
            let _ = write!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{ACCENT}\" stroke-width=\"2\"{dash}/>",
                points.join(" ")
            );
        }
    }
    let every = labels.len().div_ceil(12).max(1);
    for (i, label) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" transform=\"rotate(-40 {:.1} {:.1})\" fill=\"#5b6776\">{}</text>",
            x(i),
            height - bottom + 16.0,
            x(i),
            height - bottom + 16.0,
            escape(label)
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#5b6776\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#5b6776\">{}</text>\
<text x=\"14\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {:.1})\" fill=\"#5b6776\">{}</text>\
<g font-size=\"11\"><rect x=\"{:.1}\" y=\"4\" width=\"12\" height=\"3\" fill=\"{ACCENT}\"/><text x=\"{:.1}\" y=\"10\">history</text>\
<line x1=\"{:.1}\" y1=\"6\" x2=\"{:.1}\" y2=\"6\" stroke=\"{ACCENT}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/><text x=\"{:.1}\" y=\"10\">forecast</text>\
<rect x=\"{:.1}\" y=\"1\" width=\"12\" height=\"9\" fill=\"#9fc1e6\"/><text x=\"{:.1}\" y=\"10\">80%</text>\
<rect x=\"{:.1}\" y=\"1\" width=\"12\" height=\"9\" fill=\"#cfe0f3\"/><text x=\"{:.1}\" y=\"10\">95%</text></g>",
        y(low),
        width - right,
        y(low),
        left + plot_w / 2.0,
        height - 4.0,
        escape(x_label),
        top + plot_h / 2.0,
        top + plot_h / 2.0,
        escape(y_label),
        width - 330.0,
        width - 314.0,
        width - 260.0,
        width - 240.0,
        width - 234.0,
        width - 170.0,
        width - 154.0,
        width - 110.0,
        width - 94.0,
    );
    (width, height, s)
}

fn heatmap(
    rows: &[String],
    columns: &[String],
    values: &[Vec<Option<f64>>],
    percent: bool,
    x_label: &str,
    y_label: &str,
) -> (f64, f64, String) {
    let (left, top, cell_h) = (110.0, 30.0, 22.0);
    let cell_w = (620.0 / columns.len().max(1) as f64).clamp(30.0, 64.0);
    let width = left + cell_w * columns.len() as f64 + 20.0;
    let height = top + cell_h * rows.len() as f64 + 40.0;
    let max = values
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let mut s = String::new();
    for (j, c) in columns.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#5b6776\">{}</text>",
            left + cell_w * (j as f64 + 0.5),
            top - 8.0,
            escape(c)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + cell_h * i as f64;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#1d2733\">{}</text>",
            left - 6.0,
            y + cell_h * 0.68,
            escape(r)
        );
        for (j, v) in values[i].iter().enumerate() {
            let Some(v) = v else { continue };
            let t = (v / max).clamp(0.0, 1.0);
            // From a pale to the accent blue; text turns white on dark cells.
            let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
            let fill = format!(
                "#{:02x}{:02x}{:02x}",
                mix(240.0, 31.0),
                mix(245.0, 95.0),
                mix(251.0, 168.0)
            );
            let text = if percent {
                format!("{:.0}", v * 100.0)
            } else {
                short(*v)
            };
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{}\">{}</text>",
                left + cell_w * j as f64,
                cell_w - 1.0,
                cell_h - 1.0,
                left + cell_w * (j as f64 + 0.5),
                y + cell_h * 0.68,
                if t > 0.55 { "#ffffff" } else { "#1d2733" },
                text
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"12\" text-anchor=\"middle\" fill=\"#5b6776\">{}</text>\
<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#5b6776\">{}</text>",
        left + cell_w * columns.len() as f64 / 2.0,
        escape(x_label),
        4.0,
        height - 8.0,
        escape(y_label)
    );
    (width, height, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 9.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let t = ticks(0.0, 12_345.0);
        assert!(
            t[0] <= 0.0 && *t.last().unwrap() >= 12_345.0 && t.len() <= 8,
            "{t:?}"
        );
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short(1_234_567.0), "1.2M");
        assert_eq!(short(45_000.0), "45k");
        assert_eq!(short(1_500.0), "1.5k");
        assert_eq!(short(12.0), "12");
        assert_eq!(short(0.25), "0.25");
    }
}
