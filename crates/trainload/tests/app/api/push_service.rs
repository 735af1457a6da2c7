//! A stand-in push service on loopback, as strict as the real ones about what reaches it: each
//! request must carry a VAPID token (RFC 8292) that verifies with the key it names, whose
//! audience is this service's origin and whose expiry is under a day away, and an aes128gcm body
//! (RFC 8291) that decrypts with the subscription's private key. It answers each device with
//! the statuses it was told to, then 201.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// A browser's subscription as a test holds it: the private half stays here.
pub struct Device {
    pub name: String,
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Device {
    fn new(name: &str) -> Self {
        let secret = loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).unwrap();
            if let Ok(secret) = p256::SecretKey::from_slice(&bytes) {
                break secret;
            }
        };
        let mut auth = [0u8; 16];
        getrandom::fill(&mut auth).unwrap();
        Self {
            name: name.to_owned(),
            secret,
            auth,
        }
    }

    /// `PushSubscription.toJSON()` for this device at `service`.
    pub fn subscription(&self, service: &PushService) -> Value {
        let public = self.secret.public_key().to_encoded_point(false);
        json!({
            "endpoint": service.endpoint(&self.name),
            "expirationTime": null,
            "keys": {
                "p256dh": BASE64URL.encode(public.as_bytes()),
                "auth": BASE64URL.encode(self.auth),
            },
        })
    }
}

/// One accepted message: the device and the decrypted JSON.
#[derive(Debug, Clone)]
pub struct Received {
    pub device: String,
    pub message: Value,
    pub ttl: u64,
}

#[derive(Default)]
struct Shared {
    devices: HashMap<String, (p256::SecretKey, [u8; 16])>,
    answers: HashMap<String, VecDeque<u16>>,
    received: Vec<Received>,
    refused: Vec<String>,
    server_key: Option<String>,
}

/// The running service.
pub struct PushService {
    address: String,
    shared: Arc<Mutex<Shared>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for PushService {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PushService {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = Router::new()
            .route("/push/{device}", post(receive))
            .with_state((shared.clone(), address.clone()));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            address,
            shared,
            task,
        }
    }

    pub fn endpoint(&self, device: &str) -> String {
        format!("{}/push/{device}", self.address)
    }

    /// A device this service knows the keys of.
    pub fn device(&self, name: &str) -> Device {
        let device = Device::new(name);
        self.shared
            .lock()
            .unwrap()
            .devices
            .insert(name.to_owned(), (device.secret.clone(), device.auth));
        device
    }

    /// Only tokens signed by `key` (the server's VAPID public key) are accepted.
    pub fn expect_server_key(&self, key: &str) {
        self.shared.lock().unwrap().server_key = Some(key.to_owned());
    }

    /// `device` is answered with `statuses` first, then 201.
    pub fn answer(&self, device: &str, statuses: &[u16]) {
        self.shared
            .lock()
            .unwrap()
            .answers
            .insert(device.to_owned(), statuses.iter().copied().collect());
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().unwrap().received.clone()
    }

    /// Requests that failed the checks, with the reason.
    pub fn refused(&self) -> Vec<String> {
        self.shared.lock().unwrap().refused.clone()
    }
}

type ServiceState = (Arc<Mutex<Shared>>, String);

async fn receive(
    State((shared, origin)): State<ServiceState>,
    Path(device): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut shared = shared.lock().unwrap();
    let checked = check(&shared, &origin, &device, &headers, &body);
    let (message, ttl) = match checked {
        Ok(ok) => ok,
        Err(why) => {
            shared.refused.push(format!("{device}: {why}"));
            return StatusCode::BAD_REQUEST;
        }
    };
    let answer = shared
        .answers
        .get_mut(&device)
        .and_then(VecDeque::pop_front)
        .unwrap_or(201);
    if (200..300).contains(&answer) {
        shared.received.push(Received {
            device,
            message,
            ttl,
        });
    }
    StatusCode::from_u16(answer).unwrap()
}

fn check(
    shared: &Shared,
    origin: &str,
    device: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Value, u64), String> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .ok_or(format!("no {name} header"))
    };
    let authorization = header("authorization")?;
    let (token, key) = authorization
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .ok_or("not a vapid authorization")?;
    if shared.server_key.as_deref().is_some_and(|k| k != key) {
        return Err("signed by another key".into());
    }
    let (signed, signature) = token.rsplit_once('.').ok_or("not a JWT")?;
    let verifying =
        VerifyingKey::from_sec1_bytes(&BASE64URL.decode(key).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let signature = Signature::from_slice(&BASE64URL.decode(signature).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    verifying
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| "the token's signature does not verify")?;
    let claims = signed.split('.').nth(1).ok_or("no claims")?;
    let claims: Value =
        serde_json::from_slice(&BASE64URL.decode(claims).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    if claims["aud"] != origin {
        return Err(format!("audience {} is not {origin}", claims["aud"]));
    }
    let now = jiff::Timestamp::now().as_second();
    let exp = claims["exp"].as_i64().ok_or("no exp")?;
    if exp <= now || exp > now + 24 * 3600 {
        return Err(format!("expiry {exp} is not within a day of {now}"));
    }
    if !claims["sub"]
        .as_str()
        .is_some_and(|s| s.starts_with("mailto:") || s.starts_with("https:"))
    {
        return Err("no contact in sub".into());
    }
    if header("content-encoding")? != "aes128gcm" {
        return Err("not aes128gcm".into());
    }
    let ttl: u64 = header("ttl")?.parse().map_err(|_| "TTL is not a number")?;
    if body.len() > 4096 {
        return Err(format!("a {}-byte body is over 4 KiB", body.len()));
    }
    let (secret, auth) = shared.devices.get(device).ok_or("unknown device")?;
    let plaintext =
        web_push_native::decrypt(body.to_vec(), secret, &web_push_native::Auth::from(*auth))
            .map_err(|e| format!("does not decrypt: {e}"))?;
    let message = serde_json::from_slice(&plaintext).map_err(|e| e.to_string())?;
    Ok((message, ttl))
}
