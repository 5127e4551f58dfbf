//! Rust steps: data migrations written in Rust, run at a marked place of a
//! revision's SQL, inside the same transaction, lock and foreign-key
//! handling.
//!
//! A revision's file marks the place with a line `-- rust: NAME`; the
//! application registers a function under that name with
//! `#[stillroom::step]` (or [`Migrator::steps`](crate::Migrator::steps)).
//! The name is part of the file's text, so its checksum covers it.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use rusqlite::types::FromSql;
use rusqlite::{Connection, Params};

use crate::history::Migration;
use crate::history::replay::Direction;
use crate::schema::quote_ident;
use crate::{Error, Result};

/// What a Rust step returns: any error (`?` works on rusqlite's,
/// stillroom's, serde_json's, ...), which rolls the whole upgrade back.
pub type StepResult = std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// The signature of a step registered with `#[stillroom::step]`.
pub type StepFn = fn(&mut Step<'_>) -> StepResult;

/// A step registered with `#[stillroom::step]`, collected by `inventory`.
#[doc(hidden)]
pub struct RegisteredStep {
    /// The name the migration files use.
    pub name: &'static str,
    /// The function.
    pub run: StepFn,
    /// Where it is defined (`file:line`), for a duplicate's message.
    pub location: &'static str,
}

inventory::collect!(RegisteredStep);

/// `f` as a [`StepFn`]: what `#[stillroom::step]` registers, so that a
/// function of another shape is a type error at its name.
#[doc(hidden)]
pub const fn step_fn(f: StepFn) -> StepFn {
    f
}

type BoxedStep<'f> = Box<dyn Fn(&mut Step<'_>) -> StepResult + Send + Sync + 'f>;

/// Steps given to one [`Migrator`](crate::Migrator) rather than registered
/// for the whole program, for a migrator built in a test or steps that
/// capture something (a closure).
///
/// ```
/// use stillroom::{Step, StepResult, Steps};
///
/// fn mark_all_read(step: &mut Step<'_>) -> StepResult {
///     step.conn().execute("UPDATE note SET unread = 0", [])?;
///     Ok(())
/// }
///
/// let steps = Steps::new().add("mark_all_read", mark_all_read);
/// assert_eq!(steps.names().collect::<Vec<_>>(), ["mark_all_read"]);
/// ```
#[derive(Default)]
pub struct Steps<'f> {
    list: Vec<(String, BoxedStep<'f>)>,
}

impl std::fmt::Debug for Steps<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl<'f> Steps<'f> {
    /// No steps.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `run` under `name` (the name a `-- rust: NAME` line uses). A name
    /// given here takes precedence over a `#[stillroom::step]` of that name.
    #[must_use]
    pub fn add(
        mut self,
        name: impl Into<String>,
        run: impl Fn(&mut Step<'_>) -> StepResult + Send + Sync + 'f,
    ) -> Self {
        self.list.push((name.into(), Box::new(run)));
        self
    }

    /// The names added, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|(n, _)| n.as_str())
    }
}

/// Where a run finds its steps: the migrator's own, then the program's.
#[derive(Clone, Copy, Default)]
pub(crate) struct Lookup<'a> {
    pub(crate) extra: Option<&'a Steps<'a>>,
    /// A replay (generate, check, merge, squash, adoption) on a database
    /// without the application's rows: a step that is not registered, or
    /// fails, is skipped and logged, assumed to change no schema.
    pub(crate) replaying: bool,
}

/// The step registered under `name`.
enum Found<'a> {
    Given(&'a (dyn Fn(&mut Step<'_>) -> StepResult + Send + Sync)),
    Registered(StepFn),
}

impl<'a> Lookup<'a> {
    /// A lookup for a replay.
    pub(crate) fn replay() -> Self {
        Self {
            extra: None,
            replaying: true,
        }
    }

