//! Data migrations in Rust on PostgreSQL: a `-- rust: NAME` line of a
//! PostgreSQL revision runs the function `#[stillroom::step(postgres)]`
//! registers under that name, inside the migrating transaction, in a
//! savepoint, as SQLite's steps do (`apply/step.rs`).

use postgres::types::ToSql;
use postgres::{GenericClient, Row};

use super::lexer::{forbidden, split};
use crate::apply::step::{StepResult, guarded, missing_steps_message, step_failed};
use crate::history::Migration;
use crate::history::replay::Direction;
use crate::{Error, Result};

/// The signature of a step registered with `#[stillroom::step(postgres)]`.
pub type StepFn = fn(&mut Step<'_>) -> StepResult;

/// A step registered with `#[stillroom::step(postgres)]`, collected by
/// `inventory`.
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

/// `f` as a [`StepFn`]: what `#[stillroom::step(postgres)]` registers, so
/// that a function of another shape is a type error at its name.
#[doc(hidden)]
pub const fn step_fn(f: StepFn) -> StepFn {
    f
}

/// What a step may do with the migration's transaction: run statements,
/// never end it.
trait Client {
    fn execute(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, postgres::Error>;
    fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<Row>, postgres::Error>;
    fn batch_execute(&mut self, sql: &str) -> std::result::Result<(), postgres::Error>;
}

impl<C: GenericClient> Client for C {
    fn execute(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, postgres::Error> {
        GenericClient::execute(self, sql, params)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<Row>, postgres::Error> {
        GenericClient::query(self, sql, params)
    }

    fn batch_execute(&mut self, sql: &str) -> std::result::Result<(), postgres::Error> {
        GenericClient::batch_execute(self, sql)
    }
}

/// A Rust step's view of a PostgreSQL migration: the transaction it runs
/// in (the whole upgrade's: what it writes commits with the revision, or
/// not at all) and which step of which revision it is.
///
/// Statements go through the `postgres` crate, with `$1` parameters, and
/// read the tables as they are at this revision (not through the models,
/// which describe the head):
///
/// ```no_run
/// use stillroom::StepResult;
/// use stillroom::postgres::Step;
///
/// /// `job.title` was split into `name` and `detail` by this revision's SQL.
/// #[stillroom::step(postgres)]
/// fn split_titles(step: &mut Step<'_>) -> StepResult {
///     for row in step.query("SELECT id, title FROM job", &[])? {
///         let (id, title): (i64, String) = (row.get("id"), row.get("title"));
///         let (name, detail) = title.split_once(": ").unwrap_or((&title, ""));
///         step.execute(
///             "UPDATE job SET name = $1, detail = $2 WHERE id = $3",
///             &[&name, &detail, &id],
///         )?;
///     }
///     Ok(())
/// }
/// ```
///
/// A statement that would end the transaction (`COMMIT`, `ROLLBACK`,
/// `BEGIN`, ...) is refused, as in a migration file; `SAVEPOINT` is fine.
pub struct Step<'a> {
    client: &'a mut dyn Client,
    revision: &'a str,
    name: &'a str,
    direction: Direction,
}

impl std::fmt::Debug for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Step")
            .field("revision", &self.revision)
            .field("name", &self.name)
            .field("direction", &self.direction)
            .finish_non_exhaustive()
    }
}

impl<'a> Step<'a> {
    /// A step on `client` (a connection or a transaction), outside any
    /// migration: to test a step function on a database of your own.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut client = stillroom::postgres::connect("postgres://dev@localhost/app_dev")?;
    /// let mut tx = client.transaction()?;
    /// let step = stillroom::postgres::Step::new(&mut tx, "0007_backfill", "backfill");
    /// assert_eq!((step.revision(), step.name()), ("0007_backfill", "backfill"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(client: &'a mut impl GenericClient, revision: &'a str, name: &'a str) -> Self {
        Self {
            client,
            revision,
            name,
            direction: Direction::Up,
        }
    }

    /// The revision whose part runs the step.
    pub fn revision(&self) -> &'a str {
        self.revision
    }

    /// The step's name, as the file's `-- rust:` line gives it.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// Whether the step runs in an up part or a down part.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Runs one statement with `$1`-style parameters; the rows it changed.
    pub fn execute(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, Box<dyn std::error::Error + Send + Sync>> {
        allowed(sql)?;
        Ok(self.client.execute(sql, params)?)
    }

    /// The rows a query returns; read columns by name (`row.get("id")`).
    pub fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<Row>, Box<dyn std::error::Error + Send + Sync>> {
        allowed(sql)?;
        Ok(self.client.query(sql, params)?)
    }

    /// Runs statements separated by `;`, without parameters.
    pub fn batch_execute(
        &mut self,
        sql: &str,
    ) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>> {
        allowed(sql)?;
        Ok(self.client.batch_execute(sql)?)
    }
}

