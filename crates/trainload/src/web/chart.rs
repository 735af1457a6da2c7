//! Charts. Each is a container that `assets/charts.js` draws with uPlot from the JSON spec
//! embedded in it ([`container`]); what the container holds until then is the fallback without
//! JavaScript. The fitness/fatigue/form chart's fallback is inline SVG drawn here ([`pmc_svg`]):
//! daily load as bars, CTL, ATL and TSB as polylines, a zero line for form, round gridlines,
//! dates on round days (Mondays, the 1st and 15th, month starts) and both axis titles with
//! their units, as the script's chart has them.

use std::fmt::Write;

use askama::Template;
use jiff::civil::{Date, Weekday};
use serde_json::{Value, json};

use super::html::escaped;
use crate::read::PmcPoint;

/// A chart container (`components/chart.html`): the spec (see `assets/charts.js`) as JSON that
/// cannot end the script element, and the fallback shown until the script draws (safe HTML, or
/// by default a note that the table beside the chart has the numbers). `id` names the
/// container for the browser test (`pmc-chart`).
#[derive(Debug, Clone, Template)]
#[template(path = "components/chart.html")]
pub struct Chart {
    id: Option<&'static str>,
    spec_json: String,
    fallback: Option<String>,
}

/// The [`Chart`] of `spec` with `fallback` (safe HTML; none for the table note).
pub fn container(id: Option<&'static str>, spec: &Value, fallback: Option<String>) -> Chart {
    // `<`, `>` and `&` escaped as JSON unicode escapes: the script element's text can then
    // never contain `</script>` or `<!--`, whatever strings the spec holds.
    let spec_json = spec
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    Chart {
        id,
        spec_json,
        fallback,
    }
}

/// The legend under the fitness/fatigue/form chart's SVG (`components/pmc_legend.html`).
#[derive(Template)]
#[template(path = "components/pmc_legend.html")]
struct PmcLegend;

/// The fallback of the fitness/fatigue/form chart: the SVG and its legend (uPlot draws its
/// own legend).
pub fn pmc_fallback(points: &[PmcPoint]) -> String {
    pmc_svg(points) + &PmcLegend.to_string()
}

/// The spec of the fitness/fatigue/form chart: daily load bars and the three curves.
pub fn pmc_spec(points: &[PmcPoint]) -> Value {
    let series = |label: &str, color: &str, value: fn(&PmcPoint) -> f64, bars: bool| {
        json!({
            "label": label, "color": color, "bars": bars,
            "values": points.iter().map(|p| round1(value(p))).collect::<Vec<_>>(),
        })
    };
    json!({
        "x": points.iter().map(|p| p.date.as_str()).collect::<Vec<_>>(),
        "x_kind": "date",
        "y_label": PMC_Y_TITLE,
        "series": [
            series("Daily load", "#cbd5e1", |p| p.load, true),
            series("Fitness (CTL)", "#2563eb", |p| p.ctl, false),
            series("Fatigue (ATL)", "#db2777", |p| p.atl, false),
            series("Form (TSB)", "#16a34a", |p| p.tsb, false),
        ],
    })
}

/// `value` to one decimal (charts need no more, and the page stays small).
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// The value axis' title of the fitness/fatigue/form chart (script and fallback alike).
const PMC_Y_TITLE: &str = "Load (UTL/day)";
/// The date axis' title.
const X_TITLE: &str = "Date";

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 350.0;
const PAD_LEFT: f64 = 70.0;
const PAD_RIGHT: f64 = 10.0;
const PAD_TOP: f64 = 14.0;
const PAD_BOTTOM: f64 = 52.0;

