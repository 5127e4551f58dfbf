//! Applying migrations to a live database: at startup ([`migrate`]) and on
//! demand ([`Migrator`]: upgrade, downgrade, stamp, status, offline SQL).
//!
//! What a call does is decided once, in `runner.rs`, for every database;
//! each dialect supplies a [`Backend`](crate::dialect::backend::Backend)
//! and the transaction around it (`dialect/sqlite/backend.rs`,
//! `dialect/postgres/`). Every change takes the database's migration lock
//! before it reads the ledger, so two processes starting at once cannot
//! both migrate: one applies, the other waits and then finds nothing to do.
//! All the steps of one call run in one transaction.

pub(crate) mod ledger;
pub(crate) mod step;

mod adopt;
pub(crate) mod reconcile;
pub(crate) mod runner;

use std::collections::BTreeSet;
use std::str::FromStr;
use std::time::Duration;

use rusqlite::Connection;

pub use self::adopt::Adoption;
pub(crate) use self::adopt::{blocked_message, failed_message};
use self::ledger::Applied;
use crate::apply::step::{Lookup, Steps};
use crate::dialect::sqlite::backend::SqliteDb;
pub use crate::dialect::sqlite::fit::Misfit;
use crate::history::embedded::Migrations;
use crate::history::replay::Direction;
use crate::history::{History, Migration};
use crate::schema::Schema;
use crate::verify::{Verification, fingerprint};
use crate::{Error, Result, registry};

/// Applies the pending migrations of the application's embedded set (see
/// [`embed_migrations!`](crate::embed_migrations)), then checks that the
/// database matches the models in the [`registry`].
///
/// Call it when the application starts, on a connection that is not in a
/// transaction. On an up-to-date database it reads the ledger and returns;
/// the full comparison with the models is skipped while nothing has changed
/// the schema since the last successful one (`PRAGMA schema_version`).
///
/// A database made before stillroom (tables, no ledger) is adopted: if it
/// has some revision's tables and columns, that revision is recorded (its
/// tables first rebuilt to that revision's exact declaration, after checking
/// every stored value fits) and the rest applied; otherwise the error lists
/// every difference to the closest revision and nothing is changed. See
/// [`Migrator::adoption_plan`].
///
/// In the application's `main` (not run here: it needs the binary's embedded
/// migrations, and it creates `app.db`):
///
/// ```no_run
/// static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();
///
/// fn main() -> stillroom::Result<()> {
///     let conn = stillroom::open("app.db")?;
///     let report = stillroom::migrate(&conn)?;
///     if !report.ran.is_empty() {
///         eprintln!("applied {}", report.ran.join(", "));
///     }
///     // ... the application, on `conn` ...
///     Ok(())
/// }
/// ```
pub fn migrate(conn: &Connection) -> Result<Report> {
    let set = Migrations::default_set()?;
    if cfg!(debug_assertions) {
        set.check_not_stale()?;
    }
    // An up-to-date database needs none of the files: the summary of the
    // last start is compared with their names and compile-time checksums.
    static NONE: History = History {
        migrations: Vec::new(),
    };
    if let Some(report) =
        Migrator::new(&NONE).start_unchanged(conn, set.digest(), set.last_revision())?
    {
        return Ok(report);
    }
    // The summary did not match: the full path, without asking again.
    Migrator::new(set.history()?).upgrade_in_full(conn, &Target::Head)
}

/// Where to migrate to.
///
/// ```
/// use stillroom::Target;
///
/// // What the `db upgrade` and `db downgrade` commands accept:
/// assert_eq!("head".parse(), Ok(Target::Head));
/// assert_eq!("base".parse(), Ok(Target::Base));
/// assert_eq!("-1".parse(), Ok(Target::Relative(-1)));
/// assert_eq!("0002".parse(), Ok(Target::Revision("0002".into())));
/// assert_eq!(Target::Relative(2).to_string(), "`+2`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The last revision.
    Head,
    /// Before the first revision: no tables.
    Base,
    /// A revision by id (or a prefix of exactly one id).
    Revision(String),
    /// Steps from the current revision: `-1` is one back, `+2` two ahead.
    Relative(i64),
}

impl FromStr for Target {
    type Err = std::convert::Infallible;

