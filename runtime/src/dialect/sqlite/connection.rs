//! Opening a database the way production applications want it.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

use crate::{Error, Result};

/// How long a connection waits for another connection's write lock before it
/// reports `SQLITE_BUSY`.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// use std::time::Duration;
///
/// let conn = rusqlite::Connection::open_in_memory()?;
/// stillroom::configure(&conn)?;
/// let ms: u32 = conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?;
/// assert_eq!(Duration::from_millis(ms.into()), stillroom::BUSY_TIMEOUT);
/// # Ok(())
/// # }
/// ```
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many prepared statements a connection keeps: enough for the CRUD
/// statements of a few dozen models, so they are prepared once.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// assert_eq!(stillroom::STATEMENT_CACHE_CAPACITY, 256);
///
/// // An application that prepares many more statements of its own keeps more:
/// let conn = rusqlite::Connection::open_in_memory()?;
/// stillroom::configure(&conn)?;
/// conn.set_prepared_statement_cache_capacity(4 * stillroom::STATEMENT_CACHE_CAPACITY);
/// # Ok(())
/// # }
/// ```
pub const STATEMENT_CACHE_CAPACITY: usize = 256;

/// Opens (creating if needed) the database at `path` and [`configure`]s it.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// let dir = std::env::temp_dir().join(format!("stillroom-open-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let conn = stillroom::open(dir.join("app.db"))?;
/// let wal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
/// assert_eq!(wal, "wal");
/// # drop(conn); std::fs::remove_dir_all(&dir).unwrap();
/// # Ok(())
/// # }
/// ```
pub fn open(path: impl AsRef<Path>) -> Result<Connection> {
    let path = path.as_ref();
    let conn = Connection::open(path).map_err(|source| Error::Database {
        path: path.to_owned(),
        source,
    })?;
    configure(&conn)?;
    Ok(conn)
}

/// Sets up a connection for an application:
///
/// - `foreign_keys = ON`: SQLite does not enforce foreign keys otherwise;
/// - `journal_mode = WAL`: readers do not block the writer, and commits are
///   cheaper (an in-memory database keeps its `memory` journal). The switch
///   changes the file, so on an existing database that is not in WAL mode
///   it waits until [`migrate`](crate::migrate) (or any [`Migrator`](crate::Migrator)
///   upgrade) has accepted the database: a start that refuses the database
///   leaves its file byte for byte as it was;
/// - `synchronous = NORMAL`: with WAL, durable against application crashes,
///   and a power loss can only drop the last commits, never corrupt;
/// - a [`BUSY_TIMEOUT`], so a second process waits for the lock instead of
///   failing at once;
/// - a statement cache of [`STATEMENT_CACHE_CAPACITY`], so model CRUD
///   statements are prepared once per connection.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// let conn = rusqlite::Connection::open_in_memory()?;
/// stillroom::configure(&conn)?;
/// let fk: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
/// assert!(fk);
/// # Ok(())
/// # }
/// ```
pub fn configure(conn: &Connection) -> Result<()> {
    configure_inner(conn).map_err(|e| match e {
        // Reading the header waits for a writer that holds the whole file
        // (a large migration of a rollback-journal database, in another
        // process) no longer than the busy timeout.
        Error::Sqlite(source) if is_busy(&source) => Error::Locked {
            waited: BUSY_TIMEOUT,
            limit: BUSY_TIMEOUT,
        },
        e => e.at(conn),
    })
}

fn configure_inner(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
    let new: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    if new == 0 {
        switch_to_wal(conn)?;
    } else {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            defer_wal(conn);
        }
    }
    Ok(())
}

/// Databases (by path) whose switch to WAL waits for a successful migration.
static DEFERRED_WAL: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// Whether `DEFERRED_WAL` may hold anything: read on every migration, so the
/// usual case (nothing deferred) takes no lock.
static ANY_DEFERRED: AtomicBool = AtomicBool::new(false);

fn defer_wal(conn: &Connection) {
    let Some(path) = conn.path().filter(|p| !p.is_empty()) else {
        return;
    };
    let mut deferred = DEFERRED_WAL.lock().unwrap_or_else(PoisonError::into_inner);
    if !deferred.iter().any(|p| p == path) {
        deferred.push(path.to_owned());
    }
    ANY_DEFERRED.store(true, Ordering::Release);
}

/// Called when a migration has accepted the database behind `conn`: the
/// WAL switch [`configure`] deferred happens now. A failure to switch is
/// logged, not returned: the migration succeeded, and the next start tries
/// again.
pub(crate) fn accepted(conn: &Connection) {
    if !ANY_DEFERRED.load(Ordering::Acquire) {
        return;
    }
    let Some(path) = conn.path() else { return };
    let mut deferred = DEFERRED_WAL.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(i) = deferred.iter().position(|p| p == path) else {
        return;
    };
    deferred.swap_remove(i);
    ANY_DEFERRED.store(!deferred.is_empty(), Ordering::Release);
    drop(deferred);
    if let Err(e) = switch_to_wal(conn) {
        tracing::warn!(error = %e, "could not switch the database to WAL mode");
    }
}

/// `PRAGMA journal_mode = WAL`, retried while another connection holds the
/// lock the switch needs: SQLite answers it with SQLITE_BUSY at once, without
/// the busy timeout, so two processes creating one database together would
/// otherwise fail.
fn switch_to_wal(conn: &Connection) -> Result<()> {
    let started = std::time::Instant::now();
    loop {
        // journal_mode answers with the mode now in force; a row must be read.
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(e) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
