//! The ledger on PostgreSQL: the same table and columns as on SQLite, in
//! the connection's current schema.

use postgres::GenericClient;
use postgres::ToStatement;

use crate::Result;
use crate::apply::ledger::Applied;
use crate::history::Migration;

pub(crate) const CREATE: &str = "CREATE TABLE IF NOT EXISTS stillroom_migrations (
    revision TEXT NOT NULL PRIMARY KEY,
    parent TEXT,
    position INTEGER NOT NULL UNIQUE,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    how TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stillroom_state (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);";

/// UTC, ISO 8601 with milliseconds, as SQLite's ledger writes it.
const NOW: &str =
    "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

pub(crate) fn exists(client: &mut impl GenericClient) -> Result<bool> {
    Ok(client
        .query_one(
            "SELECT to_regclass('stillroom_migrations') IS NOT NULL",
            &[],
        )?
        .get(0))
}

pub(crate) fn create(client: &mut impl GenericClient) -> Result<()> {
    Ok(client.batch_execute(CREATE)?)
}

/// The ledger's rows in order (the caller knows the table exists).
pub(crate) fn read(client: &mut impl GenericClient) -> Result<Vec<Applied>> {
    let rows = client.query(
        "SELECT revision, parent, checksum, applied_at, duration_ms, how \
         FROM stillroom_migrations ORDER BY position",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| Applied {
            revision: r.get(0),
            parent: r.get(1),
            checksum: r.get(2),
            applied_at: r.get(3),
            duration_ms: r.get(4),
            how: r.get(5),
        })
        .collect())
}

pub(crate) fn record(
    client: &mut impl GenericClient,
    position: usize,
    m: &Migration,
    duration_ms: i64,
    how: &str,
) -> Result<()> {
    record_with(client, record_sql().as_str(), position, m, duration_ms, how)
}

/// The statement [`record_with`] runs, to prepare once for many rows.
pub(crate) fn record_sql() -> String {
    format!(
        "INSERT INTO stillroom_migrations \
         (revision, parent, position, checksum, applied_at, duration_ms, how) \
         VALUES ($1, $2, $3, $4, {NOW}, $5, $6)"
    )
}

/// [`record`] with `statement`: [`record_sql`], as text or prepared.
pub(crate) fn record_with<T: ToStatement + ?Sized>(
    client: &mut impl GenericClient,
    statement: &T,
    position: usize,
    m: &Migration,
    duration_ms: i64,
    how: &str,
) -> Result<()> {
    let position = i32::try_from(position).unwrap_or(i32::MAX);
    client.execute(
        statement,
        &[
            &m.revision,
            &m.parent,
            &position,
            &m.checksum,
            &duration_ms,
            &how,
        ],
    )?;
    Ok(())
}

/// Records `m` at `position` as `was` was applied (when, how long, how):
/// the ledger following a renamed or squashed revision.
pub(crate) fn rerecord(
    client: &mut impl GenericClient,
    position: usize,
    m: &Migration,
    was: &Applied,
) -> Result<()> {
    let position = i32::try_from(position).unwrap_or(i32::MAX);
    client.execute(
        "INSERT INTO stillroom_migrations \
         (revision, parent, position, checksum, applied_at, duration_ms, how) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &m.revision,
            &m.parent,
            &position,
            &m.checksum,
            &was.applied_at,
            &was.duration_ms,
            &was.how,
        ],
    )?;
    Ok(())
}

/// Removes the rows from `position` on (a downgrade, a stamp back).
pub(crate) fn truncate(client: &mut impl GenericClient, position: usize) -> Result<()> {
    let position = i32::try_from(position).unwrap_or(i32::MAX);
    client.execute(
        "DELETE FROM stillroom_migrations WHERE position >= $1",
        &[&position],
    )?;
    Ok(())
}

/// The state row `key` (the caller knows the table exists).
pub(crate) fn state(client: &mut impl GenericClient, key: &str) -> Result<Option<String>> {
    Ok(client
        .query_opt("SELECT value FROM stillroom_state WHERE key = $1", &[&key])?
        .map(|r| r.get(0)))
}

pub(crate) fn set_state(client: &mut impl GenericClient, key: &str, value: &str) -> Result<()> {
    client.execute(
        "INSERT INTO stillroom_state (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&key, &value],
    )?;
    Ok(())
}

/// Takes `checksum` as `revision`'s (an edited migration accepted); false
/// when the revision is not recorded.
pub(crate) fn accept_checksum(
    client: &mut impl GenericClient,
    revision: &str,
    checksum: &str,
) -> Result<bool> {
    let n = client.execute(
        "UPDATE stillroom_migrations SET checksum = $2 WHERE revision = $1",
        &[&revision, &checksum],
    )?;
    Ok(n > 0)
}