    fn find(&self, name: &str) -> Result<Option<Found<'a>>> {
        if let Some(extra) = self.extra
            && let Some((_, run)) = extra.list.iter().rev().find(|(n, _)| n == name)
        {
            return Ok(Some(Found::Given(run.as_ref())));
        }
        let mut found = registered().filter(|s| s.name == name);
        match (found.next(), found.next()) {
            (None, _) => Ok(None),
            (Some(one), None) => Ok(Some(Found::Registered(one.run))),
            (Some(one), Some(two)) => {
                let mut locations = vec![one.location.to_owned(), two.location.to_owned()];
                locations.extend(found.map(|s| s.location.to_owned()));
                Err(Error::DuplicateStep {
                    name: name.to_owned(),
                    locations,
                })
            }
        }
    }

    /// Every step the parts `runs` mark that this lookup cannot find: the
    /// check made before anything runs.
    pub(crate) fn check(&self, runs: &[(&Migration, Direction)]) -> Result<()> {
        let mut missing = Vec::new();
        for (m, direction) in runs {
            for marker in m.rust_steps(*direction) {
                if self.find(marker.name)?.is_none() {
                    missing.push(format!(
                        "`{}` ({}:{}, revision `{}`)",
                        marker.name,
                        m.path.display(),
                        marker.line,
                        m.revision
                    ));
                }
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let mut known: Vec<String> = self
            .extra
            .map(|e| e.names().map(str::to_owned).collect())
            .unwrap_or_default();
        known.extend(registered().map(|s| s.name.to_owned()));
        known.sort();
        known.dedup();
        Err(Error::MissingSteps { missing, known })
    }
}

/// The message of [`Error::MissingSteps`].
pub(crate) fn missing_message(missing: &[String], known: &[String]) -> String {
    missing_steps_message(
        "",
        ("#[stillroom::step]", "stillroom::Step"),
        missing,
        known,
        "(or give it to the migrator: `Migrator::steps`). ",
    )
}

/// What steps are missing, in `for` (a database's name, or nothing), and
/// the function to add for the first: `attribute` on a function taking
/// `step_type`; `hint` goes before the list of the steps the program has.
pub(crate) fn missing_steps_message(
    r#for: &str,
    (attribute, step_type): (&str, &str),
    missing: &[String],
    known: &[String],
    hint: &str,
) -> String {
    let first = missing
        .first()
        .and_then(|m| m.strip_prefix('`')?.split('`').next())
        .unwrap_or("name");
    format!(
        "the migrations run Rust steps this program does not register{for}, so nothing was run:\n  - {}\nAdd each to the application:\n\n    {attribute}\n    fn {first}(step: &mut {step_type}<'_>) -> stillroom::StepResult {{\n        Ok(())\n    }}\n\n{hint}{}",
        missing.join("\n  - "),
        if known.is_empty() {
            "This program registers no steps.".to_owned()
        } else {
            format!("This program registers: {}.", known.join(", "))
        }
    )
}

/// Whether `#[stillroom::step]` registers `name` in this program.
#[cfg(feature = "cli")]
pub(crate) fn is_registered(name: &str) -> bool {
    registered().any(|s| s.name == name)
}

/// The Rust steps of `history`'s up parts that `extra` and this program's
/// registry lack, as `` `name` (revision `r`) ``: what a replay skips.
#[cfg(feature = "cli")]
pub(crate) fn unregistered(history: &crate::History, extra: Option<&Steps<'_>>) -> Vec<String> {
    history
        .migrations
        .iter()
        .flat_map(|m| {
            m.rust_steps(Direction::Up)
                .into_iter()
                .filter(|s| {
                    !is_registered(s.name) && !extra.is_some_and(|e| e.names().any(|n| n == s.name))
                })
                .map(|s| format!("`{}` (revision `{}`)", s.name, m.revision))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The steps `#[stillroom::step]` registered in this program.
fn registered() -> impl Iterator<Item = &'static RegisteredStep> {
    inventory::iter::<RegisteredStep>.into_iter()
}

/// A `-- rust: NAME` line of a migration part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepMarker<'a> {
    /// The step's name.
    pub name: &'a str,
    /// Its line in the file, counting from 1.
    pub line: usize,
}

/// The marker a line is, if it is one (`-- rust: NAME`, blanks around
/// allowed), with the name unchecked.
pub(crate) fn marker_name(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("--")?
        .trim_start()
        .strip_prefix("rust:")
        .map(str::trim)
}

/// The markers of a part, with lines counted from 1 at its start.
pub(crate) fn markers(sql: &str) -> Vec<(usize, &str)> {
    sql.lines()
        .enumerate()
        .filter_map(|(i, l)| Some((i + 1, marker_name(l)?)))
        .collect()
}

/// Why `name` cannot name a step, if it cannot: names are Rust
/// identifiers, as the function's is.
pub(crate) fn bad_name(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric());
    (!ok).then(|| {
        format!(
            "`-- rust: {name}` does not name a step: write `-- rust: NAME` with NAME a Rust identifier (letters, digits, `_`), the name of the function `#[stillroom::step]` registers"
        )
    })
}

/// Runs the step `name` of `migration`, marked at `line` of its file, on
/// `conn` inside the migration transaction, in a savepoint (on a replay, a
/// step that fails is rolled back to it and skipped).
pub(crate) fn run(
    conn: &Connection,
    migration: &Migration,
    direction: Direction,
    name: &str,
    line: usize,
    lookup: &Lookup<'_>,
) -> Result<()> {
    let failed = |source| step_failed(migration, name, line, source);
    let Some(found) = lookup.find(name)? else {
        if lookup.replaying {
            tracing::warn!(
                revision = %migration.revision,
                step = name,
                "the replay skipped the Rust step, which this program does not register: assumed it changes no schema"
            );
            return Ok(());
        }
        return Err(Error::MissingSteps {
            missing: vec![format!(
                "`{name}` ({}:{line}, revision `{}`)",
                migration.path.display(),
                migration.revision
            )],
            known: Vec::new(),
        });
    };
    let _span = tracing::info_span!("step", step = name).entered();
    conn.execute_batch("SAVEPOINT stillroom_step")?;
    let mut step = Step {
        conn,
        revision: &migration.revision,
        name,
        direction,
        replaying: lookup.replaying,
    };
    let result = guarded(|| match found {
        Found::Given(run) => run(&mut step),
        Found::Registered(run) => run(&mut step),
    });
    if conn.is_autocommit() {
        // The step ran COMMIT or ROLLBACK: stillroom's transaction is over.
        return Err(failed(
            "it ended the migration transaction (a COMMIT, END or ROLLBACK on the connection). A step runs inside the transaction stillroom opened for the whole upgrade and must not end it; use a SAVEPOINT to undo part of its work. If it committed, the statements of this upgrade before the step are in the database and the revision is not recorded: restore a copy, or remove the statement and run the revision's remaining parts by hand".into(),
        ));
    }
    match result {
        Ok(()) => {
            conn.execute_batch("RELEASE stillroom_step")?;
            Ok(())
        }
        Err(source) if lookup.replaying => {
            conn.execute_batch("ROLLBACK TO stillroom_step; RELEASE stillroom_step")?;
            tracing::warn!(
                revision = %migration.revision,
                step = name,
                error = %source,
                "the Rust step failed on the replay's database, which has no rows: skipped, assumed it changes no schema"
            );
            Ok(())
        }
        Err(source) => Err(failed(source)),
    }
}

/// Runs a step function, a panic becoming its error.
pub(crate) fn guarded(run: impl FnOnce() -> StepResult) -> StepResult {
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(result) => result,
        Err(panic) => Err(format!("it panicked: {}", panic_message(&*panic)).into()),
    }
}