/// The chart of `points` (oldest first).
pub fn pmc_svg(points: &[PmcPoint]) -> String {
    let (lo, hi) = bounds(points);
    let plot_w = WIDTH - PAD_LEFT - PAD_RIGHT;
    let plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM;
    let n = points.len().max(1) as f64;
    let x = |i: usize| PAD_LEFT + plot_w * (i as f64 + 0.5) / n;
    let y = |v: f64| PAD_TOP + plot_h * (hi - v) / (hi - lo);
    let mut svg = format!(
        r#"<svg class="pmc" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Fitness (CTL), fatigue (ATL) and form (TSB) over {} days" data-axis-titles="{X_TITLE} | {PMC_Y_TITLE}">"#,
        points.len()
    );
    for tick in ticks(lo, hi) {
        let _ = write!(
            svg,
            r##"<line x1="{PAD_LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="{}" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end">{tick:.0}</text>"##,
            WIDTH - PAD_RIGHT,
            if tick == 0.0 { "#94a3b8" } else { "#eef0f3" },
            PAD_LEFT - 4.0,
            y(tick) + 4.0,
            y = y(tick),
        );
    }
    let bar_w = (plot_w / n * 0.7).max(1.0);
    for (i, p) in points.iter().enumerate().filter(|(_, p)| p.load > 0.0) {
        let top = y(p.load.min(hi));
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{:.1}" y="{top:.1}" width="{bar_w:.1}" height="{:.1}"><title>{} load {:.0}</title></rect>"#,
            x(i) - bar_w / 2.0,
            (y(0.0) - top).max(0.0),
            escaped(&p.date),
            p.load,
        );
    }
    for (class, value) in [
        ("ctl", (|p: &PmcPoint| p.ctl) as fn(&PmcPoint) -> f64),
        ("atl", |p: &PmcPoint| p.atl),
        ("tsb", |p: &PmcPoint| p.tsb),
    ] {
        let path: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(value(p))))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline class="{class}" data-series="{class}" fill="none" stroke-width="2" points="{}"/>"#,
            path.join(" ")
        );
    }
    for (i, label) in date_ticks(points) {
        let _ = write!(
            svg,
            r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            x(i),
            HEIGHT - PAD_BOTTOM + 22.0,
            escaped(&label),
        );
    }
    let _ = write!(
        svg,
        r#"<text class="axis-title" x="{:.1}" y="{}" text-anchor="middle">{X_TITLE}</text><text class="axis-title" transform="translate(22 {:.1}) rotate(-90)" text-anchor="middle">{PMC_Y_TITLE}</text>"#,
        PAD_LEFT + plot_w / 2.0,
        HEIGHT - 6.0,
        PAD_TOP + plot_h / 2.0,
    );
    svg.push_str("</svg>");
    svg
}

