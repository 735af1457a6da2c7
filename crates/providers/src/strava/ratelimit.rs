//! Strava's rate-limit headers (docs/providers.md §1.5).
//!
//! Each header holds "15-minute,daily" numbers: `X-RateLimit-Limit`, `X-RateLimit-Usage`,
//! `X-ReadRateLimit-Limit`, `X-ReadRateLimit-Usage`. Strava writes them as `X-Ratelimit-Limit`;
//! header names are case-insensitive (the `http` crate stores them lowercase), and a value that
//! does not parse is ignored.

use reqwest::header::HeaderMap;

use crate::budget::{Bucket, Observed};

/// The buckets Strava reported in `headers`; empty when it sent none (or only garbage).
pub fn observed(headers: &HeaderMap) -> Vec<Observed> {
    let mut found = Vec::with_capacity(4);
    let families = [
        (
            "x-ratelimit-limit",
            "x-ratelimit-usage",
            Bucket::Overall15m,
            Bucket::OverallDay,
        ),
        (
            "x-readratelimit-limit",
            "x-readratelimit-usage",
            Bucket::Read15m,
            Bucket::ReadDay,
        ),
    ];
    for (limit_name, usage_name, short, daily) in families {
        let (Some(limits), Some(usages)) = (pair(headers, limit_name), pair(headers, usage_name))
        else {
            continue;
        };
        found.push(Observed {
            bucket: short,
            limit: limits.0,
            usage: usages.0,
        });
        found.push(Observed {
            bucket: daily,
            limit: limits.1,
            usage: usages.1,
        });
    }
    found
}

/// Parses `"200,2000"` (spaces tolerated) into the 15-minute and daily numbers.
fn pair(headers: &HeaderMap, name: &str) -> Option<(u32, u32)> {
    let text = headers.get(name)?.to_str().ok()?;
    let (short, daily) = text.split_once(',')?;
    Some((short.trim().parse().ok()?, daily.trim().parse().ok()?))
}

/// The daily buckets whose reported usage has reached their limit (a 429 then also fills them).
pub fn full_daily_buckets(observed: &[Observed]) -> Vec<Bucket> {
    observed
        .iter()
        .filter(|seen| matches!(seen.bucket, Bucket::OverallDay | Bucket::ReadDay))
        .filter(|seen| seen.usage >= seen.limit)
        .map(|seen| seen.bucket)
        .collect()
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn mixed_case_names_give_all_four_buckets() {
        let map = headers(&[
            ("X-Ratelimit-Limit", "200,2000"),
            ("X-RATELIMIT-USAGE", "26, 362"),
            ("x-readratelimit-limit", "100,1000"),
            ("X-Readratelimit-Usage", "78,221"),
        ]);
        let seen = observed(&map);
        assert_eq!(seen.len(), 4);
        assert!(seen.contains(&Observed {
            bucket: Bucket::Overall15m,
            limit: 200,
            usage: 26
        }));
        assert!(seen.contains(&Observed {
            bucket: Bucket::OverallDay,
            limit: 2000,
            usage: 362
        }));
        assert!(seen.contains(&Observed {
            bucket: Bucket::Read15m,
            limit: 100,
            usage: 78
        }));
        assert!(seen.contains(&Observed {
            bucket: Bucket::ReadDay,
            limit: 1000,
            usage: 221
        }));
    }

    #[test]
    fn unparsable_or_half_present_values_are_ignored() {
        let map = headers(&[
            ("X-Ratelimit-Limit", "lots"),
            ("X-Ratelimit-Usage", "1,2"),
            ("X-Readratelimit-Limit", "100,1000"),
        ]);
        assert!(observed(&map).is_empty());
    }

    #[test]
    fn only_daily_buckets_at_their_limit_are_full() {
        let seen = [
            Observed {
                bucket: Bucket::Read15m,
                limit: 100,
                usage: 100,
            },
            Observed {
                bucket: Bucket::ReadDay,
                limit: 1000,
                usage: 1000,
            },
            Observed {
                bucket: Bucket::OverallDay,
                limit: 2000,
                usage: 1000,
            },
        ];
        assert_eq!(full_daily_buckets(&seen), vec![Bucket::ReadDay]);
    }
}