/// The error of step `name` of `migration`, marked at `line`, that failed
/// with `source`.
pub(crate) fn step_failed(
    migration: &Migration,
    name: &str,
    line: usize,
    source: Box<dyn std::error::Error + Send + Sync>,
) -> Error {
    Error::Step(Box::new(StepError {
        revision: migration.revision.clone(),
        step: name.to_owned(),
        path: migration.path.clone(),
        line,
        source,
    }))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".to_owned())
}

/// A Rust step that failed: the revision, the step, where the file marks
/// it, and its error.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::path::Path;
/// use stillroom::{Error, History, Migration, Migrator, Steps, Verification};
///
/// let text = "-- stillroom migration
/// -- revision: 0001_seed
/// -- parent: none
/// -- message: seed
///
/// -- migrate:up
/// CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
/// -- rust: seed_notes
/// ";
/// let history = History { migrations: vec![Migration::parse(text, Path::new("migrations/0001_seed.sql"))?] };
/// let steps = Steps::new().add("seed_notes", |_step: &mut stillroom::Step<'_>| Err("no seed file".into()));
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let err = Migrator::new(&history).steps(&steps).verification(Verification::Off).migrate(&conn).unwrap_err();
/// let Error::Step(failed) = &err else { panic!("{err}") };
/// assert_eq!((failed.revision.as_str(), failed.step.as_str(), failed.line), ("0001_seed", "seed_notes", 8));
/// assert!(err.to_string().starts_with(
///     "the Rust step `seed_notes` of revision `0001_seed` (migrations/0001_seed.sql:8) failed: no seed file"
/// ));
/// // The upgrade rolled back: not even the table is there.
/// let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'note'", [], |r| r.get(0))?;
/// assert_eq!(tables, 0);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[error("the Rust step `{step}` of revision `{revision}` ({}:{line}) failed: {source}\nThe upgrade was rolled back: the database is as it was before it", path.display())]
pub struct StepError {
    /// The revision.
    pub revision: String,
    /// The step's name.
    pub step: String,
    /// The revision's file.
    pub path: std::path::PathBuf,
    /// The line of its `-- rust:` marker.
    pub line: usize,
    /// What the step returned (or how it panicked).
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// What a Rust step is given: the migrating transaction's connection, and
/// helpers that read and write rows of the schema as it stands at this
/// point of the history.
///
/// A step does not use the application's models: they describe the schema
/// at the head, and a step runs at its own revision, possibly years of
/// revisions before it, where a table may lack a field the model has (or
/// have one the model dropped). So a step names the columns it reads and
/// writes, and the helpers check them against the live table, naming what
/// is missing.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// use stillroom::{Step, StepResult};
///
/// /// `author.name` ("Ann Lee") into `first_name` and `last_name`.
/// fn split_names(step: &mut Step<'_>) -> StepResult {
///     let mut update = step.update("author", &["first_name", "last_name"], &["id"])?;
///     step.for_each("SELECT id, name FROM author", [], |row| {
///         let name: String = row.get("name")?;
///         let (first, last) = name.split_once(' ').unwrap_or((&name, ""));
///         update.row((first, last, row.get::<i64>("id")?))?;
///         Ok(())
///     })
/// }
/// # let conn = rusqlite::Connection::open_in_memory()?;
/// # conn.execute_batch("CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT, first_name TEXT, last_name TEXT); INSERT INTO author (name) VALUES ('Ann Lee');")?;
/// # let mut step = Step::new(&conn, "0002_x", "split_names");
/// # split_names(&mut step)?;
/// # let last: String = conn.query_row("SELECT last_name FROM author", [], |r| r.get(0))?;
/// # assert_eq!(last, "Lee");
/// # Ok(())
/// # }
/// ```
pub struct Step<'a> {
    conn: &'a Connection,
    revision: &'a str,
    name: &'a str,
    direction: Direction,
    replaying: bool,
}

