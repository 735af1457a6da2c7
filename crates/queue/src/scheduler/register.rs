//! Job definitions live in code; at start each process upserts them into `schedule`
//! (docs/scheduler.md §5.6). A spec change recomputes the cursor and writes no ledger rows.

use tracing::{error, info, warn};

use super::Scheduler;
use crate::job::Job;
use crate::{QueueError, next_fire, with_db};

const INSERT_SCHEDULE: &str = "INSERT INTO schedule (job_id, name, kind, spec, zone, next_fire_at_ms, \
     next_fire_local, next_fire_note, catch_up_window_ms, overlap, jitter_max_ms, max_attempts, timeout_ms, \
     spec_rev, spec_hash, updated_at_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING";

const SELECT_DEFINITION: &str =
    "SELECT spec_rev, spec_hash, version, last_scheduled_for_ms FROM schedule WHERE job_id = $1";

const UPDATE_DEFINITION: &str = "UPDATE schedule SET name = $2, kind = $3, spec = $4, zone = $5, \
     next_fire_at_ms = $6, next_fire_local = $7, next_fire_note = $8, catch_up_window_ms = $9, overlap = $10, \
     jitter_max_ms = $11, max_attempts = $12, timeout_ms = $13, spec_rev = $14, spec_hash = $15, \
     updated_at_ms = $16, version = version + 1 WHERE job_id = $1 AND version = $17";

const RETIRE_JOB: &str = "UPDATE schedule SET paused = TRUE, paused_reason = 'retired', paused_by = 'scheduler', \
     paused_at_ms = $2, version = version + 1, updated_at_ms = $2 WHERE job_id = $1 AND paused = FALSE";

/// The stored definition of one job, as written at registration.
struct Definition {
    job_id: &'static str,
    name: &'static str,
    kind: &'static str,
    spec: String,
    zone: String,
    catch_up_window_ms: i64,
    overlap: &'static str,
    jitter_max_ms: i64,
    max_attempts: i32,
    timeout_ms: i64,
    spec_rev: i32,
    spec_hash: String,
}

/// What registration compares a definition with.
#[derive(sqlx::FromRow)]
struct StoredDefinition {
    spec_rev: i32,
    spec_hash: String,
    version: i64,
    last_scheduled_for_ms: Option<i64>,
}

impl Definition {
    fn of(job: &dyn Job, zone: &str) -> Self {
        let trigger = job.trigger();
        let policy = job.policy();
        let spec = trigger.to_json();
        let canonical = format!("{spec}|{zone}|{policy:?}");
        Self {
            job_id: job.id(),
            name: job.name(),
            kind: trigger.kind(),
            spec,
            zone: zone.to_owned(),
            catch_up_window_ms: policy.catch_up_window_ms,
            overlap: policy.overlap.as_str(),
            jitter_max_ms: policy.jitter_max_ms,
            max_attempts: policy.max_attempts,
            timeout_ms: policy.timeout_ms,
            spec_rev: job.spec_rev(),
            spec_hash: fnv1a_hex(&canonical),
        }
    }
}

impl Scheduler {
    /// Upserts every job definition and retires stored jobs this build no longer defines.
    ///
    /// # Errors
    /// A database error, or a trigger with no future occurrence.
    pub async fn register_jobs(&self) -> Result<(), QueueError> {
        let zone = self.config().zone.iana_name().unwrap_or("UTC").to_owned();
        let now = self.now_ms();
        for job in self.inner.jobs.values() {
            let definition = Definition::of(job.as_ref(), &zone);
            self.register(job.as_ref(), &definition, now).await?;
        }
        let stored: Vec<String> = with_db!(self.db(), pool => {
            sqlx::query_scalar("SELECT job_id FROM schedule").fetch_all(pool).await?
        });
        for job_id in stored {
            if self.job(&job_id).is_none() {
                with_db!(self.db(), pool => {
                    sqlx::query(RETIRE_JOB).bind(&job_id).bind(now).execute(pool).await?.rows_affected()
                });
                info!(job = %job_id, "job no longer defined: paused as retired");
            }
        }
        Ok(())
    }

