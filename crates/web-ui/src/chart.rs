//! A bar chart of a series drawn on the server as SVG: no chart library in the browser, readable
//! with CSS alone, described for screen readers.

use maud::{Markup, html};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const AXIS_LEFT: f64 = 56.0;
const AXIS_BOTTOM: f64 = 24.0;
const TOP: f64 = 12.0;

/// One bar: its label (a day) and value (minor units), with the text a tooltip shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub tooltip: String,
}

/// The chart of `bars`, its axis labelled with `format_value`; `summary` describes it in words.
#[must_use]
pub fn bars(bars: &[Bar], summary: &str, format_value: impl Fn(i64) -> String) -> Markup {
    let max = bars.iter().map(|bar| bar.value).max().unwrap_or(0).max(1);
    let plot_width = WIDTH - AXIS_LEFT;
    let plot_height = HEIGHT - AXIS_BOTTOM - TOP;
    let slot = plot_width / bars.len().max(1) as f64;
    let bar_width = (slot * 0.7).max(1.0);
    // Label about eight days along the axis, however long the period.
    let label_every = bars.len().div_ceil(8).max(1);
    html! {
        figure.chart {
            svg viewBox={"0 0 " (WIDTH) " " (HEIGHT)} role="img" aria-label=(summary)
                preserveAspectRatio="none" {
                @for step in 0..=2_i64 {
                    @let y = TOP + plot_height - plot_height * step as f64 / 2.0;
                    line.grid x1=(AXIS_LEFT) x2=(WIDTH) y1=(y) y2=(y) {}
                    text.axis x=(AXIS_LEFT - 6.0) y=(y + 4.0) text-anchor="end" {
                        (format_value(max * step / 2))
                    }
                }
                @for (index, bar) in bars.iter().enumerate() {
                    @let height = plot_height * bar.value.max(0) as f64 / max as f64;
                    @let x = AXIS_LEFT + slot * index as f64 + (slot - bar_width) / 2.0;
                    rect.bar x=(round(x)) y=(round(TOP + plot_height - height))
                        width=(round(bar_width)) height=(round(height)) {
                        title { (bar.tooltip) }
                    }
                    @if index % label_every == 0 {
                        text.axis x=(round(x + bar_width / 2.0)) y=(HEIGHT - 6.0) text-anchor="middle" {
                            (bar.label)
                        }
                    }
                }
            }
            figcaption.visually-hidden { (summary) }
        }
    }
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        let series = [("12-01", 0), ("12-02", 500), ("12-03", 1000)].map(|(label, value)| Bar {
            label: label.to_owned(),
            value,
            tooltip: format!("{label}: {value}"),
        });
        let svg = bars(&series, "Revenue per day", |value| value.to_string()).into_string();
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains(r#"aria-label="Revenue per day""#));
        assert!(
            svg.contains(r#"height="184""#),
            "the largest bar fills the plot: {svg}"
        );
        assert!(svg.contains("<title>12-02: 500</title>"));
        assert!(
            bars(&[], "empty", |v| v.to_string())
                .into_string()
                .contains("<svg")
        );
    }
}
