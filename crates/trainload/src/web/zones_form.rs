//! The zone boundaries form on `/fitness` (docs/science.md §15): each model's boundaries, power
//! and heart rate in % of the threshold with the watts or beats they mean today, pace as paces
//! per km or mile when a threshold pace is known (stored, as through the API, in % of threshold
//! speed). `POST /fitness/zones` goes through the same validation and store function as
//! `PUT /api/v1/me/zones`; a refused form shows the page again with the reason, nothing stored.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use science::zones::{ZoneKind, ZoneSettings};

use super::fitness::Refusal;
use super::page_session::PageSession;
use super::zone_table::{kind_title, range_label, threshold_label};
use crate::http::athlete::zones_api::{self, ZoneChange};
use crate::http::{ApiError, AppState};
use crate::read::fitness::CurveWindow;
use crate::read::{self, ThresholdsInForce};
use crate::store::users::UserId;
use crate::store::{Store, users, zones};
use crate::units::Units;

/// The threshold a model's zones are drawn from (the sync's choice of field).
fn threshold_of(now: &ThresholdsInForce, kind: ZoneKind) -> Option<f64> {
    match kind {
        ZoneKind::Power => now.ftp_w,
        ZoneKind::HeartRate => now.lthr_bpm,
        ZoneKind::Pace => now.threshold_speed_mps,
    }
    .filter(|t| t.is_finite() && *t > 0.0)
}

/// A boundary as the form shows it: % (shortest form), or the pace it means per display unit.
fn shown(kind: ZoneKind, pct: f64, threshold: Option<f64>, units: Units) -> String {
    match (kind, threshold) {
        (ZoneKind::Pace, Some(speed)) => {
            units
                .pace_value(speed * pct / 100.0)
                .map_or_else(String::new, |s| {
                    let total = s.round() as i64;
                    format!("{}:{:02}", total / 60, total % 60)
                })
        }
        _ => format!("{pct}"),
    }
}

/// Whether the form edits `kind` as paces (else as %).
fn as_pace(kind: ZoneKind, threshold: Option<f64>) -> bool {
    kind == ZoneKind::Pace && threshold.is_some()
}

/// The `/fitness` card (`fitness/zones_card.html`).
#[derive(Debug, Template)]
#[template(path = "fitness/zones_card.html")]
pub struct ZonesCard {
    distance_unit: &'static str,
    models: Vec<ModelFieldset>,
}

/// A zone model's boundaries.
#[derive(Debug)]
struct ModelFieldset {
    /// The model's name in ids.
    id: &'static str,
    title: &'static str,
    /// The threshold the zones are drawn from today, or that there is none.
    basis: String,
    /// Whether the boundaries are edited as paces (else as %).
    as_pace: bool,
    /// The boundaries allowed, % of the threshold.
    min_pct: f64,
    max_pct: f64,
    zones: Vec<ZoneFields>,
}

/// A zone: its name, where it starts (none for the lowest) and its range today.
#[derive(Debug)]
struct ZoneFields {
    name: String,
    start: Option<StartField>,
    range: String,
}

/// The field of a zone's start.
#[derive(Debug)]
struct StartField {
    field: String,
    /// The boundary as shown: % or a pace.
    value: String,
}

/// The `/fitness` card with the current boundaries of every model.
///
/// # Errors
/// A store failure.
pub async fn card(
    store: &Store,
    user: UserId,
    today: Date,
    units: Units,
) -> Result<ZonesCard, ApiError> {
    let settings = zones::settings(store, user).await?;
    let now = read::thresholds_on(store, user, today).await?;
    let models = ZoneKind::ALL
        .into_iter()
        .map(|kind| model_fieldset(kind, &settings, threshold_of(&now, kind), units))
        .collect();
    Ok(ZonesCard {
        distance_unit: units.distance_unit(),
        models,
    })
}

