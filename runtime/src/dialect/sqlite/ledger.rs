//! SQLite's ledger: `stillroom_migrations` (which revisions the database
//! has, with their checksums) and `stillroom_state` (the last successful
//! verification, the no-op start's summary), in SQLite's SQL.

use rusqlite::{Connection, OptionalExtension as _, params};

use crate::apply::ledger::Applied;
use crate::history::Migration;
use crate::{Error, Result};

/// The DDL of stillroom's own tables (also written into offline SQL), and
/// the triggers that forget the startup summary ([`STARTUP`]) whenever the
/// ledger changes, whoever changes it (stillroom, an offline script, a
/// person in the `sqlite3` shell). Dropping them changes the schema version,
/// which the summary also holds, so a summary is only trusted while they
/// stand.
pub(crate) const CREATE: &str = "CREATE TABLE IF NOT EXISTS stillroom_migrations (
    revision TEXT NOT NULL PRIMARY KEY,
    parent TEXT,
    position INTEGER NOT NULL UNIQUE,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    how TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS stillroom_state (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS stillroom_migrations_insert AFTER INSERT ON stillroom_migrations
BEGIN DELETE FROM stillroom_state WHERE key = 'startup'; END;
CREATE TRIGGER IF NOT EXISTS stillroom_migrations_update AFTER UPDATE ON stillroom_migrations
BEGIN DELETE FROM stillroom_state WHERE key = 'startup'; END;
CREATE TRIGGER IF NOT EXISTS stillroom_migrations_delete AFTER DELETE ON stillroom_migrations
BEGIN DELETE FROM stillroom_state WHERE key = 'startup'; END;";

pub(crate) fn exists(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'stillroom_migrations'",
        )?
        .exists([])?)
}

pub(crate) fn create(conn: &Connection) -> Result<()> {
    Ok(conn.execute_batch(CREATE)?)
}

pub(crate) fn read(conn: &Connection) -> Result<Vec<Applied>> {
    if !exists(conn)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT revision, parent, checksum, applied_at, duration_ms, how FROM stillroom_migrations ORDER BY position",
        )
        .map_err(shape)?;
    let rows = stmt.query_map([], |r| {
        Ok(Applied {
            revision: r.get(0)?,
            parent: r.get(1)?,
            checksum: r.get(2)?,
            applied_at: r.get(3)?,
            duration_ms: r.get(4)?,
            how: r.get(5)?,
        })
    })?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(shape)
}

/// A ledger table of another shape (another tool's, an edited one): the
/// columns stillroom reads are missing, or hold values of other types.
fn shape(e: rusqlite::Error) -> Error {
    let detail = e.to_string();
    let other_shape = detail.contains("no such column")
        || matches!(
            e,
            rusqlite::Error::InvalidColumnType(..) | rusqlite::Error::FromSqlConversionFailure(..)
        );
    if other_shape {
        let detail = detail
            .split(" in SELECT")
            .next()
            .unwrap_or_default()
            .to_owned();
        Error::LedgerShape { detail }
    } else {
        Error::Sqlite(e)
    }
}

/// The `INSERT` that records `migration` at `position` (shared with offline
/// SQL, where it is rendered with literals).
pub(crate) const RECORD: &str = "INSERT INTO stillroom_migrations (revision, parent, position, checksum, applied_at, duration_ms, how) VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?5, ?6)";

pub(crate) fn record(
    conn: &Connection,
    position: usize,
    m: &Migration,
    duration_ms: i64,
    how: &str,
) -> Result<()> {
    let position = i64::try_from(position).unwrap_or(i64::MAX);
    conn.prepare_cached(RECORD)?.execute(params![
        m.revision,
        m.parent,
        position,
        m.checksum,
        duration_ms,
        how
    ])?;
    Ok(())
}

/// Records `m` at `position` as it was first recorded (`was`: when, how
/// long, how), under its name and checksum now: a renamed or squashed
/// revision keeps its history.
pub(crate) fn rerecord(
    conn: &Connection,
    position: usize,
    m: &Migration,
    was: &Applied,
) -> Result<()> {
    let position = i64::try_from(position).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO stillroom_migrations (revision, parent, position, checksum, applied_at, duration_ms, how) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        m.revision,
        m.parent,
        position,
        m.checksum,
        was.applied_at,
        was.duration_ms,
        was.how
    ])?;
    Ok(())
}

/// Forgets every revision at `position` or later.
pub(crate) fn truncate(conn: &Connection, position: usize) -> Result<()> {
    let position = i64::try_from(position).unwrap_or(i64::MAX);
    conn.prepare_cached("DELETE FROM stillroom_migrations WHERE position >= ?1")?
        .execute([position])?;
    Ok(())
}

pub(crate) fn accept_checksum(conn: &Connection, revision: &str, checksum: &str) -> Result<bool> {
    let n = conn
        .prepare_cached("UPDATE stillroom_migrations SET checksum = ?2 WHERE revision = ?1")?
        .execute(params![revision, checksum])?;
    Ok(n > 0)
}

pub(crate) fn state(conn: &Connection, key: &str) -> Result<Option<String>> {
    let found = conn
        .prepare_cached("SELECT value FROM stillroom_state WHERE key = ?1")
        .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional());
    match found {
        Ok(value) => Ok(value),
        // An older or hand-made ledger without the state table: no cache.
        Err(rusqlite::Error::SqliteFailure(_, Some(msg))) if msg.contains("no such table") => {
            Ok(None)
        }
        Err(e) => Err(Error::Sqlite(e)),
    }
}

pub(crate) fn set_state(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached("INSERT INTO stillroom_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")?
        .execute([key, value])?;
    Ok(())
}

/// The `stillroom_state` key of the no-op startup's summary: the schema
/// version, the history's [`digest`] and the models' fingerprint of the last
/// start that found the ledger equal to the whole history (and the schema
/// verified, when verification is on). A start that finds the same three
/// needs neither the ledger's rows nor the migration files.
pub(crate) const STARTUP: &str = "startup";

/// Creates the triggers that guard the startup summary (see [`CREATE`]),
/// unless they exist (a ledger made by an earlier version has none);
/// whether it did (a change of the schema, to commit).
pub(crate) fn guard(conn: &Connection) -> Result<bool> {
    let present: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'stillroom_migrations' \
             AND name IN ('stillroom_migrations_insert', 'stillroom_migrations_update', 'stillroom_migrations_delete')",
        )?
        .query_row([], |r| r.get(0))?;
    if present == 3 {
        return Ok(false);
    }
    create(conn)?;
    Ok(true)
}

/// The startup summary and the schema version now, in one query; `None`
/// when there is no state table (a new database, an older ledger).
pub(crate) fn startup(conn: &Connection) -> Result<Option<(Option<String>, i64)>> {
    let found = conn
        .prepare_cached(
            "SELECT (SELECT value FROM stillroom_state WHERE key = 'startup'), schema_version FROM pragma_schema_version",
        )
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))));
    match found {
        Ok(found) => Ok(Some(found)),
        Err(rusqlite::Error::SqliteFailure(_, Some(msg))) if msg.contains("no such table") => {
            Ok(None)
        }
        Err(e) => Err(Error::Sqlite(e)),
    }
}

/// Records the startup summary `value` with the schema version now (after
/// [`guard`]), unless it is recorded already; whether it wrote.
pub(crate) fn set_startup(conn: &Connection, value: &str) -> Result<bool> {
    let version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    let summary = format!("{version} {value}");
    if state(conn, STARTUP)?.as_deref() == Some(summary.as_str()) {
        return Ok(false);
    }
    set_state(conn, STARTUP, &summary)?;
    Ok(true)
}