/// The value range shown: every series and the daily loads (capped so one huge day does not
/// flatten the curves), always including zero, rounded out to tens.
fn bounds(points: &[PmcPoint]) -> (f64, f64) {
    let curves = points.iter().flat_map(|p| [p.ctl, p.atl, p.tsb]);
    let (mut lo, mut hi) = curves.fold((0.0_f64, 10.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let peak_load = points.iter().map(|p| p.load).fold(0.0, f64::max);
    hi = hi.max(peak_load.min(hi * 2.0));
    lo = (lo / 10.0).floor() * 10.0;
    hi = (hi / 10.0).ceil() * 10.0;
    (lo, hi.max(lo + 10.0))
}

/// About five round gridline values between `lo` and `hi`.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let raw = (hi - lo) / 5.0;
    let step = [10.0, 20.0, 25.0, 50.0, 100.0, 200.0]
        .into_iter()
        .find(|s| *s >= raw)
        .unwrap_or(500.0);
    let mut out = Vec::new();
    let mut v = (lo / step).ceil() * step;
    while v <= hi {
        out.push(v);
        v += step;
    }
    out
}

/// The labelled days of a date axis, as (index, label): round days, spaced by the range's
/// length as the script's axis spaces them (every day, Mondays, the 1st and 15th, each 1st,
/// each quarter, each year), about six to twelve labels.
fn date_ticks(points: &[PmcPoint]) -> Vec<(usize, String)> {
    let dates: Vec<Option<Date>> = points.iter().map(|p| p.date.parse().ok()).collect();
    let round: fn(Date) -> bool = match points.len() {
        0..=12 => |_| true,
        13..=63 => |d| d.weekday() == Weekday::Monday,
        64..=186 => |d| d.day() == 1 || d.day() == 15,
        187..=400 => |d| d.day() == 1,
        401..=1100 => |d| d.day() == 1 && (d.month() - 1) % 3 == 0,
        _ => |d| d.day() == 1 && d.month() == 1,
    };
    // Quarters and years name the year: such a range spans several.
    let format = match points.len() {
        0..=400 => "%-d %b",
        401..=1100 => "%b %Y",
        _ => "%Y",
    };
    dates
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let d = (*d).filter(|d| round(*d))?;
            Some((i, d.strftime(format).to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(day: u32, load: f64, ctl: f64) -> PmcPoint {
        PmcPoint {
            date: format!("2026-01-{day:02}"),
            load,
            ctl,
            atl: ctl * 1.5,
            tsb: -ctl / 2.0,
        }
    }

    #[test]
    fn the_chart_has_one_polyline_per_series_with_a_point_per_day() {
        let points: Vec<_> = (1..=20).map(|d| point(d, 50.0, f64::from(d))).collect();
        let svg = pmc_svg(&points);
        for class in ["ctl", "atl", "tsb"] {
            let start = svg.find(&format!(r#"class="{class}""#)).unwrap();
            let line = &svg[start..svg[start..].find("/>").unwrap() + start];
            assert_eq!(line.matches(',').count(), 20, "{class}");
        }
        assert_eq!(svg.matches("<rect").count(), 20);
    }

    #[test]
    fn a_spec_cannot_close_its_script_element() {
        let spec = json!({"x": ["</script><script>alert(1)</script>"], "series": []});
        let html = container(Some("c"), &spec, None).to_string();
        assert_eq!(html.matches("</script>").count(), 1, "{html}");
        let json = html
            .split(r#"<script type="application/json">"#)
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .unwrap();
        let parsed: Value = serde_json::from_str(json).unwrap();
        assert_eq!(parsed, spec, "the escapes decode back to the same strings");
        assert!(html.starts_with(r#"<div class="chart" id="c" data-chart>"#));
    }

    #[test]
    fn the_fallback_has_axis_titles_with_units_and_dates_on_round_days() {
        // 1 January to 31 March 2026: ninety days, labelled on the 1st and the 15th.
        let start: Date = "2026-01-01".parse().unwrap();
        let points: Vec<_> = (0..90)
            .map(|i| PmcPoint {
                date: start
                    .checked_add(jiff::Span::new().days(i))
                    .unwrap()
                    .to_string(),
                load: 40.0,
                ctl: 30.0,
                atl: 35.0,
                tsb: -5.0,
            })
            .collect();
        let svg = pmc_svg(&points);
        assert!(svg.contains(">Date</text>"), "{svg}");
        assert!(svg.contains(">Load (UTL/day)</text>"), "{svg}");
        assert!(svg.contains(r#"data-axis-titles="Date | Load (UTL/day)""#));
        let labels: Vec<&str> = svg
            .split(r#"<text class="tick""#)
            .skip(1)
            .filter_map(|t| t.split('>').nth(1)?.split('<').next())
            .collect();
        assert_eq!(
            labels,
            ["1 Jan", "15 Jan", "1 Feb", "15 Feb", "1 Mar", "15 Mar"]
        );
        // A month: Mondays. Three years: quarters. Longer: years.
        let labels_of = |n: i64| -> Vec<String> {
            let points: Vec<_> = (0..n)
                .map(|i| PmcPoint {
                    date: start
                        .checked_add(jiff::Span::new().days(i))
                        .unwrap()
                        .to_string(),
                    ..point(1, 0.0, 0.0)
                })
                .collect();
            date_ticks(&points).into_iter().map(|(_, l)| l).collect()
        };
        assert_eq!(labels_of(28), ["5 Jan", "12 Jan", "19 Jan", "26 Jan"]);
        let quarters = labels_of(1000);
        assert_eq!(quarters.len(), 11, "quarters of 2026 to 2028: {quarters:?}");
        assert_eq!(quarters[..2], ["Jan 2026", "Apr 2026"]);
        assert_eq!(labels_of(4 * 366)[..2], ["2026", "2027"]);
    }

    #[test]
    fn negative_form_extends_the_range_below_zero() {
        let (lo, hi) = bounds(&[point(1, 0.0, 40.0)]);
        assert!(lo <= -20.0 && hi >= 60.0, "{lo} {hi}");
    }
}