impl std::fmt::Debug for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Step")
            .field("revision", &self.revision)
            .field("name", &self.name)
            .field("direction", &self.direction)
            .field("replaying", &self.replaying)
            .finish_non_exhaustive()
    }
}

impl<'a> Step<'a> {
    /// A step on `conn`, outside any migration: to test a step function on
    /// a database of your own.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let step = stillroom::Step::new(&conn, "0007_backfill", "backfill");
    /// assert_eq!((step.revision(), step.name(), step.replaying()), ("0007_backfill", "backfill", false));
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(conn: &'a Connection, revision: &'a str, name: &'a str) -> Self {
        Self {
            conn,
            revision,
            name,
            direction: Direction::Up,
            replaying: false,
        }
    }

    /// The connection, inside the migration's transaction: run any SQL, or
    /// prepare statements, as with rusqlite anywhere, except what would end
    /// that transaction (`COMMIT`, `ROLLBACK`): the step fails if it does.
    /// Savepoints are fine.
    pub fn conn(&self) -> &'a Connection {
        self.conn
    }

    /// The revision whose part runs this step.
    pub fn revision(&self) -> &'a str {
        self.revision
    }

    /// The step's name, as the file marks it.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// Whether the revision's up or down part runs it.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Whether this is a replay of the history on a new in-memory database
    /// (by `generate`, `check`, `merge`, `squash`, adoption), which has the
    /// schema but none of the application's rows. A step that reads files
    /// or other databases can return early here; one that only moves rows
    /// has nothing to move and need not care.
    pub fn replaying(&self) -> bool {
        self.replaying
    }

    /// The columns `table` has at this point, in order.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let conn = rusqlite::Connection::open_in_memory()?;
    /// # conn.execute_batch("CREATE TABLE job (id INTEGER PRIMARY KEY, status TEXT)")?;
    /// let step = stillroom::Step::new(&conn, "0003_x", "x");
    /// assert_eq!(step.columns("job")?, ["id", "status"]);
    /// assert!(step.columns("jobs").unwrap_err().to_string().contains("there is no table `jobs`"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn columns(&self, table: &str) -> Result<Vec<String>> {
        let columns: Vec<String> = self
            .conn
            .prepare(&format!(
                "SELECT name FROM pragma_table_xinfo({}) WHERE hidden IN (0, 2, 3)",
                crate::schema::quote_literal(table)
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if columns.is_empty() {
            return Err(self.data_error(format!(
                "there is no table `{table}` at this point of the history"
            )));
        }
        Ok(columns)
    }

    /// Runs `sql` and calls `f` with each row as it is read (no row is
    /// kept, so a million rows take no more memory than one). Columns are
    /// read by name: [`Record::get`].
    ///
    /// Writing to other tables while reading is fine, and so is updating
    /// the rows being read by their key; inserting into the table being read
    /// may be seen by the same loop, so collect first in that case.
    pub fn for_each<P: Params>(
        &self,
        sql: &str,
        params: P,
        mut f: impl FnMut(&Record<'_>) -> StepResult,
    ) -> StepResult {
        let mut stmt = self.conn.prepare(sql)?;
        // By index: `column_names` is a Vec in some rusqlite versions of
        // the range, an iterator in others.
        let names: Vec<String> = (0..stmt.column_count())
            .map(|i| stmt.column_name(i).map(str::to_owned))
            .collect::<rusqlite::Result<_>>()?;
        let mut rows = stmt.query(params)?;
        while let Some(row) = rows.next()? {
            f(&Record { row, names: &names })?;
        }
        Ok(())
    }

    /// A prepared `INSERT INTO table (columns...)`, checked against the
    /// live table, for [`Writer::row`] to run once per row (at the speed
    /// of a statement prepared once: no SQL is built or parsed per row).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let conn = rusqlite::Connection::open_in_memory()?;
    /// # conn.execute_batch("CREATE TABLE tag (id INTEGER PRIMARY KEY, job_id INTEGER, label TEXT)")?;
    /// let step = stillroom::Step::new(&conn, "0005_tags", "move_tags");
    /// let mut tags = step.insert("tag", &["job_id", "label"])?;
    /// tags.row((1, "anime"))?;
    /// tags.row((1, "dub"))?;
    /// assert_eq!(tags.written(), 2);
    /// let err = step.insert("tag", &["job_id", "colour"]).unwrap_err();
    /// assert!(err.to_string().contains("table `tag` has no column `colour` at this point of the history (it has id, job_id, label)"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn insert(&self, table: &str, columns: &[&str]) -> Result<Writer<'a>> {
        self.check_columns(table, columns)?;
        let list: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
        let params: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        self.writer(
            table,
            format!(
                "INSERT INTO {} ({}) VALUES ({})",
                quote_ident(table),
                list.join(", "),
                params.join(", ")
            ),
        )
    }

    /// A prepared `UPDATE table SET set... WHERE key...`, checked against
    /// the live table: [`Writer::row`] takes the `set` values, then the
    /// `key` values.
    pub fn update(&self, table: &str, set: &[&str], key: &[&str]) -> Result<Writer<'a>> {
        self.check_columns(table, set)?;
        self.check_columns(table, key)?;
        if set.is_empty() || key.is_empty() {
            return Err(self.data_error(format!(
                "an update of `{table}` needs at least one column to set and one key column"
            )));
        }
        let assignments: Vec<String> = set
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} = ?{}", quote_ident(c), i + 1))
            .collect();
        let conditions: Vec<String> = key
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} IS ?{}", quote_ident(c), set.len() + i + 1))
            .collect();
        self.writer(
            table,
            format!(
                "UPDATE {} SET {} WHERE {}",
                quote_ident(table),
                assignments.join(", "),
                conditions.join(" AND ")
            ),
        )
    }

    fn writer(&self, table: &str, sql: String) -> Result<Writer<'a>> {
        let stmt = self
            .conn
            .prepare(&sql)
            .map_err(|e| Error::query("prepare", table, &sql, e))?;
        Ok(Writer {
            stmt,
            table: table.to_owned(),
            sql,
            written: 0,
        })
    }

    fn check_columns(&self, table: &str, wanted: &[&str]) -> Result<()> {
        let live = self.columns(table)?;
        for column in wanted {
            if !live.iter().any(|c| c.eq_ignore_ascii_case(column)) {
                return Err(self.data_error(format!(
                    "table `{table}` has no column `{column}` at this point of the history (it has {})",
                    live.join(", ")
                )));
            }
        }
        Ok(())
    }

    fn data_error(&self, message: String) -> Error {
        Error::StepData { message }
    }
}

