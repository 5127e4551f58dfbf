//! SQLite's runner: the statements of one part with errors that point at
//! the file and line, Rust steps where they are marked, what a migration
//! may not do inside the migrating transaction (`forbidden`), foreign keys
//! off around table rebuilds and checked before commit, and every part of a
//! run in one `BEGIN IMMEDIATE` transaction.

use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::sql_text::split_statements;
use super::version::SqliteVersion;
use crate::apply::step::Lookup;
use crate::history::Migration;
use crate::history::replay::Direction;
use crate::schema::quote_ident;
use crate::{Error, Result, StatementError};

/// Runs one part of `migration`, statement by statement, on `conn` (inside
/// the caller's transaction). An error names the revision, the file and
/// line, the statement and SQLite's message.
pub(crate) fn run_part(
    conn: &Connection,
    migration: &Migration,
    direction: Direction,
    steps: &Lookup<'_>,
) -> Result<()> {
    run_part_reporting(conn, migration, direction, steps, &mut |_| {})
}

/// [`run_part`], telling `rebuilt` the table and time of each table rebuild
/// it ran (the statements under a `-- rebuild table `x`` comment, as the
/// generator writes them), so a long rebuild is not a silent wait. The
/// Rust steps the part marks run where they are marked, found in `steps`.
pub(crate) fn run_part_reporting(
    conn: &Connection,
    migration: &Migration,
    direction: Direction,
    steps: &Lookup<'_>,
    rebuilt: &mut dyn FnMut(Rebuilt<'_>),
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
    let rebuilds = rebuild_comments(sql);
    let markers = migration.rust_steps(direction);
    let mut markers = markers.iter().peekable();
    let mut current: Option<Rebuilding<'_>> = None;
    for statement in split_statements(sql) {
        // Saturating: `lines` is a public field, so any value may come here.
        let line = first_line
            .max(1)
            .saturating_add(statement.line.saturating_sub(1));
        while let Some(marker) = markers.next_if(|m| m.line < line) {
            if let Some(done) = current.take() {
                rebuilt(done.finish());
            }
            crate::apply::step::run(conn, migration, direction, marker.name, marker.line, steps)?;
        }
        if let Some(why) = forbidden(statement.sql) {
            return Err(Error::MigrationFile {
                path: migration.path.clone(),
                line,
                message: why.to_owned(),
            });
        }
        let table = rebuilds
            .iter()
            .rev()
            .find(|(at, _)| *at < statement.line)
            .map(|(_, table)| *table)
            .filter(|t| !t.is_empty());
        if current.as_ref().map(|r| r.table) != table {
            if let Some(done) = current.take() {
                rebuilt(done.finish());
            }
            current = table.map(Rebuilding::start);
        }
        conn.execute_batch(statement.sql).map_err(|source| {
            let detail = collision(conn, statement.sql, &source);
            Error::Statement(Box::new(StatementError {
                revision: migration.revision.clone(),
                path: migration.path.clone(),
                line,
                sql: statement.sql.to_owned(),
                source,
                detail,
            }))
        })?;
        let insert = statement
            .sql
            .trim_start()
            .get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case("INSERT"));
        if let Some(r) = current.as_mut().filter(|_| insert) {
            r.rows += conn.changes();
        }
    }
    if let Some(done) = current {
        rebuilt(done.finish());
    }
    for marker in markers {
        crate::apply::step::run(conn, migration, direction, marker.name, marker.line, steps)?;
    }
    Ok(())
}

/// A table rebuild a migration part ran: the table, how long it took, and
/// how many rows it copied.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rebuilt<'a> {
    pub(crate) table: &'a str,
    pub(crate) elapsed: Duration,
    pub(crate) rows: u64,
}

/// A rebuild under way, inside its `tracing` span.
struct Rebuilding<'a> {
    table: &'a str,
    started: Instant,
    rows: u64,
    _span: tracing::span::EnteredSpan,
}

