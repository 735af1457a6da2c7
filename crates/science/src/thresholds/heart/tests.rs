use super::*;

const TOL: f64 = 1e-9;

fn day(s: &str) -> LocalDate {
    s.parse().unwrap()
}

fn hr_grid(segments: &[Vec<Option<f64>>]) -> Grid {
    let mut grid = Grid::default();
    let mut t = 0;
    for seg in segments {
        let from = grid.heartrate_bpm.len();
        for v in seg {
            grid.offset_s.push(t);
            grid.heartrate_bpm.push(*v);
            t += 1;
        }
        grid.segments.push(from..grid.heartrate_bpm.len());
        grid.pauses_s.push(60);
        t += 60;
    }
    grid.pauses_s.pop();
    grid
}

#[test]
fn a_one_second_spike_is_not_a_max_hr() {
    let cfg = ThresholdConfig::default();
    let mut seg = vec![Some(170.0); 20];
    seg[10] = Some(230.0);
    seg[3] = Some(181.0);
    seg[4] = Some(182.0);
    seg[5] = Some(183.0);
    seg[6] = Some(184.0);
    seg[7] = Some(185.0);
    let grid = hr_grid(&[seg]);
    assert_eq!(max_hr_candidate(&grid, &cfg), Some(181.0));
}

#[test]
fn max_hr_windows_stay_inside_a_segment_and_skip_gaps() {
    let cfg = ThresholdConfig::default();
    let a = vec![Some(190.0); 3];
    let b = vec![
        Some(190.0),
        Some(190.0),
        None,
        Some(150.0),
        Some(150.0),
        Some(150.0),
        Some(150.0),
        Some(150.0),
    ];
    let grid = hr_grid(&[a, b]);
    assert_eq!(max_hr_candidate(&grid, &cfg), Some(150.0));
    assert_eq!(
        max_hr_candidate(&hr_grid(&[vec![Some(190.0); 4]]), &cfg),
        None
    );
    assert_eq!(max_hr_candidate(&Grid::default(), &cfg), None);
}

#[test]
fn best_hr_average_keeps_the_earliest_of_equal_windows() {
    let grid = hr_grid(&[
        vec![Some(150.0), Some(160.0), Some(150.0)],
        vec![Some(160.0), Some(150.0)],
    ]);
    let w = best_hr_average(&grid, 2).unwrap();
    assert!((w.avg_bpm - 155.0).abs() < TOL);
    assert_eq!(w.start_offset_s, 0);
    assert!(best_hr_average(&grid, 4).is_none());
    assert!(best_hr_average(&grid, 0).is_none());
}

fn peak(id: i64, date: &str, bpm: f64) -> HrPeak {
    HrPeak {
        activity_id: id,
        date: day(date),
        bpm,
    }
}

#[test]
fn max_hr_takes_the_first_corroborated_candidate() {
    let cfg = ThresholdConfig::default();
    let as_of = day("2024-06-01");
    let peaks = [
        peak(1, "2024-05-01", 215.0), // optical sensor locked onto cadence
        peak(2, "2024-04-01", 188.0),
        peak(3, "2024-03-01", 186.0),
        peak(4, "2022-03-01", 199.0), // outside the 365 days
    ];
    let c = estimate_max_hr(&peaks, as_of, &cfg).unwrap();
    assert_eq!(c.value, 188.0);
    assert_eq!(c.effective_from, day("2024-04-01"));
    assert_eq!(c.points.len(), 2);
    assert_eq!(
        estimate_max_hr(&peaks[..1], as_of, &cfg).unwrap().value,
        215.0
    );
    let lonely = [
        peak(1, "2024-05-01", 215.0),
        peak(2, "2024-04-01", 200.0),
        peak(3, "2024-03-01", 190.0),
    ];
    assert_eq!(estimate_max_hr(&lonely, as_of, &cfg).unwrap().value, 200.0);
    assert!(estimate_max_hr(&[], as_of, &cfg).is_none());
}

fn effort(
    id: i64,
    date: &str,
    group: SportGroup,
    avg: Option<f64>,
    max: Option<f64>,
) -> LthrEffort {
    LthrEffort {
        activity_id: id,
        date: day(date),
        group,
        best_avg_bpm: avg,
        max_hr_bpm: max,
    }
}

#[test]
fn lthr_is_95_percent_of_the_best_hard_run() {
    let cfg = ThresholdConfig::default();
    let as_of = day("2024-06-01");
    let efforts = [
        effort(
            1,
            "2024-05-01",
            SportGroup::Running,
            Some(172.0),
            Some(190.0),
        ),
        effort(
            2,
            "2024-05-10",
            SportGroup::Running,
            Some(160.0),
            Some(190.0),
        ), // not hard
        effort(
            3,
            "2024-05-20",
            SportGroup::Cycling,
            Some(180.0),
            Some(190.0),
        ), // runs exist
    ];
    let c = estimate_lthr(&efforts, as_of, &cfg).unwrap();
    assert!((c.value - 0.95 * 172.0).abs() < TOL);
    assert_eq!(c.effective_from, day("2024-05-01"));
    let rides_only = [effort(
        3,
        "2024-05-20",
        SportGroup::Cycling,
        Some(180.0),
        Some(190.0),
    )];
    assert!((estimate_lthr(&rides_only, as_of, &cfg).unwrap().value - 171.0).abs() < TOL);
    // A run without a hard window still hides the rides.
    let soft_run = [efforts[1], efforts[2]];
    assert!(estimate_lthr(&soft_run, as_of, &cfg).is_none());
    let no_max = [effort(
        1,
        "2024-05-01",
        SportGroup::Running,
        Some(172.0),
        None,
    )];
    assert!(estimate_lthr(&no_max, as_of, &cfg).is_none());
}

#[test]
fn resting_hr_needs_four_values_in_fourteen_days() {
    let cfg = ThresholdConfig::default();
    let as_of = day("2024-06-14");
    let w = [
        (day("2024-06-01"), 50.0),
        (day("2024-06-05"), 52.0),
        (day("2024-05-31"), 40.0), // outside the window
        (day("2024-06-10"), f64::NAN),
        (day("2024-06-12"), 54.0),
    ];
    assert!(estimate_resting_hr(&w, as_of, &cfg).is_none());
    let mut more = w.to_vec();
    more.push((day("2024-06-13"), 48.0));
    let c = estimate_resting_hr(&more, as_of, &cfg).unwrap();
    assert!((c.value - 51.0).abs() < TOL);
    assert_eq!(c.effective_from, day("2024-06-13"));
    assert_eq!(c.points.len(), 4);
}