/// One row read by [`Step::for_each`], its columns read by name.
pub struct Record<'r> {
    row: &'r rusqlite::Row<'r>,
    names: &'r [String],
}

impl std::fmt::Debug for Record<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Record")
            .field("columns", &self.names)
            .finish_non_exhaustive()
    }
}

impl<'r> Record<'r> {
    /// The value of `column` (as the query names it), converted to `T`; an
    /// error names the column when the query has no such column or the
    /// value does not convert.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    /// # let conn = rusqlite::Connection::open_in_memory()?;
    /// let step = stillroom::Step::new(&conn, "0001_x", "x");
    /// step.for_each("SELECT 7 AS id, 'Ann' AS name", [], |row| {
    ///     assert_eq!(row.get::<i64>("id")?, 7);
    ///     let missing = row.get::<String>("title").unwrap_err().to_string();
    ///     assert!(missing.contains("reads column `title`, which its query does not return (it returns id, name)"), "{missing}");
    ///     let wrong = row.get::<i64>("name").unwrap_err().to_string();
    ///     assert!(wrong.contains("column `name`"), "{wrong}");
    ///     Ok(())
    /// })?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get<T: FromSql>(&self, column: &str) -> Result<T> {
        let at = self
            .names
            .iter()
            .position(|n| n == column)
            .or_else(|| {
                self.names
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(column))
            })
            .ok_or_else(|| Error::StepData {
                message: format!(
                    "the step reads column `{column}`, which its query does not return (it returns {})",
                    self.names.join(", ")
                ),
            })?;
        self.row.get(at).map_err(|e| Error::StepData {
            message: format!("column `{column}`: {e}"),
        })
    }

    /// The columns the query returns.
    pub fn columns(&self) -> &'r [String] {
        self.names
    }

    /// The rusqlite row, to read by position or as a `ValueRef`.
    pub fn row(&self) -> &'r rusqlite::Row<'r> {
        self.row
    }
}

