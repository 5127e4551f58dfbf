//! Running stored migrations: the statements of one part with errors that
//! point at the file and line, foreign keys off around rebuilds, and replay
//! of a whole history on an in-memory database.

use rusqlite::Connection;

use crate::introspect::{LiveSchema, introspect};
use crate::sql_text::split_statements;
use crate::sqlite_version::SqliteVersion;
use crate::store::{History, Migration};
use crate::{Error, Result, StatementError};

/// Which part of a migration runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The `up` part: towards the head.
    Up,
    /// The `down` part: back towards the first revision.
    Down,
}

/// Runs one part of `migration`, statement by statement, on `conn` (inside
/// the caller's transaction). An error names the revision, the file and
/// line, the statement and SQLite's message.
pub(crate) fn run_part(
    conn: &Connection,
    migration: &Migration,
    direction: Direction,
) -> Result<()> {
    let (sql, first_line) = match direction {
        Direction::Up => (migration.up.as_str(), migration.lines.0),
        Direction::Down => match &migration.down {
            Some(down) => (down.as_str(), migration.lines.1),
            None => {
                return Err(Error::NoDownPart {
                    revision: migration.revision.clone(),
                    path: migration.path.clone(),
                });
            }
        },
    };
    for statement in split_statements(sql) {
        // Saturating: `lines` is a public field, so any value may come here.
        let line = first_line
            .max(1)
            .saturating_add(statement.line.saturating_sub(1));
        if let Some(why) = forbidden(statement.sql) {
            return Err(Error::MigrationFile {
                path: migration.path.clone(),
                line,
                message: why.to_owned(),
            });
        }
        conn.execute_batch(statement.sql).map_err(|source| {
            Error::Statement(Box::new(StatementError {
                revision: migration.revision.clone(),
                path: migration.path.clone(),
                line,
                sql: statement.sql.to_owned(),
                source,
            }))
        })?;
    }
    Ok(())
}

/// Why a statement may not appear in a migration, if it may not: every
/// migration runs inside the runner's one transaction.
pub(crate) fn forbidden(sql: &str) -> Option<&'static str> {
    let words: Vec<String> = crate::sql_text::tokenize(sql)
        .iter()
        .take(4)
        .map(|t| t.source().to_ascii_uppercase())
        .collect();
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    match word(0) {
        "BEGIN" | "COMMIT" | "END" => Some(
            "transaction statements cannot appear in a migration: all pending migrations run in one transaction that stillroom opens and commits; remove this statement",
        ),
        "ROLLBACK" if word(1) != "TO" => Some(
            "ROLLBACK cannot appear in a migration (ROLLBACK TO a savepoint can): stillroom owns the transaction; remove this statement",
        ),
        "VACUUM" => {
            Some("VACUUM cannot run inside the migration transaction; run it outside migrations")
        }
        "PRAGMA"
            if word(1).trim_start_matches("MAIN.") == "FOREIGN_KEYS"
                || (word(1) == "MAIN" && word(3) == "FOREIGN_KEYS") =>
        {
            Some(
                "PRAGMA foreign_keys has no effect inside the migration transaction; write `-- foreign-keys: off` in the header instead, and stillroom turns them off around the transaction and checks them before commit",
            )
        }
        _ => None,
    }
}

