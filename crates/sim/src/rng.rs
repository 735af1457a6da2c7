//! Counter-based randomness: every draw is a pure hash of its coordinates (seed, athlete, day,
//! purpose, counter), so any day of any athlete can be generated alone, in any order, with no
//! shared generator state.

/// SplitMix64's finaliser: a bijective mix of 64 bits.
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a purpose name, so call sites read `tag("skip")` instead of magic numbers.
pub(crate) const fn tag(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut hash = 0xCBF2_9CE4_8422_2325_u64;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01B3);
        i += 1;
    }
    hash
}

/// A hash of a list of coordinates.
pub(crate) fn hash(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x5EED_5EED_5EED_5EED_u64, |acc, &part| mix(acc ^ mix(part)))
}

/// A uniform draw in [0, 1).
pub(crate) fn unit(parts: &[u64]) -> f64 {
    to_unit(hash(parts))
}

/// Maps 64 random bits to [0, 1).
pub(crate) fn to_unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1_u64 << 53) as f64
}

/// A uniform draw in [lo, hi).
pub(crate) fn range(parts: &[u64], lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * unit(parts)
}

/// A uniform draw in [-1, 1) for per-sample noise; `bits` is a pre-hashed stream key.
pub(crate) fn symmetric(stream_key: u64, counter: u64) -> f64 {
    to_unit(mix(stream_key ^ counter.wrapping_mul(0xD6E8_FEB8_6659_FD93))) * 2.0 - 1.0
}

/// An approximately standard-normal draw (sum of four uniforms, rescaled): cheap and bounded.
pub(crate) fn normalish(parts: &[u64]) -> f64 {
    let key = hash(parts);
    let sum: f64 = (0..4).map(|i| to_unit(mix(key ^ i))).sum();
    (sum - 2.0) * 3.0_f64.sqrt()
}

/// Picks an index in `0..len` (len > 0).
pub(crate) fn pick(parts: &[u64], len: usize) -> usize {
    (hash(parts) % len.max(1) as u64) as usize
}

/// 40 lowercase hex characters, the shape of Strava's tokens.
pub(crate) fn hex40(parts: &[u64]) -> String {
    let a = hash(parts);
    let b = mix(a ^ 1);
    let c = mix(a ^ 2);
    format!("{a:016x}{b:016x}{:08x}", c >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_pure_functions_of_their_coordinates() {
        assert_eq!(hash(&[1, 2, 3]), hash(&[1, 2, 3]));
        assert_ne!(hash(&[1, 2, 3]), hash(&[1, 3, 2]));
        assert_eq!(hex40(&[7]).len(), 40);
    }

    #[test]
    fn uniform_draws_stay_in_range() {
        for i in 0..1000 {
            let u = unit(&[i]);
            assert!((0.0..1.0).contains(&u));
            let s = symmetric(99, i);
            assert!((-1.0..1.0).contains(&s));
        }
    }
}
