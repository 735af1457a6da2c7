//! Distance along a track from positions, for files that record no distance.

use super::streams::Sample;

/// Mean Earth radius, m (IUGG).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance between two points given in degrees, m (haversine formula).
///
/// # Formula
/// a = sin²(Δφ/2) + cos φ₁ · cos φ₂ · sin²(Δλ/2); d = 2R · atan2(√a, √(1 − a)).
pub(super) fn haversine_m(lat1_deg: f64, lon1_deg: f64, lat2_deg: f64, lon2_deg: f64) -> f64 {
    let (phi1, phi2) = (lat1_deg.to_radians(), lat2_deg.to_radians());
    let d_phi = phi2 - phi1;
    let d_lambda = (lon2_deg - lon1_deg).to_radians();
    let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().atan2((1.0 - a).max(0.0).sqrt())
}

/// Fills `distance_m` with the cumulative great-circle distance when no sample has a distance
/// but some have positions. Samples without a position keep the distance reached so far.
pub(super) fn fill_distance_from_positions(samples: &mut [Sample]) {
    if samples.iter().any(|s| s.distance_m.is_some()) {
        return;
    }
    let mut last: Option<(f64, f64)> = None;
    let mut total_m = 0.0;
    let mut any_position = false;
    for sample in samples.iter_mut() {
        if let (Some(lat), Some(lon)) = (sample.lat_deg, sample.lon_deg) {
            if let Some((lat0, lon0)) = last {
                total_m += haversine_m(lat0, lon0, lat, lon);
            }
            last = Some((lat, lon));
            any_position = true;
        }
        sample.distance_m = any_position.then_some(total_m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DISTANCE_TOL_M: f64 = 0.5;

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let d = haversine_m(45.0, 7.0, 46.0, 7.0);
        assert!((d - 111_195.0).abs() < 5.0, "{d}");
    }

    #[test]
    fn the_same_point_is_zero_metres_away() {
        assert!(haversine_m(51.5, -0.1, 51.5, -0.1).abs() < DISTANCE_TOL_M);
    }

    #[test]
    fn distance_accumulates_along_positions() {
        let p = |lat: f64| Sample {
            lat_deg: Some(lat),
            lon_deg: Some(0.0),
            ..Sample::default()
        };
        let mut samples = [p(0.0), p(0.001), Sample::default(), p(0.002)];
        fill_distance_from_positions(&mut samples);
        let d: Vec<f64> = samples.iter().map(|s| s.distance_m.unwrap()).collect();
        assert!(d[0].abs() < DISTANCE_TOL_M);
        assert!((d[1] - 111.2).abs() < DISTANCE_TOL_M);
        assert!((d[2] - d[1]).abs() < DISTANCE_TOL_M);
        assert!((d[3] - 222.4).abs() < DISTANCE_TOL_M);
    }
}
