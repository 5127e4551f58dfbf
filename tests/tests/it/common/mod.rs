//! Helpers shared by the integration tests:
//! temporary migration directories, table builders, and a small stand-in for
//! the migration runner that applies one part of a migration to a database
//! holding rows.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::Connection;
use stillroom::{
    Action, Column, Direction, ForeignKey, Generated, Index, Migration, Op, Schema, SqlType, Table,
};

pub(crate) type TestResult = Result<(), Box<dyn Error>>;

/// A directory under the system temp dir, unique to this process and call,
/// removed on drop. It is not created: a missing migrations directory is an
/// empty history, and `generate` creates it.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Self(std::env::temp_dir().join(format!(
            "stillroom-{name}-{}-{nanos}-{n}",
            std::process::id()
        )))
    }

    /// The same, created.
    pub(crate) fn created(name: &str) -> std::io::Result<Self> {
        let dir = Self::new(name);
        std::fs::create_dir_all(&dir.0)?;
        Ok(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    pub(crate) fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `NOT NULL` column.
pub(crate) fn column(name: &str, sql_type: SqlType) -> Column {
    Column::new(name, sql_type)
}

/// A nullable column.
pub(crate) fn optional(name: &str, sql_type: SqlType) -> Column {
    let mut c = Column::new(name, sql_type);
    c.nullable = true;
    c
}

/// A `NOT NULL` column with a default.
pub(crate) fn defaulted(name: &str, sql_type: SqlType, default: &str) -> Column {
    let mut c = Column::new(name, sql_type);
    c.default = Some(default.to_owned());
    c
}

/// A STRICT table with these columns and key.
pub(crate) fn table(name: &str, key: &[&str], columns: Vec<Column>) -> Table {
    let mut t = Table::new(name);
    t.columns = columns;
    t.primary_key.columns = key.iter().map(|k| (*k).to_owned()).collect();
    t
}

/// The usual two-column table: `id INTEGER` key and `name TEXT`.
pub(crate) fn basic(name: &str) -> Table {
    table(
        name,
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("name", SqlType::Text),
        ],
    )
}

/// An index.
pub(crate) fn index(name: &str, columns: &[&str], unique: bool) -> Index {
    Index {
        name: name.to_owned(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        unique,
    }
}

/// A foreign key with ON DELETE `on_delete`.
pub(crate) fn fk(
    columns: &[&str],
    parent: &str,
    parent_columns: &[&str],
    on_delete: Action,
) -> ForeignKey {
    ForeignKey {
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        references_table: parent.to_owned(),
        references_columns: parent_columns.iter().map(|c| (*c).to_owned()).collect(),
        on_delete,
        on_update: Action::NoAction,
    }
}

/// A validated schema of `tables`.
pub(crate) fn schema(tables: impl IntoIterator<Item = Table>) -> Result<Schema, Box<dyn Error>> {
    Ok(Schema::new(tables)?)
}

/// The column `name` of `table`, to change it.
pub(crate) fn column_mut<'a>(table: &'a mut Table, name: &str) -> Result<&'a mut Column, String> {
    table
        .columns
        .iter_mut()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("table `{}` has no column `{name}`", table.name))
}

/// The parts of a `Generated::Written` (whether it boxes its migration or
/// not), or an error for `NothingToDo`.
pub(crate) fn written(generated: Generated) -> Result<(PathBuf, Migration, Vec<Op>), String> {
    match generated {
        Generated::Written {
            path,
            migration,
            ops,
        } => Ok((path, Migration::clone(&migration), ops)),
        Generated::NothingToDo => Err("expected a migration to be written, got NothingToDo".into()),
    }
}

/// Every entry of `dir` (name and content), sorted, to see that nothing was
/// written; empty for a missing directory.
pub(crate) fn listing(dir: &Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((name, std::fs::read(&path)?));
    }
    out.sort();
    Ok(out)
}

/// An in-memory database with foreign keys on, as applications configure it.
pub(crate) fn database() -> Result<Connection, Box<dyn Error>> {
    let conn = Connection::open_in_memory()?;
    stillroom::configure(&conn)?;
    Ok(conn)
}