impl<'a> Rebuilding<'a> {
    fn start(table: &'a str) -> Self {
        Self {
            table,
            started: Instant::now(),
            rows: 0,
            _span: tracing::info_span!("rebuild", table).entered(),
        }
    }

    fn finish(self) -> Rebuilt<'a> {
        let elapsed = self.started.elapsed();
        tracing::info!(
            table = self.table,
            rows = self.rows,
            ms = elapsed.as_millis(),
            "rebuilt table"
        );
        Rebuilt {
            table: self.table,
            elapsed,
            rows: self.rows,
        }
    }
}

/// When a table rebuild's copy (`INSERT INTO "_stillroom_new_t" ... SELECT
/// ... FROM "t"`) fails on a unique key (a key narrowed, a unique index
/// added), the keys that collide, read from the table being copied: SQLite
/// names only the temporary table's columns.
fn collision(conn: &Connection, sql: &str, source: &rusqlite::Error) -> Option<String> {
    let message = source.to_string();
    let columns = message.strip_prefix("UNIQUE constraint failed: ")?;
    let tokens = crate::dialect::sqlite::sql_text::tokenize(sql);
    let into = tokens.get(2)?.name();
    if !tokens.first()?.source().eq_ignore_ascii_case("INSERT")
        || !into.starts_with("_stillroom_new_")
    {
        return None;
    }
    let from = tokens
        .iter()
        .rposition(|t| t.source().eq_ignore_ascii_case("FROM"))
        .and_then(|i| tokens.get(i + 1))?
        .name();
    let columns: Vec<String> = columns
        .split(", ")
        .map(|c| c.rsplit('.').next().unwrap_or(c).to_owned())
        .collect();
    let quoted: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
    let shown: Vec<String> = quoted.iter().map(|c| format!("quote({c})")).collect();
    let query = format!(
        "SELECT '(' || {} || ') in ' || count(*) || ' rows' FROM {} GROUP BY {} HAVING count(*) > 1 LIMIT 5",
        shown.join(" || ', ' || "),
        quote_ident(&from),
        quoted.join(", ")
    );
    let keys: Vec<String> = conn
        .prepare(&query)
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .ok()?;
    Some(format!(
        "table `{from}`: ({}) must be unique in the rebuilt table, and these rows share a value: {}; change or remove them first (a part that narrows a key or adds a unique index succeeds only when the rows allow it)",
        columns.join(", "),
        if keys.is_empty() {
            "(not found)".to_owned()
        } else {
            keys.join(", ")
        }
    ))
}

/// The lines (1-based in `sql`) that open a table rebuild, and its table:
/// `-- rebuild table `jobs` (...)`. Any other comment line closes one.
fn rebuild_comments(sql: &str) -> Vec<(usize, &str)> {
    sql.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("-- ") && !l.starts_with("-- not compared"))
        .map(|(i, l)| {
            let table = l
                .strip_prefix("-- rebuild table `")
                .and_then(|rest| rest.split_once('`'))
                .map_or("", |(table, _)| table);
            (i + 1, table)
        })
        .collect()
}

/// Why a statement may not appear in a migration, if it may not: every
/// migration runs inside the runner's one transaction, on the application's
/// own connection.
pub(crate) fn forbidden(sql: &str) -> Option<&'static str> {
    let tokens = crate::dialect::sqlite::sql_text::tokenize(sql);
    let word = |i: usize| {
        tokens
            .get(i)
            .map_or(String::new(), |t| t.source().to_ascii_uppercase())
    };
    match word(0).as_str() {
        "BEGIN" | "COMMIT" | "END" => Some(
            "transaction statements cannot appear in a migration: all pending migrations run in one transaction that stillroom opens and commits; remove this statement",
        ),
        "ROLLBACK" if word(1) != "TO" => Some(
            "ROLLBACK cannot appear in a migration (ROLLBACK TO a savepoint can): stillroom owns the transaction; remove this statement",
        ),
        "VACUUM" => {
            Some("VACUUM cannot run inside the migration transaction; run it outside migrations")
        }
        "PRAGMA" => forbidden_pragma(&tokens[1..]),
        _ => None,
    }
}

