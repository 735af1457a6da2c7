//! What a browser's `PushSubscription` must look like before it is stored: an https endpoint
//! (http only on loopback, and only when the settings allow it, for tests), a P-256 public key
//! and a 16-byte authentication secret, as RFC 8291 defines them. Checked once at the door, so
//! that a delivery never meets a subscription it cannot encrypt for.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use reqwest::Url;

/// Longest endpoint accepted (real ones are a few hundred characters).
pub const MAX_ENDPOINT_LEN: usize = 2048;
/// Length of the browser's authentication secret, bytes.
const AUTH_LEN: usize = 16;

/// Why a subscription was refused; the message is for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSubscription {
    /// Not a URL, too long, or a scheme or host we do not send to.
    #[error("endpoint: {0}")]
    Endpoint(String),
    /// `keys.p256dh` is not base64url of a P-256 public key.
    #[error("keys.p256dh is not a P-256 public key in base64url")]
    PublicKey,
    /// `keys.auth` is not base64url of 16 bytes.
    #[error("keys.auth is not 16 bytes in base64url")]
    Auth,
}

/// Parses and checks an endpoint URL; `allow_loopback_http` admits `http://127.0.0.1`-style
/// URLs (the tests' push service), never other plain-http hosts.
///
/// # Errors
/// [`InvalidSubscription::Endpoint`] saying what is wrong.
pub fn endpoint(text: &str, allow_loopback_http: bool) -> Result<Url, InvalidSubscription> {
    let bad = |why: &str| InvalidSubscription::Endpoint(why.to_owned());
    if text.len() > MAX_ENDPOINT_LEN {
        return Err(bad("longer than 2048 characters"));
    }
    let url = Url::parse(text).map_err(|_| bad("not a URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials"));
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if allow_loopback_http && is_loopback(&url) => Ok(url),
        _ => Err(bad("must be an https URL")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// The browser's public key.
///
/// # Errors
/// [`InvalidSubscription::PublicKey`].
pub fn public_key(text: &str) -> Result<p256::PublicKey, InvalidSubscription> {
    let bytes = BASE64URL
        .decode(text.trim_end_matches('='))
        .map_err(|_| InvalidSubscription::PublicKey)?;
    p256::PublicKey::from_sec1_bytes(&bytes).map_err(|_| InvalidSubscription::PublicKey)
}

/// The browser's authentication secret.
///
/// # Errors
/// [`InvalidSubscription::Auth`].
pub fn auth(text: &str) -> Result<[u8; AUTH_LEN], InvalidSubscription> {
    let bytes = BASE64URL
        .decode(text.trim_end_matches('='))
        .map_err(|_| InvalidSubscription::Auth)?;
    bytes.try_into().map_err(|_| InvalidSubscription::Auth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_allowed_loopback_endpoints_pass() {
        assert!(endpoint("https://fcm.googleapis.com/fcm/send/abc", false).is_ok());
        assert!(endpoint("http://fcm.googleapis.com/fcm/send/abc", false).is_err());
        assert!(endpoint("http://127.0.0.1:9000/push/1", false).is_err());
        assert!(endpoint("http://127.0.0.1:9000/push/1", true).is_ok());
        assert!(endpoint("http://10.0.0.1/push/1", true).is_err());
        assert!(endpoint("https://user:pw@push.example/x", false).is_err());
        assert!(endpoint("ftp://push.example/x", false).is_err());
        assert!(endpoint("not a url", false).is_err());
        let long = format!("https://push.example/{}", "a".repeat(MAX_ENDPOINT_LEN));
        assert!(endpoint(&long, false).is_err());
    }

    #[test]
    fn keys_must_decode_to_a_point_and_sixteen_bytes() {
        assert_eq!(public_key("AAAA"), Err(InvalidSubscription::PublicKey));
        assert_eq!(auth("AAAA"), Err(InvalidSubscription::Auth));
        assert_eq!(auth(&BASE64URL.encode([7u8; 16])), Ok([7u8; 16]));
    }
}
