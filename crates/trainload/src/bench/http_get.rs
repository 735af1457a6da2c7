//! A minimal HTTP/1.1 GET over one fresh loopback connection per request, enough to time the
//! API (the HTTP client crate is only a dev-dependency of this package).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// GETs `path` with an optional bearer token; returns the status code and the elapsed time
/// (connect, request and the whole response).
///
/// # Errors
/// The connection fails or the answer is not HTTP.
pub async fn get(
    addr: SocketAddr,
    path: &str,
    bearer: Option<&str>,
) -> anyhow::Result<(u16, Duration)> {
    let auth = bearer.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
    get_with_headers(addr, path, &headers).await
}

/// GETs `path` with extra `(name, value)` headers (e.g. a session cookie); as [`get`].
///
/// # Errors
/// The connection fails or the answer is not HTTP.
pub async fn get_with_headers(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
) -> anyhow::Result<(u16, Duration)> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.context("connecting")?;
    let extra: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let elapsed = started.elapsed();
    let status = std::str::from_utf8(response.get(..12).unwrap_or_default())
        .ok()
        .and_then(|line| line.strip_prefix("HTTP/1.1 "))
        .and_then(|code| code.trim().parse::<u16>().ok())
        .context("not an HTTP/1.1 response")?;
    Ok((status, elapsed))
}

/// The `q`-quantile (0..=1) of `samples`, milliseconds (0 when empty).
pub fn quantile_ms(samples: &mut [Duration], q: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_unstable();
    let last = samples.len() - 1;
    let rank = ((last as f64) * q).round() as usize;
    let value = samples.get(rank.min(last)).copied().unwrap_or_default();
    (value.as_secs_f64() * 1_000_000.0).round() / 1000.0
}