    /// `head`, `base`, `+N` / `-N`, or a revision.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let s = s.trim();
        Ok(match s {
            "head" => Self::Head,
            "base" => Self::Base,
            _ => relative_steps(s).map_or_else(|| Self::Revision(s.to_owned()), Self::Relative),
        })
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Head => f.write_str("`head`"),
            Self::Base => f.write_str("`base`"),
            Self::Revision(r) => write!(f, "revision `{r}`"),
            Self::Relative(k) => write!(f, "`{k:+}`"),
        }
    }
}

/// `+N` or `-N`: a sign, then digits only (`-+5` is no number of steps).
/// More steps than `i64` holds saturate: they are outside any history all
/// the same, and resolving the target says so.
fn relative_steps(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-'])?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let saturated = if s.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    };
    Some(s.parse().unwrap_or(saturated))
}

/// What a migration call did.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-report-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let migrator = stillroom::Migrator::new(&history).schema(&schema);
///
/// let first = migrator.migrate(&conn)?;
/// assert_eq!(first.ran, ["0001_initial"]);
/// assert_eq!(first.current.as_deref(), Some("0001_initial"));
/// assert!(first.compared && first.adopted.is_none());
///
/// // The next start finds nothing to do, and trusts the last comparison.
/// let next = migrator.migrate(&conn)?;
/// assert!(next.ran.is_empty() && !next.compared);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The revisions whose `up` (or, downgrading, `down`) part ran, in order.
    pub ran: Vec<String>,
    /// How a database made before stillroom was adopted, if it was: the
    /// revision it was found at and what converting it changed.
    pub adopted: Option<Adoption>,
    /// How the ledger was brought in line with renamed, renumbered or
    /// squashed revisions (after a merge of branches or a squash), one
    /// sentence each; empty when it needed nothing.
    pub reconciled: Vec<String>,
    /// The database's revision afterwards (`None`: base).
    pub current: Option<String>,
    /// Whether the live schema was compared with the models (rather than
    /// trusted from an earlier comparison, or not compared).
    pub compared: bool,
}

/// The state of a database, in the spirit of Alembic's `current` and a
/// `check_migrations_status()`, but complete.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-status-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let migrator = stillroom::Migrator::new(&history).schema(&schema);
///
/// let before = migrator.status(&conn)?;
/// assert_eq!(before.current, None);
/// assert_eq!(before.pending, ["0001_initial"]);
/// assert_eq!(before.differences, None); // compared at head only
///
/// migrator.migrate(&conn)?;
/// let after = migrator.status(&conn)?;
/// assert_eq!(after.current, after.head);
/// assert!(after.pending.is_empty() && after.problem.is_none());
/// assert_eq!(after.differences, Some(vec![])); // it matches the models
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The database's revision (`None`: base).
    pub current: Option<String>,
    /// The last revision of the migrations.
    pub head: Option<String>,
    /// The revisions not yet applied, in order.
    pub pending: Vec<String>,
    /// The ledger, in order.
    pub applied: Vec<Applied>,
    /// Why the ledger and the migrations disagree, if they do (the error
    /// `migrate` would give).
    pub problem: Option<String>,
    /// How the live schema differs from the models (empty: it matches), when
    /// the database is at head; `None` otherwise. Differences the
    /// migrator's [`Verification`] tolerates are listed too.
    pub differences: Option<Vec<crate::Difference>>,
}

/// Migrations applied to a database, with options: an explicit set of
/// migrations, another model set, no verification.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// use stillroom::{History, Migrator, Target};
///
/// let history = History::default(); // usually `MIGRATIONS.history()?` or `History::read(dir)?`
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let schema = stillroom::Schema::default();
/// let migrator = Migrator::new(&history).schema(&schema);
/// let report = migrator.upgrade(&conn, &Target::Head)?;
/// assert!(report.ran.is_empty());
/// assert_eq!(migrator.status(&conn)?.pending.len(), 0);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct Migrator<'a> {
    pub(crate) history: &'a History,
    schema: Option<&'a Schema>,
    pub(crate) verification: Verification,
    adopt_on_start: bool,
    pub(crate) allow_data_loss: bool,
    pub(crate) lock_timeout: Duration,
    progress: Option<&'a Progress<'a>>,
    steps: Option<&'a Steps<'a>>,
}