/// Refuses what would end (or leave) the migration's transaction.
fn allowed(sql: &str) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>> {
    for statement in split(sql) {
        if let Some(why) = forbidden(statement.sql) {
            return Err(format!("`{}`: {why}", statement.sql.trim()).into());
        }
    }
    Ok(())
}

/// The steps `#[stillroom::step(postgres)]` registered in this program.
fn registered() -> impl Iterator<Item = &'static RegisteredStep> {
    inventory::iter::<RegisteredStep>.into_iter()
}

/// The step registered under `name`; two are an error.
fn find(name: &str) -> Result<Option<StepFn>> {
    let found: Vec<&RegisteredStep> = registered().filter(|s| s.name == name).collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.run)),
        more => Err(Error::DuplicateStep {
            name: name.to_owned(),
            locations: more.iter().map(|s| s.location.to_owned()).collect(),
        }),
    }
}

/// Every step the parts `runs` mark that this program does not register
/// for PostgreSQL: the check made before anything runs.
pub(crate) fn check(runs: &[(&Migration, Direction)]) -> Result<()> {
    let mut missing = Vec::new();
    for (m, direction) in runs {
        for marker in m.rust_steps(*direction) {
            if find(marker.name)?.is_none() {
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
    let mut known: Vec<String> = registered().map(|s| s.name.to_owned()).collect();
    known.sort();
    known.dedup();
    Err(Error::MissingPostgresSteps { missing, known })
}

/// The message of [`Error::MissingPostgresSteps`].
pub(crate) fn missing_message(missing: &[String], known: &[String]) -> String {
    missing_steps_message(
        " for PostgreSQL",
        ("#[stillroom::step(postgres)]", "stillroom::postgres::Step"),
        missing,
        known,
        "(A step for SQLite, `#[stillroom::step]`, does not run on PostgreSQL.) ",
    )
}

/// Whether `#[stillroom::step(postgres)]` registers `name` in this program.
#[cfg(feature = "cli")]
pub(crate) fn is_registered(name: &str) -> bool {
    registered().any(|s| s.name == name)
}

/// Runs the step `name` of `migration`, marked at `line` of its file,
/// inside the migration's transaction, in a savepoint; a failure or a panic
/// is the error, and the caller's transaction rolls everything back.
pub(crate) fn run(
    client: &mut impl GenericClient,
    migration: &Migration,
    direction: Direction,
    name: &str,
    line: usize,
) -> Result<()> {
    let Some(run) = find(name)? else {
        // `check` ran before anything: only a step registered meanwhile
        // (never, in one process) could be missing here.
        return Err(Error::MissingPostgresSteps {
            missing: vec![format!(
                "`{name}` ({}:{line}, revision `{}`)",
                migration.path.display(),
                migration.revision
            )],
            known: Vec::new(),
        });
    };
    let _span = tracing::info_span!("step", step = name).entered();
    client.batch_execute("SAVEPOINT stillroom_step")?;
    let mut step = Step {
        client,
        revision: &migration.revision,
        name,
        direction,
    };
    match guarded(|| run(&mut step)) {
        Ok(()) => {
            client.batch_execute("RELEASE SAVEPOINT stillroom_step")?;
            Ok(())
        }
        Err(source) => Err(step_failed(migration, name, line, source)),
    }
}