/// Applies one part of `migration` to `conn` the way the runner will: with
/// foreign keys off around the transaction when the header says so, a
/// foreign key check before commit, and a rollback on any error.
pub(crate) fn apply(conn: &Connection, migration: &Migration, direction: Direction) -> TestResult {
    let sql = match direction {
        Direction::Up => migration.up.as_str(),
        Direction::Down => migration
            .down
            .as_deref()
            .ok_or_else(|| format!("{} has no down part", migration.revision))?,
    };
    let off = migration.foreign_keys_off;
    if off {
        conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    }
    let result = conn
        .execute_batch("BEGIN")
        .map_err(Box::<dyn Error>::from)
        .and_then(|()| {
            let run = || -> TestResult {
                conn.execute_batch(sql)?;
                let violations: Vec<(String, Option<i64>, String)> = conn
                    .prepare("PRAGMA foreign_key_check")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                if violations.is_empty() {
                    Ok(())
                } else {
                    Err(
                        format!("broken foreign keys (table, rowid, parent): {violations:?}")
                            .into(),
                    )
                }
            };
            match run() {
                Ok(()) => Ok(conn.execute_batch("COMMIT")?),
                Err(e) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    Err(e)
                }
            }
        });
    if off {
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
    }
    result
}

/// Applies the `up` part of the migration stored at `path`.
pub(crate) fn apply_file(conn: &Connection, path: &Path, direction: Direction) -> TestResult {
    let text = std::fs::read_to_string(path)?;
    apply(conn, &Migration::parse(&text, path)?, direction)
}

/// Whether foreign key enforcement is on.
pub(crate) fn foreign_keys_on(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))
}

/// One row of `sqlite_schema`: type, name, table, SQL.
pub(crate) type SchemaRow = (String, String, String, Option<String>);

/// Every object of the schema, sorted: to compare a schema before and after.
pub(crate) fn schema_dump(conn: &Connection) -> rusqlite::Result<Vec<SchemaRow>> {
    conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect()
}

/// Every row `sql` returns, each value as its `Debug` form
/// (`Integer(1)`, `Text("a")`, `Null`): to compare rows before and after.
pub(crate) fn rows(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<Vec<String>>> {
    let mut stmt = conn.prepare(sql)?;
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                let v: rusqlite::types::Value = r.get(i)?;
                Ok(format!("{v:?}"))
            })
            .collect()
    })?
    .collect()
}

/// The single value `sql` returns.
pub(crate) fn value<T: rusqlite::types::FromSql>(
    conn: &Connection,
    sql: &str,
) -> rusqlite::Result<T> {
    conn.query_row(sql, [], |r| r.get(0))
}

/// Runs an offline SQL script (`Migrator::sql`) on `conn` as the `sqlite3`
/// shell does: its dot-commands (`.bail on`) are the shell's, not SQL, and
/// `execute_batch` stops at the first error like `.bail on`.
pub(crate) fn run_script(conn: &Connection, script: &str) -> rusqlite::Result<()> {
    let sql: Vec<&str> = script.lines().filter(|l| !l.starts_with('.')).collect();
    conn.execute_batch(&sql.join("\n"))
}

/// Runs `script` with the `sqlite3` program on `db`, as a user would
/// (`sqlite3 app.db < script.sql`). `None` (with a note) when the program is
/// missing, unless `STILLROOM_REQUIRE_SQLITE3` is set (CI installs the
/// program and sets it), which makes that a failure.
pub(crate) fn sqlite3(
    db: &Path,
    script: &str,
) -> Result<Option<std::process::Output>, Box<dyn Error>> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let spawned = Command::new("sqlite3")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if std::env::var_os("STILLROOM_REQUIRE_SQLITE3").is_none() => {
            eprintln!(
                "skipped: no `sqlite3` program ({e}); install it (Debian: sqlite3) to run this test"
            );
            return Ok(None);
        }
        Err(e) => {
            return Err(
                format!("STILLROOM_REQUIRE_SQLITE3 is set but `sqlite3` cannot run: {e}").into(),
            );
        }
    };
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(script.as_bytes())?;
    Ok(Some(child.wait_with_output()?))
}

/// The bytes of a database file, and which of its side files exist.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FileState {
    bytes: Vec<u8>,
    side_files: Vec<&'static str>,
}

pub(crate) fn file_state(path: &Path) -> std::io::Result<FileState> {
    let side_files = ["-wal", "-shm", "-journal"]
        .into_iter()
        .filter(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            Path::new(&name).exists()
        })
        .collect();
    Ok(FileState {
        bytes: std::fs::read(path)?,
        side_files,
    })
}