impl std::fmt::Debug for Migrator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migrator")
            .field("revisions", &self.history.migrations.len())
            .field("schema", &self.schema.map(|s| s.tables().len()))
            .field("verification", &self.verification)
            .field("adopt_on_start", &self.adopt_on_start)
            .finish_non_exhaustive()
    }
}

/// How long a migration call waits, by default, for another connection's
/// write lock (another process migrating the same database): long enough
/// for a long table rebuild elsewhere to finish (see [`Migrator::lock_timeout`]).
///
/// ```
/// use std::time::Duration;
///
/// assert_eq!(stillroom::LOCK_TIMEOUT, Duration::from_secs(600));
///
/// // Where an orchestrator replaces an instance not ready within a minute:
/// # let history = stillroom::History::default();
/// let migrator = stillroom::Migrator::new(&history).lock_timeout(Duration::from_secs(50));
/// # let _ = migrator;
/// ```
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// A callback told how a migration call is going ([`Migrator::progress`]).
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-progress-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use stillroom::{Event, Migrator, Progress};
///
/// let finished = AtomicUsize::new(0);
/// let progress: &Progress<'_> = &|event: Event<'_>| {
///     if let Event::Finished { migration, elapsed, .. } = event {
///         eprintln!("{}: {elapsed:.1?}", migration.revision);
///         finished.fetch_add(1, Ordering::Relaxed);
///     }
/// };
/// let conn = rusqlite::Connection::open_in_memory()?;
/// Migrator::new(&history).schema(&schema).progress(progress).migrate(&conn)?;
/// assert_eq!(finished.load(Ordering::Relaxed), 1);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
pub type Progress<'a> = dyn Fn(Event<'_>) + Sync + 'a;

/// What a migration call reports as it goes.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-event-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// use std::sync::Mutex;
/// use stillroom::{Event, Migrator};
///
/// let seen = Mutex::new(Vec::new());
/// let progress = |event: Event<'_>| {
///     let line = match event {
///         Event::Waiting { waited } => format!("waiting for the write lock: {waited:?}"),
///         Event::Starting { migration, direction } => {
///             format!("{} {direction:?}", migration.revision)
///         }
///         Event::Rebuilt { table, rows, .. } => format!("rebuilt `{table}`: {rows} rows"),
///         Event::Finished { migration, .. } => format!("{} done", migration.revision),
///         _ => return,
///     };
///     seen.lock().unwrap().push(line);
/// };
/// let conn = rusqlite::Connection::open_in_memory()?;
/// Migrator::new(&history).schema(&schema).progress(&progress).migrate(&conn)?;
/// assert_eq!(*seen.lock().unwrap(), ["0001_initial Up", "0001_initial done"]);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// Another connection holds the write lock (another process migrating):
    /// still waiting for it, after this long. Told about once a second.
    Waiting {
        /// How long this call has waited.
        waited: Duration,
    },
    /// A migration part is about to run.
    Starting {
        /// The migration.
        migration: &'a Migration,
        /// Which part.
        direction: Direction,
    },
    /// A table rebuild inside it finished.
    Rebuilt {
        /// The migration.
        migration: &'a Migration,
        /// The rebuilt table.
        table: &'a str,
        /// How long the rebuild took.
        elapsed: Duration,
        /// How many rows it copied.
        rows: u64,
    },
    /// The part ran (its transaction is not yet committed).
    Finished {
        /// The migration.
        migration: &'a Migration,
        /// Which part.
        direction: Direction,
        /// How long it took.
        elapsed: Duration,
    },
}

impl<'a> Migrator<'a> {
    /// A migrator for `history`, verifying against the [`registry`].
    pub fn new(history: &'a History) -> Self {
        Self {
            history,
            schema: None,
            verification: Verification::default(),
            adopt_on_start: true,
            allow_data_loss: false,
            lock_timeout: LOCK_TIMEOUT,
            progress: None,
            steps: None,
        }
    }

    /// Verifies against `schema` instead of the registry.
    #[must_use]
    pub fn schema(mut self, schema: &'a Schema) -> Self {
        self.schema = Some(schema);
        self
    }