/// Why a `PRAGMA` may not appear in a migration: those SQLite ignores, or
/// refuses, inside a transaction (a migration recorded as applied while it
/// did nothing), and those that set the connection rather than the
/// database (they would outlive the migration on the application's
/// connection). Reading a pragma, and the pragmas that belong to the
/// database or the transaction (`user_version`, `defer_foreign_keys`,
/// `table_info(...)`), are fine.
fn forbidden_pragma(
    tokens: &[crate::dialect::sqlite::sql_text::Token<'_>],
) -> Option<&'static str> {
    // `name`, `schema.name` (one word or three tokens), quoted or not.
    let (name, rest) = match tokens {
        [_, dot, name, rest @ ..] if dot.source() == "." => (name.name(), rest),
        [name, rest @ ..] => (name.name(), rest),
        [] => return None,
    };
    let name = name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let sets = rest
        .first()
        .is_some_and(|t| matches!(t.source(), "=" | "("));
    match name.as_str() {
        "foreign_keys" => Some(
            "PRAGMA foreign_keys has no effect inside the migration transaction; write `-- foreign-keys: off` in the header instead, and stillroom turns them off around the transaction and checks them before commit",
        ),
        "journal_mode" | "page_size" | "auto_vacuum" | "encoding" if sets => Some(
            "this PRAGMA has no effect inside the migration transaction (SQLite ignores it there, and the migration would be recorded as applied anyway); run it outside migrations, where the application opens the database",
        ),
        "wal_checkpoint" | "synchronous" if sets || name == "wal_checkpoint" => Some(
            "this PRAGMA cannot run inside the migration transaction; run it outside migrations, where the application opens the database",
        ),
        "query_only"
        | "locking_mode"
        | "legacy_alter_table"
        | "writable_schema"
        | "recursive_triggers"
        | "reverse_unordered_selects"
        | "temp_store"
        | "cache_size"
        | "busy_timeout"
        | "mmap_size"
        | "trusted_schema"
        | "cell_size_check"
        | "ignore_check_constraints"
        | "case_sensitive_like"
        | "count_changes"
        | "automatic_index"
        | "cache_spill"
        | "secure_delete"
            if sets =>
        {
            Some(
                "this PRAGMA sets the connection, not the database: it would outlive the migration on the application's connection, and a database migrated elsewhere would not have it; set it where the application opens its connections",
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

/// Applies `parts` in one transaction, as a replay does (Rust steps this
/// program lacks, or that fail without the application's rows, skipped):
/// all of them or, after an error, none. Foreign keys are off around the
/// transaction when a part needs it, and then checked before commit.
pub(crate) fn apply_parts(conn: &Connection, parts: &[(&Migration, Direction)]) -> Result<()> {
    let off = parts.iter().any(|(m, _)| m.foreign_keys_off);
    with_foreign_keys(conn, off, || {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = parts
            .iter()
            .try_for_each(|(m, d)| run_part(conn, m, *d, &Lookup::replay()))
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
            dialect: Default::default(),
            requires: Some(requires.into()),
            foreign_keys_off: false,
            data_loss: Vec::new(),
            down_data_loss: Vec::new(),
            replaces: Vec::new(),
            up: "SELECT 1;\nSELECT no_such_function();\n".into(),
            down: None,
            path: PathBuf::from("0001.sql"),
            lines,
            checksum: String::new(),
            text: Default::default(),
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
        match run_part(
            &conn,
            &migration("3.8", (usize::MAX, 0)),
            Direction::Up,
            &Lookup::replay(),
        ) {
            Err(Error::Statement(e)) => assert_eq!(e.line, usize::MAX),
            other => panic!("expected a statement error, got {other:?}"),
        }
        Ok(())
    }
}