/// The rows `PRAGMA foreign_key_check` reports, one sentence each.
pub(crate) fn foreign_key_violations(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = stmt.query_map([], |r| {
        let table: String = r.get(0)?;
        let rowid: Option<i64> = r.get(1)?;
        let parent: String = r.get(2)?;
        Ok(match rowid {
            Some(id) => format!("row {id} of `{table}` references a missing row of `{parent}`"),
            None => format!("a row of `{table}` references a missing row of `{parent}`"),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Runs `f` with foreign key enforcement off when `off` is set, and turns it
/// back on afterwards, on every path, if it was on. Must be called outside a
/// transaction (SQLite ignores the pragma inside one).
pub(crate) fn with_foreign_keys<T>(
    conn: &Connection,
    off: bool,
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    // Only read the setting when it may need changing: this runs at every
    // startup.
    if !off || !foreign_keys_on(conn)? {
        return f();
    }
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = f();
    let restored = conn.execute_batch("PRAGMA foreign_keys = ON");
    let value = result?;
    restored?;
    Ok(value)
}

/// Whether foreign key enforcement is on for `conn`.
pub(crate) fn foreign_keys_on(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?)
}

/// Applies `steps` in one transaction: all of them or, after an error,
/// none. Foreign keys are off around the transaction when a step needs it,
/// and then checked before commit.
pub(crate) fn apply_steps(conn: &Connection, steps: &[(&Migration, Direction)]) -> Result<()> {
    let off = steps.iter().any(|(m, _)| m.foreign_keys_off);
    with_foreign_keys(conn, off, || {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = steps
            .iter()
            .try_for_each(|(m, d)| run_part(conn, m, *d))
            .and_then(|()| {
                let violations = if off {
                    foreign_key_violations(conn)?
                } else {
                    Vec::new()
                };
                if violations.is_empty() {
                    Ok(())
                } else {
                    Err(Error::ForeignKeyViolations { violations })
                }
            });
        match result {
            Ok(()) => Ok(conn.execute_batch("COMMIT")?),
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    })
}

/// A database built by running every migration of a history, in memory.
pub struct Replayed {
    /// The database, at the history's head.
    pub conn: Connection,
    /// Its schema.
    pub schema: LiveSchema,
}

/// Runs every migration of `history` on a new in-memory database (foreign
/// keys on, as [`configure`](crate::configure) sets them) and reads the
/// schema they produce, hand-written SQL included.
pub fn replay(history: &History) -> Result<Replayed> {
    replay_on(Connection::open_in_memory()?, history)
}

/// [`replay`] on `conn`, a new empty database (the fuzz targets give one
/// with limits on memory and time).
pub(crate) fn replay_on(conn: Connection, history: &History) -> Result<Replayed> {
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    for m in &history.migrations {
        check_version(m)?;
    }
    let steps: Vec<(&Migration, Direction)> = history
        .migrations
        .iter()
        .map(|m| (m, Direction::Up))
        .collect();
    apply_steps(&conn, &steps)?;
    let schema = introspect(&conn)?;
    Ok(Replayed { conn, schema })
}

/// Fails when the SQLite in use is older than a migration requires.
pub(crate) fn check_version(m: &Migration) -> Result<()> {
    let Some(required) = &m.requires else {
        return Ok(());
    };
    match SqliteVersion::parse(required) {
        Ok(needed) if needed.number() > rusqlite::version_number() => Err(Error::SqliteTooOld {
            revision: m.revision.clone(),
            required: required.clone(),
            found: rusqlite::version().to_owned(),
        }),
        Ok(_) => Ok(()),
        // Only a migration built in code gets here: parsing a file checks
        // its `requires` line (and names it).
        Err(why) => Err(Error::MigrationFile {
            path: m.path.clone(),
            line: 1,
            message: format!("`requires: SQLite {required}` {why}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn migration(requires: &str, lines: (usize, usize)) -> Migration {
        Migration {
            revision: "0001".into(),
            parent: None,
            message: String::new(),
            requires: Some(requires.into()),
            foreign_keys_off: false,
            data_loss: Vec::new(),
            up: "SELECT 1;\nSELECT no_such_function();\n".into(),
            down: None,
            path: PathBuf::from("0001.sql"),
            lines,
            checksum: String::new(),
        }
    }

    #[test]
    fn a_requires_set_in_code_is_checked_without_overflow() {
        // 3037.0 overflowed the old i32 version number.
        let err = check_version(&migration("3037.0", (1, 0))).unwrap_err();
        assert!(err.to_string().contains("did you mean `3.37.0`?"), "{err}");
        assert!(check_version(&migration("3.8", (1, 0))).is_ok());
        let err = check_version(&migration("3.999.0", (1, 0))).unwrap_err();
        assert!(matches!(err, Error::SqliteTooOld { .. }), "{err}");
    }

    #[test]
    fn a_statement_line_past_usize_saturates() -> Result<()> {
        let conn = Connection::open_in_memory()?;
        match run_part(&conn, &migration("3.8", (usize::MAX, 0)), Direction::Up) {
            Err(Error::Statement(e)) => assert_eq!(e.line, usize::MAX),
            other => panic!("expected a statement error, got {other:?}"),
        }
        Ok(())
    }
}
