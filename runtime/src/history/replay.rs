//! Replay: a whole history run on a new in-memory SQLite database, and the
//! schema it makes (what `generate`, `check` and adoption compare with).
//! The running itself is SQLite's runner (`dialect/sqlite/runner.rs`).

use rusqlite::Connection;

use crate::Result;
use crate::dialect::sqlite::introspect::{LiveSchema, introspect};
use crate::dialect::sqlite::runner::{apply_parts, check_version};
use crate::history::{History, Migration};

/// Which part of a migration runs.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-direction-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// use std::sync::Mutex;
/// use stillroom::{Direction, Event, Migrator, Target};
///
/// let undone = Mutex::new(Vec::new());
/// let progress = |event: Event<'_>| {
///     if let Event::Starting { migration, direction: Direction::Down } = event {
///         undone.lock().unwrap().push(migration.revision.clone());
///     }
/// };
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let migrator = Migrator::new(&history).schema(&schema).progress(&progress);
/// migrator.migrate(&conn)?;
/// migrator.allow_data_loss(true).downgrade(&conn, &Target::Base)?;
/// assert_eq!(*undone.lock().unwrap(), ["0001_initial"]);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The `up` part: towards the head.
    Up,
    /// The `down` part: back towards the first revision.
    Down,
}

/// A database built by running every migration of a history, in memory.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-replayed-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// // A test that the application's queries fit the schema the migrations make:
/// let replayed = stillroom::replay(&history)?;
/// assert!(replayed.conn.prepare("SELECT id, body FROM note WHERE id = ?1").is_ok());
/// assert!(replayed.conn.prepare("SELECT title FROM note").is_err());
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
pub struct Replayed {
    /// The database, at the history's head.
    pub conn: Connection,
    /// Its schema.
    pub schema: LiveSchema,
}

/// Runs every migration of `history` on a new in-memory database (foreign
/// keys on, as [`configure`](crate::configure) sets them) and reads the
/// schema they produce, hand-written SQL included.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-replay-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// let replayed = stillroom::replay(&history)?;
/// assert_eq!(replayed.schema.schema.tables().len(), 1);
/// // The migrations make exactly the models' schema (what `check` makes sure of).
/// assert_eq!(stillroom::compare(&replayed.schema.schema, &schema), []);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
pub fn replay(history: &History) -> Result<Replayed> {
    replay_on(Connection::open_in_memory()?, history)
}

/// [`replay`] on `conn`, a new empty database (the fuzz targets give one
/// with limits on memory and time).
pub(crate) fn replay_on(conn: Connection, history: &History) -> Result<Replayed> {
    history.expect_dialect(crate::Dialect::Sqlite)?;
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    for m in &history.migrations {
        check_version(m)?;
    }
    let parts: Vec<(&Migration, Direction)> = history
        .migrations
        .iter()
        .map(|m| (m, Direction::Up))
        .collect();
    apply_parts(&conn, &parts)?;
    let schema = introspect(&conn)?;
    Ok(Replayed { conn, schema })
}
