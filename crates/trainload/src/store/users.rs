//! Users: athletes and admins. Deleting a user deletes everything of theirs (foreign keys
//! cascade: sessions, integrations, activities with streams and loads, thresholds, wellness,
//! curves, events).

use serde::Serialize;

use super::{Store, StoreError};
use crate::units::Units;

/// A user's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// Sex, for heart-rate load formulas that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Male.
    Male,
    /// Female.
    Female,
}

impl From<Sex> for science::heart_rate::Sex {
    fn from(sex: Sex) -> Self {
        match sex {
            Sex::Male => Self::Male,
            Sex::Female => Self::Female,
        }
    }
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sees their own data.
    Athlete,
    /// Also runs the scheduler and sync endpoints.
    Admin,
}

impl Role {
    /// The `role` column value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Athlete => "athlete",
            Self::Admin => "admin",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "athlete" => Ok(Self::Athlete),
            "admin" => Ok(Self::Admin),
            other => Err(corrupt("users.role", other)),
        }
    }
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Display name.
    pub name: String,
    /// Sex, for heart-rate load formulas.
    pub sex: Option<Sex>,
    /// Year of birth, for age-based defaults.
    pub birth_year: Option<i32>,
    /// IANA time zone name (the athlete's "today").
    pub time_zone: String,
    /// Athlete or admin.
    pub role: Role,
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// Sex, if known.
    pub sex: Option<Sex>,
    /// Year of birth, if known.
    pub birth_year: Option<i32>,
    /// IANA time zone name.
    pub time_zone: String,
    /// Athlete or admin.
    pub role: Role,
    /// When the user was created, epoch ms.
    pub created_at_ms: i64,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    name: String,
    sex: Option<String>,
    birth_year: Option<i64>,
    time_zone: String,
    role: String,
    created_at_ms: i64,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        let sex = match row.sex.as_deref() {
            None => None,
            Some("male") => Some(Sex::Male),
            Some("female") => Some(Sex::Female),
            Some(other) => return Err(corrupt("users.sex", other)),
        };
        let birth_year = row
            .birth_year
            .map(i32::try_from)
            .transpose()
            .map_err(|_| corrupt("users.birth_year", "out of range"))?;
        Ok(Self {
            id: UserId(row.id),
            name: row.name,
            sex,
            birth_year,
            time_zone: row.time_zone,
            role: Role::parse(&row.role)?,
            created_at_ms: row.created_at_ms,
        })
    }
}

/// The first user ever created is an admin whatever role was asked for, so a
/// fresh installation always has someone who can reach the admin pages. (Two first sign-ins in
/// the same instant on PostgreSQL could both become admins; that is harmless.)
const INSERT: &str = "INSERT INTO users (name, sex, birth_year, time_zone, role, created_at_ms) \
     SELECT $1, $2, $3, $4, CASE WHEN EXISTS (SELECT 1 FROM users) THEN $5 ELSE 'admin' END, $6 \
     RETURNING id";
const GET: &str = "SELECT id, name, sex, birth_year, time_zone, role, created_at_ms \
     FROM users WHERE id = $1";
const LIST: &str = "SELECT id, name, sex, birth_year, time_zone, role, created_at_ms \
     FROM users ORDER BY id";
const DELETE: &str = "DELETE FROM users WHERE id = $1";
const SET_ROLE: &str = "UPDATE users SET role = $1 WHERE id = $2";
const SET_TIME_ZONE: &str = "UPDATE users SET time_zone = $1 WHERE id = $2";

/// Creates a user and returns its id. The first user of the database becomes an admin.
///
/// # Errors
/// [`StoreError::Database`] when the insert fails.
pub async fn add(store: &Store, user: &NewUser, now_ms: i64) -> Result<UserId, StoreError> {
    let sex = user.sex.map(|s| match s {
        Sex::Male => "male",
        Sex::Female => "female",
    });
    let id: i64 = with_pool!(store, pool => sqlx::query_scalar(INSERT)
        .bind(&user.name)
        .bind(sex)
        .bind(user.birth_year.map(i64::from))
        .bind(&user.time_zone)
        .bind(user.role.as_str())
        .bind(now_ms)
        .fetch_one(pool)
        .await)?;
    Ok(UserId(id))
}

/// One user.
///
/// # Errors
/// [`StoreError::NotFound`] when there is no such user.
pub async fn get(store: &Store, id: UserId) -> Result<User, StoreError> {
    let row: UserRow =
        with_pool!(store, pool => sqlx::query_as(GET).bind(id.0).fetch_one(pool).await)?;
    row.try_into()
}

/// Every user, by id.
///
/// # Errors
/// [`StoreError::Database`] on failure; [`StoreError::Corrupt`] for an unreadable row.
pub async fn list(store: &Store) -> Result<Vec<User>, StoreError> {
    let rows: Vec<UserRow> = with_pool!(store, pool => sqlx::query_as(LIST).fetch_all(pool).await)?;
    rows.into_iter().map(User::try_from).collect()
}

/// Gives a user another role (e.g. makes the demo's first athlete an admin).
///
/// # Errors
/// [`StoreError::NotFound`] when there is no such user.
pub async fn set_role(store: &Store, id: UserId, role: Role) -> Result<(), StoreError> {
    let result = with_pool!(store, pool => sqlx::query(SET_ROLE).bind(role.as_str()).bind(id.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if result == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Changes a user's IANA time zone.
///
/// # Errors
/// [`StoreError::NotFound`] when there is no such user.
pub async fn set_time_zone(store: &Store, id: UserId, zone: &str) -> Result<(), StoreError> {
    let result = with_pool!(store, pool => sqlx::query(SET_TIME_ZONE).bind(zone).bind(id.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if result == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes a user and, by cascade, all their data.
///
/// # Errors
/// [`StoreError::NotFound`] when there is no such user.
pub async fn delete(store: &Store, id: UserId) -> Result<(), StoreError> {
    let result = with_pool!(store, pool => sqlx::query(DELETE).bind(id.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if result == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A [`StoreError::Corrupt`] for a stored value that does not parse.
pub(crate) fn corrupt(column: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        column,
        detail: format!("unexpected value {value:?}"),
    }
}

const GET_UNITS: &str = "SELECT units FROM users WHERE id = $1";
const SET_UNITS: &str = "UPDATE users SET units = $2 WHERE id = $1";

/// The user's display units.
///
/// # Errors
/// [`StoreError::NotFound`] when there is no such user; [`StoreError::Corrupt`] for an unknown
/// stored name.
pub async fn units(store: &Store, id: UserId) -> Result<Units, StoreError> {
    let name: String =
        with_pool!(store, pool => sqlx::query_scalar(GET_UNITS).bind(id.0).fetch_one(pool).await)?;
    Units::parse(&name).ok_or_else(|| corrupt("users.units", &name))
}

/// Sets the user's display units.
///
/// # Errors
/// [`StoreError::NotFound`] when there is no such user.
pub async fn set_units(store: &Store, id: UserId, units: Units) -> Result<(), StoreError> {
    let changed = with_pool!(store, pool => sqlx::query(SET_UNITS)
        .bind(id.0)
        .bind(units.as_str())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