fn model_fieldset(
    kind: ZoneKind,
    settings: &ZoneSettings,
    threshold: Option<f64>,
    units: Units,
) -> ModelFieldset {
    let boundaries = settings.get(kind);
    let pace = as_pace(kind, threshold);
    let (min_pct, max_pct) = kind.allowed_pct();
    let zones = boundaries
        .zones()
        .into_iter()
        .enumerate()
        .map(|(i, (name, low_pct, high_pct))| {
            let of = |pct: Option<f64>| threshold.zip(pct).map(|(t, p)| t * p / 100.0);
            let range = if threshold.is_some() {
                range_label(kind, of(low_pct), of(high_pct), units)
            } else {
                String::new()
            };
            let start = i.checked_sub(1).zip(low_pct).map(|(j, pct)| StartField {
                field: field_name(kind, j, pace),
                value: shown(kind, pct, threshold, units),
            });
            ZoneFields {
                name: name.to_string(),
                start,
                range,
            }
        })
        .collect();
    ModelFieldset {
        id: kind.as_str(),
        title: kind_title(kind),
        basis: threshold.map_or_else(
            || format!("no {} yet", threshold_name(kind)),
            |t| threshold_label(kind, t, units),
        ),
        as_pace: pace,
        min_pct,
        max_pct,
        zones,
    }
}

fn threshold_name(kind: ZoneKind) -> &'static str {
    match kind {
        ZoneKind::Power => "FTP",
        ZoneKind::HeartRate => "LTHR",
        ZoneKind::Pace => "threshold pace (pace zones are edited in %)",
    }
}

/// The form field of boundary `index` (0-based): `power_1`, …, `pace_1` (m:ss) or
/// `pace_pct_1` (%).
fn field_name(kind: ZoneKind, index: usize, pace: bool) -> String {
    if pace {
        format!("pace_{}", index + 1)
    } else if kind == ZoneKind::Pace {
        format!("pace_pct_{}", index + 1)
    } else {
        format!("{}_{}", kind.as_str(), index + 1)
    }
}

/// `m:ss` → seconds.
fn pace_seconds(text: &str) -> Option<f64> {
    let (m, s) = text.split_once(':')?;
    let m: u32 = m.trim().parse().ok()?;
    let s: u32 = s.trim().parse().ok()?;
    (s < 60).then(|| f64::from(m * 60 + s))
}

/// The boundaries of `kind` the form holds, % of the threshold. A field left as shown keeps
/// the stored value exactly (a pace shown to the second would otherwise move it slightly).
fn posted(
    form: &HashMap<String, String>,
    kind: ZoneKind,
    settings: &ZoneSettings,
    threshold: Option<f64>,
    units: Units,
) -> Result<Option<Vec<f64>>, String> {
    let pace = as_pace(kind, threshold);
    let current = settings.get(kind).pct();
    let mut out = Vec::with_capacity(current.len());
    let mut any = false;
    for (i, &stored) in current.iter().enumerate() {
        let field = field_name(kind, i, pace);
        let Some(text) = form.get(&field).map(|t| t.trim()) else {
            out.push(stored);
            continue;
        };
        any = true;
        let label = format!("{} zone {}", kind_title(kind), i + 2);
        if text == shown(kind, stored, threshold, units) {
            out.push(stored);
        } else if pace {
            let speed = pace_seconds(text)
                .and_then(|s| units.speed_from_pace(s))
                .ok_or_else(|| format!("{label}: {text:?} is not a pace (m:ss)"))?;
            let threshold = threshold.unwrap_or(speed);
            out.push(100.0 * speed / threshold);
        } else {
            let value = text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("{label}: {text:?} is not a number"))?;
            out.push(value);
        }
    }
    if pace && any {
        check_paces(&out, threshold, units)?;
    }
    Ok(any.then_some(out))
}

/// Pace boundaries refused in the athlete's terms (the same rules as [`Boundaries::new`], which
/// would say them in % of threshold speed).
///
/// [`Boundaries::new`]: science::zones::Boundaries::new
fn check_paces(pct: &[f64], threshold: Option<f64>, units: Units) -> Result<(), String> {
    let Some(speed) = threshold else {
        return Ok(());
    };
    let per = units.distance_unit();
    let pace = |p: f64| shown(ZoneKind::Pace, p, threshold, units);
    let (low, high) = ZoneKind::Pace.allowed_pct();
    for (i, &p) in pct.iter().enumerate() {
        if !(low..=high).contains(&p) {
            return Err(format!(
                "Pace zone {}: {}/{per} is too far from your threshold pace {}; a boundary must \
                 lie between {}/{per} and {}/{per}",
                i + 2,
                pace(p),
                units.pace(speed),
                pace(low),
                pace(high),
            ));
        }
    }
    if let Some(i) = pct.windows(2).position(|w| w[1] <= w[0]) {
        return Err(format!(
            "Pace zone {} must start at a faster pace than zone {} ({}/{per} is not faster than \
             {}/{per})",
            i + 3,
            i + 2,
            pace(pct[i + 1]),
            pace(pct[i]),
        ));
    }
    Ok(())
}

