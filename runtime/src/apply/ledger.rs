//! The ledger: which revisions a database has, with their checksums; and a
//! small state table that remembers the last successful verification.

use rusqlite::{Connection, OptionalExtension as _, params};

use crate::history::Migration;
use crate::{Error, Result};

/// The DDL of stillroom's own tables (also written into offline SQL).
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
) STRICT;";

/// One revision as the ledger records it.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-applied-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// use stillroom::Migrator;
///
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let migrator = Migrator::new(&history).schema(&schema);
/// migrator.migrate(&conn)?;
/// let applied = &migrator.status(&conn)?.applied[0];
/// assert_eq!((applied.revision.as_str(), applied.how.as_str()), ("0001_initial", "applied"));
/// assert_eq!(applied.checksum, history.migrations[0].checksum);
/// assert!(applied.applied_at.ends_with('Z')); // UTC
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The revision.
    pub revision: String,
    /// Its parent.
    pub parent: Option<String>,
    /// The checksum of its file when it was recorded.
    pub checksum: String,
    /// When (UTC, ISO 8601).
    pub applied_at: String,
    /// How long its `up` part took.
    pub duration_ms: i64,
    /// `applied` (run), `adopted` (found already in place in a database
    /// made before stillroom) or `stamped` (recorded without running).
    pub how: String,
}

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
