//! Reading calls: activity listings (docs/providers.md §1.3), one activity, its streams (§1.4) and
//! the athlete.

use std::collections::HashSet;

use secrecy::{ExposeSecret, SecretString};

use super::{
    AthleteSummary, CallKind, StravaClient, StreamSet, SummaryActivity, streams::STREAM_KEYS,
};
use crate::budget::Priority;
use crate::error::ProviderError;

/// Items per listing page: Strava's maximum.
pub const PER_PAGE: u32 = 200;
/// The most pages one listing fetches; a listing that reaches it is incomplete.
pub const MAX_PAGES: u32 = 100;

/// One page of `GET /athlete/activities`.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityPage {
    /// The usable items, in the order sent.
    pub activities: Vec<SummaryActivity>,
    /// How many items the page held, usable or not (a page shorter than `per_page` is the last).
    pub item_count: usize,
    /// Items skipped for lacking `id` or `start_date` (logged).
    pub skipped: usize,
}

/// A whole listing of a window.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// Activities, de-duplicated by id (first occurrence kept).
    pub activities: Vec<SummaryActivity>,
    /// True when the loop ended on a short page; false when it hit [`MAX_PAGES`]. Only a
    /// complete listing may feed deletion detection.
    pub complete: bool,
    /// Pages fetched.
    pub pages: u32,
    /// Items skipped over all pages.
    pub skipped: usize,
}

impl StravaClient {
    /// `GET /athlete/activities?after=&before=&page=&per_page=` (epoch seconds).
    pub async fn list_activities_page(
        &self,
        access_token: &SecretString,
        after_s: Option<i64>,
        before_s: Option<i64>,
        page: u32,
        per_page: u32,
        priority: Priority,
    ) -> Result<ActivityPage, ProviderError> {
        let mut query: Vec<(&str, String)> = Vec::with_capacity(4);
        if let Some(after_s) = after_s {
            query.push(("after", after_s.to_string()));
        }
        if let Some(before_s) = before_s {
            query.push(("before", before_s.to_string()));
        }
        query.push(("page", page.to_string()));
        query.push(("per_page", per_page.to_string()));
        let request = self
            .http
            .get(self.api_url("/athlete/activities"))
            .bearer_auth(access_token.expose_secret())
            .query(&query);
        let secrets = [access_token, &self.config.client_secret];
        let response = self
            .execute(Some(priority), CallKind::Api, request, &secrets)
            .await?;
        let items = SummaryActivity::page_from_json(&response.body)
            .map_err(|error| response.malformed(&error, &secrets))?;
        let item_count = items.len();
        let mut activities = Vec::with_capacity(item_count);
        for (index, item) in items.into_iter().enumerate() {
            match item {
                Ok(activity) => activities.push(activity),
                Err(error) => tracing::warn!(page, index, %error, "activity item skipped"),
            }
        }
        let skipped = item_count - activities.len();
        Ok(ActivityPage {
            activities,
            item_count,
            skipped,
        })
    }

    /// Lists every activity starting in `(after_s, before_s)`: pages of [`PER_PAGE`] until a
    /// short one, at most [`MAX_PAGES`]. Any failed page fails the whole listing, so a partial
    /// listing is never mistaken for a complete one.
    pub async fn list_activities(
        &self,
        access_token: &SecretString,
        after_s: Option<i64>,
        before_s: Option<i64>,
        priority: Priority,
    ) -> Result<Listing, ProviderError> {
        let mut seen = HashSet::new();
        let mut listing = Listing {
            activities: Vec::new(),
            complete: false,
            pages: 0,
            skipped: 0,
        };
        for page in 1..=MAX_PAGES {
            let fetched = self
                .list_activities_page(access_token, after_s, before_s, page, PER_PAGE, priority)
                .await?;
            listing.pages = page;
            listing.skipped += fetched.skipped;
            let activities = fetched.activities.into_iter();
            listing
                .activities
                .extend(activities.filter(|activity| seen.insert(activity.id)));
            if fetched.item_count < PER_PAGE as usize {
                listing.complete = true;
                return Ok(listing);
            }
        }
        tracing::warn!(
            pages = MAX_PAGES,
            "activity listing stopped at the page cap: incomplete"
        );
        Ok(listing)
    }

    /// `GET /activities/{id}`: the detail, parsed into the summary fields.
    pub async fn activity(
        &self,
        access_token: &SecretString,
        activity_id: i64,
        priority: Priority,
    ) -> Result<SummaryActivity, ProviderError> {
        let request = self
            .http
            .get(self.api_url(&format!("/activities/{activity_id}")))
            .bearer_auth(access_token.expose_secret());
        let secrets = [access_token, &self.config.client_secret];
        let response = self
            .execute(Some(priority), CallKind::Api, request, &secrets)
            .await?;
        let malformed = |error: &dyn std::fmt::Display| response.malformed(error, &secrets);
        SummaryActivity::from_json(&response.body)
            .map_err(|error| malformed(&error))?
            .map_err(|error| malformed(&error))
    }

    /// `GET /activities/{id}/streams?keys=…&key_by_type=true` (always the eight keys).
    pub async fn streams(
        &self,
        access_token: &SecretString,
        activity_id: i64,
        priority: Priority,
    ) -> Result<StreamSet, ProviderError> {
        let request = self
            .http
            .get(self.api_url(&format!("/activities/{activity_id}/streams")))
            .bearer_auth(access_token.expose_secret())
            .query(&[("keys", STREAM_KEYS), ("key_by_type", "true")]);
        let secrets = [access_token, &self.config.client_secret];
        let response = self
            .execute(Some(priority), CallKind::Api, request, &secrets)
            .await?;
        StreamSet::from_json(&response.body).map_err(|error| response.malformed(&error, &secrets))
    }

    /// `GET /athlete`: the token owner's profile.
    pub async fn athlete(
        &self,
        access_token: &SecretString,
        priority: Priority,
    ) -> Result<AthleteSummary, ProviderError> {
        let request = self
            .http
            .get(self.api_url("/athlete"))
            .bearer_auth(access_token.expose_secret());
        let secrets = [access_token, &self.config.client_secret];
        let response = self
            .execute(Some(priority), CallKind::Api, request, &secrets)
            .await?;
        response.json(&secrets)
    }
}