    /// Stores the definitions of jobs not stored yet, and changes nothing else (for short-lived
    /// callers such as the CLI, which must not retire or rewrite what a server stored).
    ///
    /// # Errors
    /// A database error, or a trigger with no future occurrence.
    pub async fn ensure_jobs(&self) -> Result<(), QueueError> {
        let zone = self.config().zone.iana_name().unwrap_or("UTC").to_owned();
        let now = self.now_ms();
        for job in self.inner.jobs.values() {
            self.insert_definition(job.as_ref(), &Definition::of(job.as_ref(), &zone), now)
                .await?;
        }
        Ok(())
    }

    /// `INSERT … ON CONFLICT DO NOTHING` of one definition with its first fire after `now`.
    async fn insert_definition(
        &self,
        job: &dyn Job,
        d: &Definition,
        now: i64,
    ) -> Result<(), QueueError> {
        let from = jiff::Timestamp::from_millisecond(now)
            .map_err(|e| QueueError::Invalid(e.to_string()))?;
        let fire = next_fire(&job.trigger(), &self.config().zone, from)?;
        let local = fire.nominal.map(|n| n.to_string());
        let note = fire.note.map(|n| n.as_str());
        let at = fire.at.as_millisecond();
        with_db!(self.db(), pool => {
            sqlx::query(INSERT_SCHEDULE)
                .bind(d.job_id).bind(d.name).bind(d.kind).bind(&d.spec).bind(&d.zone).bind(at)
                .bind(&local).bind(note).bind(d.catch_up_window_ms).bind(d.overlap).bind(d.jitter_max_ms)
                .bind(d.max_attempts).bind(d.timeout_ms).bind(d.spec_rev).bind(&d.spec_hash).bind(now)
                .execute(pool).await?.rows_affected()
        });
        Ok(())
    }

    async fn register(&self, job: &dyn Job, d: &Definition, now: i64) -> Result<(), QueueError> {
        self.insert_definition(job, d, now).await?;
        let stored: StoredDefinition = with_db!(self.db(), pool => {
            sqlx::query_as(SELECT_DEFINITION).bind(d.job_id).fetch_one(pool).await?
        });
        let stored_rev = stored.spec_rev;
        if stored.spec_hash == d.spec_hash {
            return Ok(());
        }
        if stored_rev > d.spec_rev {
            warn!(
                job = d.job_id,
                stored_rev,
                our_rev = d.spec_rev,
                "stored spec is newer: not ticking this job"
            );
            if let Ok(mut stale) = self.inner.stale.lock() {
                stale.insert(d.job_id.to_owned());
            }
            return Ok(());
        }
        if stored_rev == d.spec_rev {
            error!(
                job = d.job_id,
                "spec differs at the same spec_rev (configuration drift): last writer wins"
            );
        }
        // A spec change is not a misfire: the cursor moves to the next fire after now (or after
        // the last scheduled occurrence, if that is later) and no ledger row is written.
        let after_ms = stored.last_scheduled_for_ms.map_or(now, |l| l.max(now));
        let after = jiff::Timestamp::from_millisecond(after_ms)
            .map_err(|e| QueueError::Invalid(e.to_string()))?;
        let fire = next_fire(&job.trigger(), &self.config().zone, after)?;
        let local = fire.nominal.map(|n| n.to_string());
        let note = fire.note.map(|n| n.as_str());
        with_db!(self.db(), pool => {
            sqlx::query(UPDATE_DEFINITION)
                .bind(d.job_id).bind(d.name).bind(d.kind).bind(&d.spec).bind(&d.zone)
                .bind(fire.at.as_millisecond()).bind(&local).bind(note).bind(d.catch_up_window_ms)
                .bind(d.overlap).bind(d.jitter_max_ms).bind(d.max_attempts).bind(d.timeout_ms)
                .bind(d.spec_rev).bind(&d.spec_hash).bind(now).bind(stored.version)
                .execute(pool).await?.rows_affected()
        });
        info!(
            job = d.job_id,
            spec_rev = d.spec_rev,
            "job definition updated"
        );
        Ok(())
    }
}

/// FNV-1a 64 of the canonical definition: a change detector, not a security hash.
fn fnv1a_hex(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}