/// A statement prepared once by [`Step::insert`] or [`Step::update`], run
/// once per row.
pub struct Writer<'a> {
    stmt: rusqlite::Statement<'a>,
    table: String,
    sql: String,
    written: u64,
}

impl std::fmt::Debug for Writer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("sql", &self.sql)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl Writer<'_> {
    /// Runs the statement with `params` (the columns' values in order; for
    /// an update, the set columns' then the key's). Returns the rows it
    /// changed.
    pub fn row<P: Params>(&mut self, params: P) -> Result<usize> {
        let changed = self
            .stmt
            .execute(params)
            .map_err(|e| Error::query("write", &self.table, &self.sql, e))?;
        self.written += changed as u64;
        Ok(changed)
    }

    /// The rows written (inserted, or changed by an update) so far.
    pub fn written(&self) -> u64 {
        self.written
    }
}

/// Each part's markers, checked: names are identifiers, and a marker stands
/// between statements (a `-- rust:` line inside a statement would run the
/// step before it, which is surely not meant). `first_line` is the part's
/// first line in the file; errors give file lines.
/// Where each statement of `sql` starts and ends (lines from 1), as the
/// runner of `dialect` splits it (PostgreSQL's keeps dollar-quoted bodies
/// whole; without the `postgres` feature, SQLite's splitter stands in).
fn statement_spans(sql: &str, dialect: crate::Dialect) -> Vec<(usize, usize)> {
    let span = |line: usize, text: &str| (line, line + text.matches('\n').count());
    #[cfg(feature = "postgres")]
    if dialect == crate::Dialect::Postgres {
        return crate::dialect::postgres::lexer::split(sql)
            .iter()
            .map(|s| span(s.line, s.sql))
            .collect();
    }
    let _ = dialect;
    crate::dialect::sqlite::sql_text::split_statements(sql)
        .iter()
        .map(|s| span(s.line, s.sql))
        .collect()
}

