//! Webhook payloads (docs/providers.md §2.2–§2.3): the models the webhook handler uses. The HTTP
//! handler itself lives in the application crate.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::lenient;

/// What an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectType {
    /// An activity; `object_id` is the activity id.
    Activity,
    /// An athlete; `object_id` is the athlete id.
    Athlete,
    /// A kind Strava added later.
    #[serde(other)]
    Unknown,
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AspectType {
    /// Created (or made visible again, with `activity:read`).
    Create,
    /// Title, type or privacy changed; or an athlete deauthorized.
    Update,
    /// Deleted (or made Only You, with `activity:read`).
    Delete,
    /// A kind Strava added later.
    #[serde(other)]
    Unknown,
}

/// A webhook event (docs/providers.md §2.3). Unsigned: a hint to fetch, never data.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WebhookEvent {
    /// `activity` or `athlete`.
    pub object_type: ObjectType,
    /// The activity id, or the athlete id for athlete events.
    #[serde(deserialize_with = "lenient::id")]
    pub object_id: i64,
    /// `create`, `update` or `delete`.
    pub aspect_type: AspectType,
    /// Changed fields as strings (`"private": "true"`, `"authorized": "false"`).
    #[serde(default, deserialize_with = "string_map")]
    pub updates: BTreeMap<String, String>,
    /// The athlete.
    #[serde(deserialize_with = "lenient::id")]
    pub owner_id: i64,
    /// The subscription that delivered it.
    #[serde(deserialize_with = "lenient::id")]
    pub subscription_id: i64,
    /// When the change happened, epoch s.
    #[serde(rename = "event_time", deserialize_with = "lenient::int")]
    pub event_time_s: i64,
}

impl WebhookEvent {
    /// Parses an event body.
    pub fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// Whether this is an athlete revoking our access (`{"authorized":"false"}`).
    pub fn is_deauthorization(&self) -> bool {
        self.object_type == ObjectType::Athlete
            && self.updates.get("authorized").map(String::as_str) == Some("false")
    }

    /// The new privacy of an activity update, if it changed.
    pub fn privacy_update(&self) -> Option<bool> {
        match self.updates.get("private").map(String::as_str) {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        }
    }
}

/// The body of the answer to Strava's validation request: `{"hub.challenge": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeResponse {
    /// The `hub.challenge` value, unchanged.
    #[serde(rename = "hub.challenge")]
    pub challenge: String,
}

/// `updates` values are documented as strings; a bare boolean or number is kept as its text.
fn string_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = Option::<BTreeMap<String, serde_json::Value>>::deserialize(deserializer)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| match value {
            serde_json::Value::String(text) => (key, text),
            other => (key, other.to_string()),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_boolean_privacy_update_is_read_like_the_string() {
        let body = br#"{"aspect_type":"update","event_time":1,"object_id":2,"object_type":"activity","owner_id":3,"subscription_id":4,"updates":{"private":true}}"#;
        let event = WebhookEvent::parse(body).unwrap();
        assert_eq!(event.privacy_update(), Some(true));
        assert!(!event.is_deauthorization());
    }

    #[test]
    fn unknown_object_and_aspect_types_parse() {
        let body = br#"{"aspect_type":"archive","event_time":1,"object_id":2,"object_type":"club","owner_id":3,"subscription_id":4}"#;
        let event = WebhookEvent::parse(body).unwrap();
        assert_eq!(event.object_type, ObjectType::Unknown);
        assert_eq!(event.aspect_type, AspectType::Unknown);
        assert!(event.updates.is_empty());
    }
}