    /// What the comparison of the live schema with the models accepts
    /// after upgrading to head (by default every difference fails except
    /// non-unique indexes the models do not declare; see [`Verification`]).
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-verification-method-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::{Error, Migrator, Verification};
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// Migrator::new(&history).schema(&schema).migrate(&conn)?;
    /// conn.execute_batch("CREATE INDEX ix_note_body ON note (body)")?; // added by a DBA
    ///
    /// // Tolerated by default; not where the schema must be exactly the models'.
    /// assert!(Migrator::new(&history).schema(&schema).migrate(&conn).is_ok());
    /// let exact = Migrator::new(&history).schema(&schema).verification(Verification::Exact);
    /// assert!(matches!(exact.migrate(&conn), Err(Error::SchemaMismatch { .. })));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn verification(mut self, verification: Verification) -> Self {
        self.verification = verification;
        self
    }

    /// Whether a downgrade may run down parts that lose or change data
    /// (their files list it in `-- down-data-loss:` lines): off by default,
    /// so a downgrade past such a revision is refused with
    /// [`Error::DowngradeLosesData`], naming each loss (CLI: `downgrade
    /// --allow-data-loss`).
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-allow-data-loss-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::{Migrator, Target};
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let migrator = Migrator::new(&history).schema(&schema);
    /// migrator.migrate(&conn)?;
    /// let err = migrator.downgrade(&conn, &Target::Base).unwrap_err();
    /// let loss = "revision `0001_initial`: drops table `note` and all its rows";
    /// assert!(err.to_string().contains(loss));
    ///
    /// let report = migrator.allow_data_loss(true).downgrade(&conn, &Target::Base)?;
    /// assert_eq!(report.ran, ["0001_initial"]);
    /// assert_eq!(report.current, None);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn allow_data_loss(mut self, allow: bool) -> Self {
        self.allow_data_loss = allow;
        self
    }

    /// How long to wait for another connection's write lock before giving
    /// up with [`Error::Locked`] ([`LOCK_TIMEOUT`] by default). When a fleet
    /// of processes starts together, one migrates and the others wait here,
    /// however long the migration takes within this bound, then find nothing
    /// to do.
    ///
    /// Each attempt to take the lock waits the connection's busy timeout
    /// ([`BUSY_TIMEOUT`](crate::BUSY_TIMEOUT) after [`configure`](crate::configure)),
    /// so a call waits at least that long before it gives up.
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-lock-timeout-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use std::time::Duration;
    /// use stillroom::{Error, Migrator};
    ///
    /// let conn = stillroom::open(dir.join("app.db"))?;
    /// // Each attempt waits the connection's busy timeout: short here, for the example.
    /// conn.busy_timeout(Duration::from_millis(10))?;
    /// // Another process holds the write lock (it is migrating, say).
    /// let other = stillroom::open(dir.join("app.db"))?;
    /// other.execute_batch("BEGIN IMMEDIATE")?;
    ///
    /// let migrator = Migrator::new(&history)
    ///     .schema(&schema)
    ///     .lock_timeout(Duration::from_millis(100));
    /// assert!(matches!(migrator.migrate(&conn), Err(Error::Locked { .. })));
    /// other.execute_batch("COMMIT")?;
    /// assert_eq!(migrator.migrate(&conn)?.ran, ["0001_initial"]);
    /// # drop((conn, other));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Whether `migrate` and `upgrade` adopt a database made before
    /// stillroom (on by default). Off, they refuse such a database with
    /// [`Error::NotAdopted`], for applications that adopt only on an explicit
    /// command ([`Migrator::adopt`], CLI `db adopt`), after review
    /// ([`Migrator::adoption_plan`], `db adopt --sql`).
    #[must_use]
    pub fn adopt_on_start(mut self, adopt: bool) -> Self {
        self.adopt_on_start = adopt;
        self
    }

    /// Refuses to revert `steps` when their down parts lose data (the
    /// files' `down-data-loss` lines) and that is not allowed.
    pub(crate) fn check_down_losses(&self, steps: &[Migration]) -> Result<()> {
        let losses: Vec<String> = steps
            .iter()
            .rev()
            .flat_map(|m| {
                m.down_data_loss
                    .iter()
                    .map(move |loss| format!("revision `{}`: {loss}", m.revision))
            })
            .collect();
        if self.allow_data_loss || losses.is_empty() {
            Ok(())
        } else {
            Err(Error::DowngradeLosesData { losses })
        }
    }

    /// Whether a start adopts a database made before stillroom.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn adopts_on_start(&self) -> bool {
        self.adopt_on_start
    }

    /// Tells `progress` of each migration part as it starts and finishes,
    /// and of each table rebuild inside it, with times (a command line shows
    /// them: a long rebuild is not a silent wait). The same events go to
    /// `tracing`.
    ///
    /// The examples are on [`Progress`] and [`Event`].
    #[must_use]
    pub fn progress(mut self, progress: &'a Progress<'a>) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Rust steps for this migrator, beside those the program registers
    /// with `#[stillroom::step]` (a name given here wins).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::path::Path;
    /// use stillroom::{History, Migration, Migrator, Step, StepResult, Steps, Verification};
    ///
    /// let text = "-- stillroom migration
    /// -- revision: 0001_notes
    /// -- parent: none
    /// -- message: notes
    ///
    /// -- migrate:up
    /// CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
    /// -- rust: welcome_note
    /// ";
    /// let history = History { migrations: vec![Migration::parse(text, Path::new("0001_notes.sql"))?] };
    /// let welcome = "Welcome!".to_owned();
    /// let steps = Steps::new().add("welcome_note", |step: &mut Step<'_>| -> StepResult {
    ///     step.insert("note", &["body"])?.row([&welcome])?;
    ///     Ok(())
    /// });
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// Migrator::new(&history).steps(&steps).verification(Verification::Off).migrate(&conn)?;
    /// let body: String = conn.query_row("SELECT body FROM note", [], |r| r.get(0))?;
    /// assert_eq!(body, "Welcome!");
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn steps(mut self, steps: &'a Steps<'a>) -> Self {
        self.steps = Some(steps);
        self
    }

    /// Where this migrator's runs find Rust steps.
    /// Tells the progress callback, if any, of `event`.
    pub(crate) fn tell(&self, event: Event<'_>) {
        if let Some(progress) = self.progress {
            progress(event);
        }
    }

    pub(crate) fn lookup(&self) -> Lookup<'a> {
        Lookup {
            extra: self.steps,
            replaying: false,
        }
    }

    /// Upgrades to head and verifies: what [`migrate`] does.
    pub fn migrate(&self, conn: &Connection) -> Result<Report> {
        self.upgrade(conn, &Target::Head)
    }

    /// Applies the migrations up to `target`, in one transaction.
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] #[model(table = "note")] struct First { #[model(primary_key)] id: i64, body: String }
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, #[model(index)] body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-upgrade-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &stillroom::ModelSet::new().with::<First>().build()?, "initial", Default::default())?;
    /// # stillroom::generate(&dir, &schema, "index note body", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::{Migrator, Target};
    ///
    /// // `history` has revisions `0001_initial` and `0002_index_note_body`.
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let migrator = Migrator::new(&history).schema(&schema);
    /// // One revision (`db upgrade +1`), then up to a revision named by a prefix.
    /// assert_eq!(migrator.upgrade(&conn, &Target::Relative(1))?.ran, ["0001_initial"]);
    /// let report = migrator.upgrade(&conn, &Target::Revision("0002".into()))?;
    /// assert_eq!(report.current.as_deref(), Some("0002_index_note_body"));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn upgrade(&self, conn: &Connection, target: &Target) -> Result<Report> {
        // No summary matches a history written for another database: the
        // full path refuses it.
        if *target == Target::Head
            && let Some(report) = self.start_unchanged(
                conn,
                &self.digest(),
                self.history.head().map(|m| m.revision.as_str()),
            )?
        {
            return Ok(report);
        }
        self.upgrade_in_full(conn, target)
    }

    /// [`Migrator::upgrade`] past the startup summary: the ledger read and
    /// checked, what is pending run, the schema verified.
    fn upgrade_in_full(&self, conn: &Connection, target: &Target) -> Result<Report> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        let _span = tracing::info_span!("migrate", target = %target).entered();
        let report = match self.locked(conn, |db, fk_off| runner::upgrade(self, db, target, fk_off))
        {
            Ok(report) => report,
            Err(e @ Error::Statement(_)) => return Err(self.already_applied(conn, e)),
            Err(e) => return Err(e),
        };
        crate::dialect::sqlite::connection::accepted(conn);
        Ok(report)
    }

    /// Runs the `down` parts from the current revision back to `target`
    /// (exclusive), newest first, in one transaction.
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] #[model(table = "note")] struct First { #[model(primary_key)] id: i64, body: String }
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, #[model(index)] body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-downgrade-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &stillroom::ModelSet::new().with::<First>().build()?, "initial", Default::default())?;
    /// # stillroom::generate(&dir, &schema, "index note body", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::{Error, Migrator, Target};
    ///
    /// // `history` has revisions `0001_initial` and `0002_index_note_body`.
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let migrator = Migrator::new(&history).schema(&schema);
    /// migrator.migrate(&conn)?;
    /// let report = migrator.downgrade(&conn, &Target::Relative(-1))?; // `db downgrade -1`
    /// assert_eq!(report.ran, ["0002_index_note_body"]);
    /// assert_eq!(report.current.as_deref(), Some("0001_initial"));
    ///
    /// // Undoing the first revision drops its table and rows: refused unless allowed.
    /// let err = migrator.downgrade(&conn, &Target::Base).unwrap_err();
    /// assert!(matches!(err, Error::DowngradeLosesData { .. }));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn downgrade(&self, conn: &Connection, target: &Target) -> Result<Report> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        let _span = tracing::info_span!("downgrade", target = %target).entered();
        self.locked(conn, |db, fk_off| {
            runner::downgrade(self, db, target, fk_off)
        })
    }

    /// Records `target` as the database's revision without running anything:
    /// the ledger then lists exactly the revisions up to it (those it did
    /// not record already, as `stamped`).
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-stamp-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::{Migrator, Target};
    ///
    /// // A test database created straight from the models, then marked as at head.
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// for sql in schema.create_statements() {
    ///     conn.execute(&sql, [])?;
    /// }
    /// let migrator = Migrator::new(&history).schema(&schema);
    /// assert!(migrator.stamp(&conn, &Target::Head)?.ran.is_empty());
    ///
    /// let status = migrator.status(&conn)?;
    /// assert_eq!(status.applied[0].how, "stamped");
    /// assert_eq!(status.differences, Some(vec![]));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn stamp(&self, conn: &Connection, target: &Target) -> Result<Report> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        self.locked(conn, |db, _| runner::stamp(self, db, target))
    }

    /// Accepts the current text of an applied migration that was edited
    /// after it ran: the ledger takes the file's new checksum. For a reviewed
    /// edit (a comment, a fix that changes no schema); nothing is run.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-accept-edited-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::{Error, History, Migrator};
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// Migrator::new(&history).schema(&schema).migrate(&conn)?;
    ///
    /// // A comment is added to the applied migration, and the edit reviewed.
    /// let path = &history.migrations[0].path;
    /// std::fs::write(path, std::fs::read_to_string(path)? + "-- Notes: see ADR 12.\n")?;
    /// let edited = History::read(&dir)?;
    /// let migrator = Migrator::new(&edited).schema(&schema);
    /// assert!(matches!(migrator.migrate(&conn), Err(Error::ChecksumMismatch { .. })));
    ///
    /// migrator.accept_edited(&conn, "0001_initial")?;
    /// assert!(migrator.migrate(&conn).is_ok());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn accept_edited(&self, conn: &Connection, revision: &str) -> Result<()> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        self.locked(conn, |db, _| runner::accept_edited(self, db, revision))
    }

    /// The database's state: current revision, pending revisions, the
    /// ledger, and (at head) how the schema differs from the models. Reads
    /// only.
    ///
    /// A ledger that disagrees with the migrations is reported in
    /// [`Status::problem`], not returned as an error:
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] #[model(table = "note")] struct First { #[model(primary_key)] id: i64, body: String }
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, #[model(index)] body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-status-method-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &stillroom::ModelSet::new().with::<First>().build()?, "initial", Default::default())?;
    /// # stillroom::generate(&dir, &schema, "index note body", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::{History, Migrator};
    ///
    /// // `history` has revisions `0001_initial` and `0002_index_note_body`.
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// Migrator::new(&history).schema(&schema).migrate(&conn)?;
    ///
    /// // An older build of the application, whose migrations end at the first one:
    /// let older = History { migrations: history.migrations[..1].to_vec() };
    /// let status = Migrator::new(&older).schema(&schema).status(&conn)?;
    /// assert_eq!(status.current.as_deref(), Some("0002_index_note_body"));
    /// assert!(status.problem.is_some_and(|p| p.contains("which the migrations in")));
    /// assert!(status.pending.is_empty() && status.differences.is_none());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn status(&self, conn: &Connection) -> Result<Status> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        self.status_inner(conn).map_err(|e| e.at(conn))
    }

    fn status_inner(&self, conn: &Connection) -> Result<Status> {
        runner::status(
            self,
            &mut SqliteDb {
                conn,
                migrator: self,
            },
        )
    }

    /// Compares the live schema with the models now, ignoring any cached
    /// result; fails listing every difference the migrator's
    /// [`Verification`] does not tolerate (with [`Verification::Off`], the
    /// default policy applies), and returns the tolerated ones. A database
    /// that is simply behind (revisions pending) fails with
    /// [`Error::Behind`] rather than listing what the pending revisions
    /// would change.
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-check-schema-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::Migrator;
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let migrator = Migrator::new(&history).schema(&schema);
    /// migrator.migrate(&conn)?;
    ///
    /// // An index a DBA added is tolerated (and returned); a column is not.
    /// conn.execute_batch("CREATE INDEX ix_note_body ON note (body)")?;
    /// assert!(migrator.check_schema(&conn)?[0].is_undeclared_index());
    /// conn.execute_batch("ALTER TABLE note ADD COLUMN pinned INTEGER")?;
    /// let err = migrator.check_schema(&conn).unwrap_err();
    /// let extra = "the database has column `note.pinned`; the models do not";
    /// assert!(err.to_string().contains(extra));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn check_schema(&self, conn: &Connection) -> Result<Vec<crate::Difference>> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        self.check_schema_inner(conn).map_err(|e| e.at(conn))
    }

    fn check_schema_inner(&self, conn: &Connection) -> Result<Vec<crate::Difference>> {
        runner::check_schema(
            self,
            &mut SqliteDb {
                conn,
                migrator: self,
            },
        )
    }

    pub(crate) fn models(&self) -> Result<&'a Schema> {
        match self.schema {
            Some(schema) => Ok(schema),
            None => Ok(registry()?),
        }
    }

    /// Adopts the database behind `conn` (tables, no ledger) at the revision
    /// whose schema it has, converting it to that revision's exact schema
    /// when it differs only in declaration, and applies nothing else: the
    /// explicit form of what `migrate` does on its own (see
    /// [`Migrator::adopt_on_start`]). Review first with
    /// [`Migrator::adoption_plan`].
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-adopt-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::{Error, Migrator};
    ///
    /// // A database made before stillroom, with the first revision's table.
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")?;
    /// let migrator = Migrator::new(&history).schema(&schema).adopt_on_start(false);
    /// assert!(matches!(migrator.migrate(&conn), Err(Error::NotAdopted)));
    ///
    /// let report = migrator.adopt(&conn)?;
    /// assert_eq!(report.current.as_deref(), Some("0001_initial"));
    /// assert!(report.adopted.is_some_and(|a| a.converts())); // rebuilt as STRICT
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn adopt(&self, conn: &Connection) -> Result<Report> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        let report = self.locked(conn, |db, fk_off| runner::adopt(self, db, fk_off))?;
        crate::dialect::sqlite::connection::accepted(conn);
        Ok(report)
    }

    /// The history's digest (see [`ledger::digest`]).
    pub(crate) fn digest(&self) -> String {
        ledger::digest(
            self.history
                .migrations
                .iter()
                .map(|m| (m.revision.as_str(), m.checksum.as_str())),
        )
    }

    /// What the startup summary holds besides the schema version: the
    /// history's digest and what the schema was verified against (the
    /// models' fingerprint, which also names the policy, or `off`).
    pub(crate) fn summary(&self, digest: &str) -> String {
        let models = match (self.verification, self.schema) {
            (Verification::Off, _) => "off".to_owned(),
            (verification, Some(schema)) => fingerprint(schema, verification),
            (verification, None) => crate::model::registry::fingerprint(verification),
        };
        format!("{digest} {models}")
    }

    /// The ledger must be the history's first revisions, with the same
    /// checksums.
    pub(crate) fn check_ledger(&self, applied: &[Applied]) -> Result<()> {
        for (i, a) in applied.iter().enumerate() {
            let Some(m) = self
                .history
                .migrations
                .get(i)
                .filter(|m| m.revision == a.revision)
            else {
                // Only on a mismatch, so the no-op startup does not pay for it.
                let known: BTreeSet<&str> = self
                    .history
                    .migrations
                    .iter()
                    .map(|m| m.revision.as_str())
                    .collect();
                // Unknown revisions at the end of the ledger: a newer build
                // migrated the database. Anywhere else: files were changed.
                if applied[i..]
                    .iter()
                    .all(|later| !known.contains(later.revision.as_str()))
                {
                    let head = self.history.head();
                    return Err(Error::UnknownRevision {
                        revision: applied
                            .last()
                            .map_or_else(|| a.revision.clone(), |l| l.revision.clone()),
                        head: head.map(|m| m.revision.clone()),
                        dir: self.dir(),
                        follows_head: a.parent.as_deref() == head.map(|m| m.revision.as_str()),
                    });
                }
                let expected = self
                    .history
                    .migrations
                    .get(i)
                    .map_or("nothing", |m| m.revision.as_str());
                let what = if known.contains(a.revision.as_str()) {
                    "the revisions were reordered or re-parented after they ran"
                } else {
                    "its file was removed or renamed after it ran"
                };
                return Err(Error::LedgerMismatch {
                    message: format!(
                        "the database records revision `{}` at position {}, where the migrations have `{expected}`: {what}; restore the files as they were, or record the right revisions with `stamp`",
                        a.revision,
                        i + 1
                    ),
                });
            };
            if m.checksum != a.checksum {
                return Err(Error::ChecksumMismatch {
                    revision: a.revision.clone(),
                    path: m.path.clone(),
                    recorded: a.checksum.clone(),
                    current: m.checksum.clone(),
                });
            }
        }
        Ok(())
    }

    /// The number of revisions `target` means, from `current`.
    pub(crate) fn resolve(&self, target: &Target, current: usize) -> Result<usize> {
        let n = self.history.migrations.len();
        match target {
            Target::Head => Ok(n),
            Target::Base => Ok(0),
            Target::Revision(r) => Ok(self.position_of(r)? + 1),
            Target::Relative(k) => {
                let to = i64::try_from(current)
                    .unwrap_or(i64::MAX)
                    .saturating_add(*k);
                usize::try_from(to)
                    .ok()
                    .filter(|&t| t <= n)
                    .ok_or_else(|| Error::BadTarget {
                        message: format!(
                            "`{k:+}` from the database's revision ({}) goes {} the history, which has {n} revision{}",
                            current
                                .checked_sub(1)
                                .map_or("base".to_owned(), |i| format!("`{}`", self.history.migrations[i].revision)),
                            if *k < 0 { "back past the start of" } else { "past the head of" },
                            if n == 1 { "" } else { "s" }
                        ),
                    })
            }
        }
    }

    /// The position of `revision` (an id, or a prefix of exactly one).
    pub(crate) fn position_of(&self, revision: &str) -> Result<usize> {
        self.history.position(revision)
    }

    /// The migrations' directory, as their files name it.
    fn dir(&self) -> std::path::PathBuf {
        self.history
            .migrations
            .first()
            .and_then(|m| m.path.parent())
            .map_or_else(
                || "the migrations directory".into(),
                std::path::Path::to_owned,
            )
    }

    pub(crate) fn revisions(&self, range: std::ops::Range<usize>) -> Vec<String> {
        self.history.migrations[range]
            .iter()
            .map(|m| m.revision.clone())
            .collect()
    }
}
