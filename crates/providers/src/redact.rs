//! Diagnostic excerpts of response bodies that are safe to store and log.
//!
//! A body kept inside an error is cut to 2 KiB after every secret in it is replaced: the values of
//! the JSON keys that carry credentials, and any secret the caller sent with the request (Strava
//! echoes the access token in some answers).

use secrecy::{ExposeSecret, SecretString};

/// The most bytes of a body kept in an error.
pub const EXCERPT_MAX_BYTES: usize = 2048;

/// JSON keys whose string values are secrets.
/// (Not `code`: Fault entries use it for their error code; the OAuth code we sent is redacted
/// by value.)
const SECRET_KEYS: [&str; 6] = [
    "access_token",
    "refresh_token",
    "client_secret",
    "icu_api_key",
    "api_key",
    "verify_token",
];

const REDACTED: &str = "[redacted]";

/// The first [`EXCERPT_MAX_BYTES`] of `body` as text, with secrets replaced by `[redacted]`.
pub fn excerpt(body: &[u8], known_secrets: &[&SecretString]) -> String {
    let mut text = String::from_utf8_lossy(body).into_owned();
    for secret in known_secrets {
        let secret = secret.expose_secret();
        if !secret.is_empty() {
            text = text.replace(secret, REDACTED);
        }
    }
    for key in SECRET_KEYS {
        text = redact_json_string_values(&text, key);
    }
    truncate_at_char_boundary(text, EXCERPT_MAX_BYTES)
}

/// Replaces the value of every `"key": "value"` pair (whitespace allowed around the colon).
fn redact_json_string_values(text: &str, key: &str) -> String {
    let needle = format!("\"{key}\"");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = rest.find(&needle) {
        let after_key = found + needle.len();
        out.push_str(&rest[..after_key]);
        rest = &rest[after_key..];
        let trimmed = rest.trim_start();
        let Some(after_colon) = trimmed.strip_prefix(':') else {
            continue;
        };
        let value = after_colon.trim_start();
        let Some(inside) = value.strip_prefix('"') else {
            continue;
        };
        out.push_str(&rest[..rest.len() - value.len()]);
        out.push('"');
        out.push_str(REDACTED);
        out.push('"');
        rest = skip_json_string(inside);
    }
    out.push_str(rest);
    out
}

/// The text after the closing quote of a JSON string whose opening quote is already consumed
/// (the empty string when the string is cut off, so nothing of it survives).
fn skip_json_string(inside: &str) -> &str {
    let mut escaped = false;
    for (index, character) in inside.char_indices() {
        match character {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return &inside[index + 1..],
            _ => {}
        }
    }
    ""
}

fn truncate_at_char_boundary(mut text: String, max_bytes: usize) -> String {
    if text.len() > max_bytes {
        let mut end = max_bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_values_are_replaced_by_key_and_by_value() {
        let sent = SecretString::from("s3cr3t-token");
        let body =
            br#"{"access_token" : "abc\"def", "refresh_token":"xyz", "note":"s3cr3t-token"}"#;
        let text = excerpt(body, &[&sent]);
        assert_eq!(
            text,
            r#"{"access_token" : "[redacted]", "refresh_token":"[redacted]", "note":"[redacted]"}"#
        );
    }

    #[test]
    fn a_cut_off_secret_value_is_dropped_entirely() {
        let text = excerpt(br#"{"refresh_token":"abcdef"#, &[]);
        assert_eq!(text, r#"{"refresh_token":"[redacted]""#);
    }

    #[test]
    fn excerpts_are_cut_to_two_kibibytes_on_a_character_boundary() {
        let body = "é".repeat(3000);
        let text = excerpt(body.as_bytes(), &[]);
        assert!(text.len() <= EXCERPT_MAX_BYTES);
        assert!(text.len() >= EXCERPT_MAX_BYTES - 1);
    }

    #[test]
    fn keys_without_string_values_are_left_alone() {
        let text = excerpt(br#"{"api_key":429,"code":"invalid"}"#, &[]);
        assert_eq!(text, r#"{"api_key":429,"code":"invalid"}"#);
    }
}