pub(crate) fn check_part(
    sql: &str,
    first_line: usize,
    dialect: crate::Dialect,
) -> std::result::Result<(), (usize, String)> {
    let file_line = |l: usize| first_line.max(1).saturating_add(l.saturating_sub(1));
    let spans = statement_spans(sql, dialect);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (line, name) in markers(sql) {
        if let Some(why) = bad_name(name) {
            return Err((file_line(line), why));
        }
        if let Some((from, to)) = spans.iter().find(|(from, to)| *from < line && line <= *to) {
            return Err((
                file_line(line),
                format!(
                    "`-- rust: {name}` is inside a statement (lines {} to {}); put it on a line of its own between two statements",
                    file_line(*from),
                    file_line(*to)
                ),
            ));
        }
        if let Some(first) = seen.insert(name, line) {
            return Err((
                file_line(line),
                format!(
                    "the step `{name}` is marked twice in this part (also at line {}); a step runs once where it is marked",
                    file_line(first)
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_comment_lines_naming_an_identifier() {
        assert_eq!(marker_name("-- rust: move_tags"), Some("move_tags"));
        assert_eq!(marker_name("  --rust:move_tags  "), Some("move_tags"));
        assert_eq!(marker_name("-- rusty: x"), None);
        assert_eq!(marker_name("SELECT 1; -- rust: x"), None);
        assert!(bad_name("move_tags").is_none());
        assert!(bad_name("_private2").is_none());
        for bad in ["", "2fast", "move-tags", "a b", "über"] {
            assert!(bad_name(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn a_marker_inside_a_statement_or_twice_is_an_error_naming_file_lines() {
        let part = "CREATE TABLE t (\n  id INTEGER\n-- rust: inside\n);\n";
        let (line, why) = check_part(part, 10, crate::Dialect::Sqlite).unwrap_err();
        assert_eq!(line, 12);
        assert!(why.contains("inside a statement (lines 10 to 13)"), "{why}");
        let twice = "-- rust: a\nSELECT 1;\n-- rust: a\n";
        let (line, why) = check_part(twice, 1, crate::Dialect::Sqlite).unwrap_err();
        assert_eq!(line, 3);
        assert!(why.contains("marked twice"), "{why}");
        assert!(
            check_part(
                "SELECT 1;\n-- rust: a\nSELECT 2;\n-- rust: b\n",
                1,
                crate::Dialect::Sqlite
            )
            .is_ok()
        );
    }
}