/// `POST /fitness/zones`: stores the edited boundaries (or the defaults with `reset`) and
/// recomputes every activity's time in zone; a refused form shows the page with the reason.
pub async fn save(
    State(state): State<AppState>,
    session: PageSession,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<Response, ApiError> {
    let Form(form) = form.map_err(|e| ApiError::bad_request("invalid_form", e.body_text()))?;
    let change = if form.contains_key("reset") {
        ZoneChange {
            reset: true,
            ..ZoneChange::default()
        }
    } else {
        let units = users::units(&state.store, session.user).await?;
        let today = read::today_of(&state.store, session.user).await?;
        let settings = zones::settings(&state.store, session.user).await?;
        let now = read::thresholds_on(&state.store, session.user, today).await?;
        let read = |kind| posted(&form, kind, &settings, threshold_of(&now, kind), units);
        let parsed = (|| {
            Ok::<_, String>(ZoneChange {
                power: read(ZoneKind::Power)?,
                heart_rate: read(ZoneKind::HeartRate)?,
                pace: read(ZoneKind::Pace)?,
                reset: false,
            })
        })();
        match parsed {
            Ok(change) => change,
            Err(reason) => return refused(&state, session, &reason).await,
        }
    };
    match zones_api::set(&state, session.user, &change).await {
        Ok(_) => Ok(Redirect::to("/fitness#zones").into_response()),
        Err(error) if error.status() == StatusCode::BAD_REQUEST => {
            let reason = error.message().to_owned();
            refused(&state, session, &reason).await
        }
        Err(error) => Err(error),
    }
}

async fn refused(
    state: &AppState,
    session: PageSession,
    reason: &str,
) -> Result<Response, ApiError> {
    let notice = Some(Refusal::Zones(reason.to_owned()));
    let page = super::fitness::render(state, session, CurveWindow::Days90, notice).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pace_left_as_shown_keeps_the_stored_boundary() {
        let settings = ZoneSettings::default();
        let speed = Some(1000.0 / 270.0);
        let units = Units::Metric;
        let shown_first = shown(ZoneKind::Pace, 78.0, speed, units);
        assert_eq!(shown_first, "5:46");
        let mut form = HashMap::from([("pace_1".to_owned(), shown_first)]);
        let kept = posted(&form, ZoneKind::Pace, &settings, speed, units).unwrap();
        assert_eq!(kept.as_deref(), Some(ZoneKind::Pace.default_pct()));
        // 5:30/km against a 4:30/km threshold is 270/330 = 81.8 % of threshold speed.
        form.insert("pace_1".to_owned(), "5:30".to_owned());
        let moved = posted(&form, ZoneKind::Pace, &settings, speed, units)
            .unwrap()
            .unwrap();
        assert!((moved[0] - 100.0 * 270.0 / 330.0).abs() < 1e-9, "{moved:?}");
        form.insert("pace_2".to_owned(), "fast".to_owned());
        assert!(posted(&form, ZoneKind::Pace, &settings, speed, units).is_err());
        // Slower than the zone below, or twice as slow as threshold: said in paces.
        form.insert("pace_2".to_owned(), "5:40".to_owned());
        let error = posted(&form, ZoneKind::Pace, &settings, speed, units).unwrap_err();
        assert!(error.contains("faster pace than zone 2"), "{error}");
        form.insert("pace_2".to_owned(), "9:30".to_owned());
        let error = posted(&form, ZoneKind::Pace, &settings, speed, units).unwrap_err();
        assert!(error.contains("between 9:00/km and 3:00/km"), "{error}");
    }
}
