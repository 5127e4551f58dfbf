//! The command line, with Alembic's verbs, for an application's own binary
//! (only it links its models).
//!
//! ```no_run
//! static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();
//!
//! fn main() -> std::process::ExitCode {
//!     let mut args = std::env::args_os().skip(1).peekable();
//!     if args.peek().is_some_and(|a| a == "db") {
//!         return stillroom::cli::Cli::new(&MIGRATIONS)
//!             .name("myapp db")
//!             .default_database("myapp.db")
//!             .run(args.skip(1));
//!     }
//!     // ... the application ...
//!     std::process::ExitCode::SUCCESS
//! }
//! ```
//!
//! Exit codes: 0 success, 1 an error (or `check`/`verify` found a
//! difference), 2 a usage error.

use std::ffi::OsString;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use rusqlite::{Connection, OpenFlags};

use crate::apply::step::Steps;
use crate::apply::{Adoption, Event, Migrator, Report, Status, Target};
use crate::autogenerate::{
    GenerateOptions, Generated, check, empty_revision, generate, step_revision,
};
use crate::history::embedded::Migrations;
use crate::history::replay::Direction;
use crate::history::{History, Migration};
use crate::schema::Schema;
use crate::verify::compare::{Against, Difference};
use crate::{Error, Result, registry};

/// Exit codes: success, and an error or a difference found (usage errors
/// exit 2).
const OK: u8 = 0;
const FAILED: u8 = 1;

/// The environment variable that names the database when `--database` does not.
///
/// ```
/// use std::process::Command;
///
/// // A deployment script runs the application's `db` commands on its database:
/// let mut upgrade = Command::new("myapp");
/// upgrade
///     .args(["db", "upgrade"])
///     .env(stillroom::cli::DATABASE_ENV, "/var/lib/myapp/app.db");
/// assert_eq!(stillroom::cli::DATABASE_ENV, "STILLROOM_DATABASE");
/// ```
pub const DATABASE_ENV: &str = "STILLROOM_DATABASE";

#[derive(Parser, Debug)]
#[command(about = "Database migrations: generate, apply, inspect")]
struct Args {
    /// The database: a SQLite file, or a postgres:// URL [default: $STILLROOM_DATABASE, else the application's default]
    #[arg(long, global = true, value_name = "PATH|URL")]
    database: Option<PathBuf>,
    /// The migrations directory [default: the one embedded at build time]
    #[arg(long, global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = Colour::Auto)]
    color: Colour,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create the next migration: generated from the models with --autogenerate, else empty to fill by hand
    Revision {
        /// What the migration does
        #[arg(short, long)]
        message: String,
        /// Generate the SQL from the differences between the models and the migrations
        #[arg(long)]
        autogenerate: bool,
        /// Allow every drop and other change that loses data (listed in the file's header)
        #[arg(long)]
        allow_data_loss: bool,
        /// Allow only the losses in this table, or this column (TABLE.COLUMN); repeat for more
        #[arg(long, value_name = "TABLE[.COLUMN]")]
        allow_loss_of: Vec<String>,
        /// Run a Rust step (a function registered with `#[stillroom::step]`) after the up part's SQL; prints the function to add
        #[arg(long, value_name = "NAME")]
        rust: Option<String>,
    },
    /// Apply migrations up to TARGET: a revision, `head` (default) or `+N`
    Upgrade {
        /// Where to stop
        #[arg(allow_negative_numbers = true)]
        target: Option<String>,
        /// Print the SQL instead of running it; no database is used
        #[arg(long)]
        sql: bool,
        /// With --sql: the revision to start from [default: base]
        #[arg(long, requires = "sql")]
        from: Option<String>,
    },
    /// Revert migrations down to TARGET: a revision, `base` or `-N`
    Downgrade {
        /// Where to stop (that revision stays applied)
        #[arg(allow_negative_numbers = true)]
        target: String,
        /// Run down parts that lose or change data (listed in their files' `down-data-loss` lines)
        #[arg(long)]
        allow_data_loss: bool,
        /// Print the SQL instead of running it; no database is used
        #[arg(long)]
        sql: bool,
        /// With --sql: the revision to start from [default: head]
        #[arg(long, requires = "sql")]
        from: Option<String>,
    },
    /// Show the database's revision
    Current,
    /// List the revisions, oldest first, marking those applied to the database
    History,
    /// Show the last revision of the migrations directory (two after a merge)
    Heads,
    /// Put a history with two heads into one line: one branch's revisions renumbered and re-parented after the other's
    Merge {
        /// The branch that stays first (a revision of it) [default: the branch whose first revision sorts first]
        #[arg(long, value_name = "REVISION")]
        first: Option<String>,
        /// If the merged history does not produce the models' schema, generate the migration that does
        #[arg(long)]
        autogenerate: bool,
    },
    /// Fold a run of revisions into one (from the first revision: its up part creates the schema directly)
    Squash {
        /// The last revision folded in (its name is kept)
        #[arg(long, value_name = "REVISION")]
        to: String,
        /// The first revision folded in [default: the first revision]
        #[arg(long, value_name = "REVISION")]
        from: Option<String>,
    },
    /// Print a revision's migration file
    Show {
        /// The revision (or the start of its id)
        revision: String,
    },
    /// Adopt a database made before stillroom at the revision whose schema it has, converting it to that revision's exact schema
    Adopt {
        /// Print the adoption as an SQL script for review instead (the database is only read)
        #[arg(long)]
        sql: bool,
    },
    /// Write `#[derive(Model)]` source for every table of the database (reads it only)
    Inspect {
        /// Write the source to FILE instead of standard output
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Record TARGET as the database's revision without running anything
    Stamp {
        /// A revision, `head` or `base`
        target: String,
    },
    /// Fail when a model changed and no migration was generated (the CI gate)
    Check,
    /// Compare the live database with the models, listing every difference
    Verify,
    /// Accept the edited text of an applied migration after review
    AcceptEdited {
        /// The edited revision
        revision: String,
    },
}

/// The command line of an application: its embedded migrations, models and
/// default database.
///
/// The application's `main` is in the [module's example](self); here, a test
/// that runs commands through it:
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-cli-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// use std::process::ExitCode;
/// use stillroom::cli::Cli;
///
/// static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();
///
/// let db = dir.join("app.db");
/// let cli = || Cli::new(&MIGRATIONS).schema(&schema).default_database(&db);
/// let migrations = dir.to_str().unwrap();
/// assert_eq!(cli().run(["--dir", migrations, "upgrade"]), ExitCode::SUCCESS);
/// assert_eq!(cli().run(["--dir", migrations, "verify"]), ExitCode::SUCCESS);
/// assert_eq!(cli().run(["upgarde"]), ExitCode::from(2)); // a usage error
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
pub struct Cli<'a> {
    migrations: &'a Migrations,
    schema: Option<&'a Schema>,
    name: Option<String>,
    version: Option<String>,
    default_database: Option<PathBuf>,
    steps: Option<&'a Steps<'a>>,
}

impl<'a> Cli<'a> {
    /// A command line over `migrations`, with the global registry's models.
    pub fn new(migrations: &'a Migrations) -> Self {
        Self {
            migrations,
            schema: None,
            name: None,
            version: None,
            default_database: None,
            steps: None,
        }
    }

    /// Rust steps beside those registered with `#[stillroom::step]` (see
    /// [`Migrator::steps`]), for `upgrade` and `downgrade`.
    #[must_use]
    pub fn steps(mut self, steps: &'a Steps<'a>) -> Self {
        self.steps = Some(steps);
        self
    }

    /// The program name shown in help (`myapp db`; by default the program's
    /// file name followed by ` db`).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The version `--version` prints (the application's, usually
    /// `env!("CARGO_PKG_VERSION")`); stillroom's own is printed beside it.
    #[must_use]
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// The database used when neither `--database` nor `STILLROOM_DATABASE`
    /// names one.
    #[must_use]
    pub fn default_database(mut self, path: impl Into<PathBuf>) -> Self {
        self.default_database = Some(path.into());
        self
    }

    /// Other models than the registry's.
    #[must_use]
    pub fn schema(mut self, schema: &'a Schema) -> Self {
        self.schema = Some(schema);
        self
    }

    /// Runs the migration commands when the program was started as
    /// `<program> db <command> ...`, then exits the process with the
    /// command's exit code; otherwise returns at once and the program goes
    /// on. One call at the top of `main` puts the commands in the
    /// application's own binary, which is the one that links its models:
    ///
    /// ```no_run
    /// static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();
    ///
    /// fn main() -> stillroom::Result<()> {
    ///     // `cargo run -- db revision --autogenerate -m "..."`, `... db history`, ...
    ///     stillroom::cli::Cli::new(&MIGRATIONS).default_database("app.db").dispatch();
    ///     let conn = stillroom::open("app.db")?;
    ///     stillroom::migrate(&conn)?;
    ///     Ok(())
    /// }
    /// ```
    pub fn dispatch(self) {
        let mut args = std::env::args_os();
        let program = args
            .next()
            .map(PathBuf::from)
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "app".to_owned());
        let mut rest = args.peekable();
        if rest.peek().is_none_or(|first| first != "db") {
            return;
        }
        let name = self.name.clone().unwrap_or(format!("{program} db"));
        let code = self.name(name).run_code(rest.skip(1));
        std::process::exit(i32::from(code));
    }

    /// Parses `args` (without the program name) and runs the command.
    pub fn run<I, T>(self, args: I) -> ExitCode
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        ExitCode::from(self.run_code(args))
    }

    /// `run`, with the exit code as a number: 0 success, 1 an error (or a
    /// difference found), 2 a usage error.
    fn run_code<I, T>(self, args: I) -> u8
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let name = self.name.clone().unwrap_or_else(|| "db".to_owned());
        let argv =
            std::iter::once(OsString::from(name.clone())).chain(args.into_iter().map(Into::into));
        let version = match &self.version {
            Some(v) => format!("{v} (stillroom {})", env!("CARGO_PKG_VERSION")),
            None => format!("(stillroom {})", env!("CARGO_PKG_VERSION")),
        };
        // clap keeps these as `&'static str`; this runs once a process.
        let version: &'static str = Box::leak(version.into_boxed_str());
        let shown: &'static str = Box::leak(name.clone().into_boxed_str());
        let command = <Args as clap::CommandFactory>::command()
            .name(shown)
            .bin_name(name)
            .version(version);
        let matches = match command.try_get_matches_from(argv) {
            Ok(matches) => matches,
            // --help, --version and usage errors: clap prints them; usage
            // errors exit 2.
            Err(e) => {
                let _ = e.print();
                return if e.use_stderr() { 2 } else { 0 };
            }
        };
        let args = match <Args as clap::FromArgMatches>::from_arg_matches(&matches) {
            Ok(args) => args,
            Err(e) => {
                let _ = e.print();
                return 2;
            }
        };
        let out = Output::new(args.color);
        match self.execute(args, &out) {
            Ok(code) => code,
            Err(e) => {
                anstream::eprintln!("{}: {e}", out.red("error"));
                1
            }
        }
    }

    fn execute(&self, args: Args, out: &Output) -> Result<u8> {
        let dir = args
            .dir
            .clone()
            .unwrap_or_else(|| self.migrations.dir().to_owned());
        let db = args.database.as_deref();
        // What works on a history with two heads, or rewrites the directory.
        match &args.command {
            // A PostgreSQL history is tried on the server.
            Command::Merge { .. } | Command::Squash { .. }
                if self.team_on_postgres(&dir, db)? =>
            {
                return self.team_postgres(&args.command, &dir, db, out);
            }
            Command::Merge {
                first,
                autogenerate,
            } => {
                return self.merge(&dir, first.as_deref(), *autogenerate, out);
            }
            Command::Squash { to, from } => {
                return print_squashed(
                    &crate::history::team::squash(&dir, to, from.as_deref())?,
                    out,
                );
            }
            Command::Heads | Command::History | Command::Current | Command::Show { .. } => {
                let raw = match &args.dir {
                    Some(dir) => Migration::read_dir(dir)?,
                    None => self.migrations.unordered()?,
                };
                let view = crate::history::team::lines(raw, &dir)?;
                if view.branches.len() > 1 || matches!(args.command, Command::Heads) {
                    return self.forked(&args.command, &view, db, out);
                }
            }
            _ => {}
        }
        let owned;
        let history: &History = match &args.dir {
            Some(dir) => {
                owned = History::read(dir)?;
                &owned
            }
            None => self.migrations.history()?,
        };
        let url = self.postgres_url(db);
        if history.dialect() == crate::Dialect::Postgres || url.is_some() {
            return self.execute_postgres(args.command, history, &dir, url, out);
        }
        let terminal = std::io::stderr().is_terminal();
        let progress = |event: Event<'_>| {
            if terminal {
                show_progress(event, out);
            }
        };
        let migrator = Migrator::new(history).progress(&progress);
        let migrator = match self.schema {
            Some(schema) => migrator.schema(schema),
            None => migrator,
        };
        let migrator = match self.steps {
            Some(steps) => migrator.steps(steps),
            None => migrator,
        };
        let session = Session {
            cli: self,
            migrator,
            history,
            dir: &dir,
            out,
        };
        match args.command {
            Command::Revision {
                message,
                autogenerate,
                allow_data_loss,
                allow_loss_of,
                rust,
            } => {
                let options = GenerateOptions {
                    allow_data_loss,
                    allow_loss_of,
                    rust_step: rust,
                };
                if autogenerate {
                    session.note_skipped_steps();
                }
                self.revision(&dir, &message, autogenerate, options, out)
            }
            Command::Upgrade { target, sql, from } => session.upgrade(
                db,
                &parse_target(target.as_deref().unwrap_or("head")),
                sql,
                from.as_deref(),
            ),
            Command::Downgrade {
                target,
                sql,
                from,
                allow_data_loss,
            } => Session {
                migrator: session.migrator.allow_data_loss(allow_data_loss),
                ..session
            }
            .downgrade(db, &parse_target(&target), sql, from),
            Command::Current => session.current(db),
            Command::History => session.history(db),
            Command::Heads | Command::Merge { .. } | Command::Squash { .. } => Ok(OK),
            Command::Show { revision } => show(history, &revision),
            Command::Adopt { sql } => session.adopt(db, sql),
            Command::Inspect { output } => session.inspect(db, output.as_deref()),
            Command::Stamp { target } => session.stamp(db, &parse_target(&target)),
            Command::Check => {
                session.note_skipped_steps();
                session.check()
            }
            Command::Verify => session.verify(db),
            Command::AcceptEdited { revision } => {
                let conn = self.open(db, false)?;
                migrator.accept_edited(&conn, &revision)?;
                anstream::println!("accepted the current text of {revision}");
                Ok(OK)
            }
        }
    }

    /// `heads`, and `history`, `current`, `show` on a history with two
    /// heads: the lines, and what to do.
    fn forked(
        &self,
        command: &Command,
        view: &crate::history::team::Lines,
        db: Option<&Path>,
        out: &Output,
    ) -> Result<u8> {
        let heads = view.heads();
        match command {
            Command::Show { revision } => {
                let all = view.trunk.iter().chain(view.branches.iter().flatten());
                let m = all
                    .clone()
                    .find(|m| m.revision == *revision)
                    .or_else(|| {
                        let mut prefixed =
                            all.filter(|m| m.revision.starts_with(revision.as_str()));
                        prefixed.next().filter(|_| prefixed.next().is_none())
                    })
                    .ok_or_else(|| Error::BadTarget {
                        message: format!("no revision `{revision}` in the migrations"),
                    })?;
                anstream::print!("{}", m.text);
                return Ok(OK);
            }
            Command::Heads => {
                for head in &heads {
                    anstream::println!("{}  {}", head.revision, head.message);
                }
            }
            Command::Current => {
                let applied = match self.database_path(db) {
                    Some(path) if path.exists() => {
                        crate::dialect::sqlite::ledger::read(&self.open(Some(&path), false)?)?
                    }
                    _ => Vec::new(),
                };
                anstream::println!(
                    "{}",
                    applied
                        .last()
                        .map_or("base (no revision applied)", |a| a.revision.as_str())
                );
            }
            _ => {
                let applied = match self.database_path(db) {
                    Some(path) if path.exists() => {
                        crate::dialect::sqlite::ledger::read(&self.open(Some(&path), false)?)?
                    }
                    _ => Vec::new(),
                };
                let line = |m: &Migration, indent: &str| {
                    let state = applied
                        .iter()
                        .find(|a| a.revision == m.revision)
                        .map_or_else(String::new, |a| format!("  [{} {}]", a.how, a.applied_at));
                    let head = if heads.iter().any(|h| h.revision == m.revision) {
                        format!("  {}", out.green("(head)"))
                    } else {
                        String::new()
                    };
                    anstream::println!(
                        "{indent}{}  {}{}{head}{state}",
                        m.revision,
                        m.message,
                        steps_mark(m)
                    );
                };
                for m in &view.trunk {
                    line(m, "");
                }
                for (n, branch) in view.branches.iter().enumerate() {
                    anstream::println!("{}", out.dim(&format!("branch {}:", n + 1)));
                    for m in branch {
                        line(m, "  ");
                    }
                }
            }
        }
        if heads.len() > 1 {
            anstream::eprintln!(
                "{}: {}; `db merge` puts one line after the other (renumbering and re-parenting the second branch's files), then check and commit the result",
                out.red(&format!("{} heads", heads.len())),
                heads
                    .iter()
                    .map(|h| format!("`{}`", h.revision))
                    .collect::<Vec<_>>()
                    .join(" and ")
            );
            return Ok(if matches!(command, Command::Heads) {
                FAILED
            } else {
                OK
            });
        }
        Ok(OK)
    }

    /// `db merge`: one line, checked against the models, and what changed.
    fn merge(
        &self,
        dir: &Path,
        first: Option<&str>,
        autogenerate: bool,
        out: &Output,
    ) -> Result<u8> {
        let models = self.models()?;
        let merged = crate::history::team::merge(
            dir,
            crate::history::team::MergeOptions {
                first,
                schema: Some(models),
            },
        )?;
        if print_merged(&merged, autogenerate, out) {
            return Ok(OK);
        }
        if autogenerate {
            return self.revision(dir, "merge", true, GenerateOptions::default(), out);
        }
        Ok(FAILED)
    }

    /// Whether `merge` and `squash` work on a PostgreSQL history: the
    /// database given is a server, or the files say `-- dialect: postgres`.
    fn team_on_postgres(&self, dir: &Path, db: Option<&Path>) -> Result<bool> {
        Ok(self.postgres_url(db).is_some()
            || Migration::read_dir(dir)?
                .first()
                .is_some_and(|m| m.dialect == crate::Dialect::Postgres))
    }

    /// `merge` and `squash` on a PostgreSQL history, tried on the server.
    #[cfg(feature = "postgres")]
    fn team_postgres(
        &self,
        command: &Command,
        dir: &Path,
        db: Option<&Path>,
        out: &Output,
    ) -> Result<u8> {
        use crate::dialect::postgres as pg;
        let url = self.postgres_url(db).ok_or_else(|| no_server(dir))?;
        let mut client = pg::connect(&url)?;
        match command {
            Command::Merge {
                first,
                autogenerate,
            } => {
                let models = self.models()?;
                let options = crate::history::team::MergeOptions {
                    first: first.as_deref(),
                    schema: Some(models),
                };
                let merged = pg::merge(&mut client, dir, options)?;
                if print_merged(&merged, *autogenerate, out) {
                    return Ok(OK);
                }
                if *autogenerate {
                    let generated = pg::generate(
                        &mut client,
                        dir,
                        models,
                        "merge",
                        GenerateOptions::default(),
                    )?;
                    return print_generated(
                        generated,
                        dir,
                        "merge",
                        None,
                        crate::Dialect::Postgres,
                        out,
                    );
                }
                Ok(FAILED)
            }
            Command::Squash { to, from } => {
                print_squashed(&pg::squash(&mut client, dir, to, from.as_deref())?, out)
            }
            _ => Ok(OK),
        }
    }

    /// Without the `postgres` feature: says how to get it.
    #[cfg(not(feature = "postgres"))]
    fn team_postgres(&self, _: &Command, dir: &Path, db: Option<&Path>, _: &Output) -> Result<u8> {
        Err(without_postgres(dir, self.postgres_url(db).is_none()))
    }

    fn revision(
        &self,
        dir: &Path,
        message: &str,
        autogenerate: bool,
        options: GenerateOptions,
        out: &Output,
    ) -> Result<u8> {
        let step = options.rust_step.clone();
        if !autogenerate {
            match &step {
                Some(step) => {
                    let path = step_revision(dir, message, step)?;
                    anstream::println!(
                        "wrote {} (its up part runs the Rust step `{step}`; SQL may go before or after the `-- rust:` line)",
                        path.display()
                    );
                    print_step_skeleton(step, crate::Dialect::Sqlite);
                }
                None => {
                    let path = empty_revision(dir, message)?;
                    anstream::println!(
                        "wrote {} (empty: fill in its up and down parts)",
                        path.display()
                    );
                }
            }
            return Ok(OK);
        }
        let generated = generate(dir, self.models()?, message, options)?;
        print_generated(
            generated,
            dir,
            message,
            step.as_deref(),
            crate::Dialect::Sqlite,
            out,
        )
    }

    fn models(&self) -> Result<&'a Schema> {
        match self.schema {
            Some(schema) => Ok(schema),
            None => Ok(registry()?),
        }
    }

    fn database_path(&self, flag: Option<&Path>) -> Option<PathBuf> {
        flag.map(Path::to_owned)
            .or_else(|| {
                std::env::var_os(DATABASE_ENV)
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .or_else(|| self.default_database.clone())
    }

    /// The database as a PostgreSQL server's URL (`postgres://` or
    /// `postgresql://`), when it is one.
    fn postgres_url(&self, flag: Option<&Path>) -> Option<String> {
        let path = self.database_path(flag)?;
        let text = path.to_str()?;
        (text.starts_with("postgres://") || text.starts_with("postgresql://"))
            .then(|| text.to_owned())
    }

    /// The commands on a PostgreSQL history or server.
    #[cfg(feature = "postgres")]
    fn execute_postgres(
        &self,
        command: Command,
        history: &History,
        dir: &Path,
        url: Option<String>,
        out: &Output,
    ) -> Result<u8> {
        use crate::dialect::postgres as pg;
        if url.is_some() {
            history.expect_dialect(crate::Dialect::Postgres)?;
        }
        let connect =
            || -> Result<pg::Client> { pg::connect(url.as_deref().ok_or_else(|| no_server(dir))?) };
        let terminal = std::io::stderr().is_terminal();
        let progress = |event: Event<'_>| {
            if terminal {
                show_progress(event, out);
            }
        };
        let migrator = pg::Migrator::new(history).progress(&progress);
        let migrator = match self.schema {
            Some(schema) => migrator.schema(schema),
            None => migrator,
        };
        match command {
            Command::Revision {
                message,
                autogenerate,
                allow_data_loss,
                allow_loss_of,
                rust,
            } => {
                if let (false, Some(step)) = (autogenerate, &rust) {
                    let path = crate::autogenerate::step_revision_for(
                        dir,
                        &message,
                        step,
                        Some(crate::Dialect::Postgres),
                    )?;
                    anstream::println!(
                        "wrote {} (its up part runs the Rust step `{step}`; SQL may go before or after the `-- rust:` line)",
                        path.display()
                    );
                    print_step_skeleton(step, crate::Dialect::Postgres);
                    return Ok(OK);
                }
                if !autogenerate {
                    let path = crate::autogenerate::empty_revision_in(
                        dir,
                        &message,
                        crate::Dialect::Postgres,
                    )?;
                    anstream::println!(
                        "wrote {} (empty: fill in its up and down parts)",
                        path.display()
                    );
                    return Ok(OK);
                }
                let options = GenerateOptions {
                    allow_data_loss,
                    allow_loss_of,
                    rust_step: rust.clone(),
                };
                let generated =
                    pg::generate(&mut connect()?, dir, self.models()?, &message, options)?;
                print_generated(
                    generated,
                    dir,
                    &message,
                    rust.as_deref(),
                    crate::Dialect::Postgres,
                    out,
                )
            }
            Command::Upgrade { target, sql, from } => {
                let target = parse_target(target.as_deref().unwrap_or("head"));
                if sql {
                    anstream::print!("{}", migrator.sql(from.as_deref(), &target)?);
                } else {
                    report_run(&migrator.upgrade(&mut connect()?, &target)?, "applied", out);
                }
                Ok(OK)
            }
            Command::Downgrade {
                target,
                allow_data_loss,
                sql,
                from,
            } => {
                let target = parse_target(&target);
                let migrator = migrator.allow_data_loss(allow_data_loss);
                if sql {
                    let from = from.or_else(|| history.head().map(|m| m.revision.clone()));
                    anstream::print!("{}", migrator.sql(from.as_deref(), &target)?);
                } else {
                    report_run(
                        &migrator.downgrade(&mut connect()?, &target)?,
                        "reverted",
                        out,
                    );
                }
                Ok(OK)
            }
            Command::Current => {
                print_current(&migrator.status(&mut connect()?)?, out);
                Ok(OK)
            }
            Command::History => {
                let status = match url {
                    Some(_) => Some(migrator.status(&mut connect()?)?),
                    None => None,
                };
                let no_database = format!(
                    "(no server given: `--database postgres://...` or {DATABASE_ENV} shows what is applied)"
                );
                print_history(history, status.as_ref(), &no_database, out);
                Ok(OK)
            }
            Command::Show { revision } => show(history, &revision),
            Command::Stamp { target } => {
                let report = migrator.stamp(&mut connect()?, &parse_target(&target))?;
                anstream::println!("stamped {}", report.current.as_deref().unwrap_or("base"));
                Ok(OK)
            }
            Command::Check => {
                print_check(pg::check(&mut connect()?, dir, self.models()?), dir, out)
            }
            Command::Verify => print_verify(migrator.check_schema(&mut connect()?), out),
            Command::Adopt { sql: true } => {
                let plan = migrator.adoption_plan(&mut connect()?)?;
                anstream::println!(
                    "-- Adopting this database at revision {} records the first {} revision{} as applied.",
                    plan.revision,
                    plan.position,
                    if plan.position == 1 { "" } else { "s" }
                );
                if plan.converts() {
                    anstream::println!(
                        "-- First, its tables are converted to that revision's schema:"
                    );
                    anstream::print!("{}", plan.sql);
                } else {
                    anstream::println!(
                        "-- Its schema is that revision's exactly: nothing is converted."
                    );
                }
                anstream::println!("-- Run `db adopt` to do it (in one transaction).");
                Ok(OK)
            }
            Command::Adopt { sql: false } => {
                let report = migrator.adopt(&mut connect()?)?;
                if let Some(adoption) = &report.adopted {
                    report_adoption(adoption, out);
                }
                Ok(OK)
            }
            Command::Inspect { output } => {
                write_inspected(&pg::inspect(&mut connect()?)?, output.as_deref())
            }
            Command::AcceptEdited { revision } => {
                migrator.accept_edited(&mut connect()?, &revision)?;
                anstream::println!("accepted the current text of {revision}");
                Ok(OK)
            }
            Command::Heads | Command::Merge { .. } | Command::Squash { .. } => Ok(OK),
        }
    }

    /// Without the `postgres` feature: says how to get it.
    #[cfg(not(feature = "postgres"))]
    fn execute_postgres(
        &self,
        _: Command,
        history: &History,
        dir: &Path,
        _: Option<String>,
        _: &Output,
    ) -> Result<u8> {
        Err(without_postgres(
            dir,
            history.dialect() == crate::Dialect::Postgres,
        ))
    }

    /// Opens an existing database for reading only.
    fn open_read_only(&self, flag: Option<&Path>) -> Result<Connection> {
        let path = self.existing(flag)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Connection::open_with_flags(&path, flags).map_err(|source| Error::Database {
            path: path.clone(),
            source,
        })
    }

    /// The database's path, which must exist.
    fn existing(&self, flag: Option<&Path>) -> Result<PathBuf> {
        let path = self.database_path(flag).ok_or_else(|| Error::BadTarget {
            message: format!("no database given: use --database PATH or set {DATABASE_ENV}"),
        })?;
        if path.exists() {
            Ok(path)
        } else {
            Err(Error::BadTarget {
                message: format!(
                    "no database at {} (nothing has migrated it yet)",
                    path.display()
                ),
            })
        }
    }

    /// Opens the database; `create` for the commands that may start one.
    fn open(&self, flag: Option<&Path>, create: bool) -> Result<Connection> {
        let path = self.database_path(flag).ok_or_else(|| Error::BadTarget {
            message: format!("no database given: use --database PATH or set {DATABASE_ENV}"),
        })?;
        if !create && !path.exists() {
            return Err(Error::BadTarget {
                message: format!(
                    "no database at {} (nothing has migrated it yet)",
                    path.display()
                ),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let flags = if create {
            flags | OpenFlags::SQLITE_OPEN_CREATE
        } else {
            flags
        };
        let conn = Connection::open_with_flags(&path, flags).map_err(|source| Error::Database {
            path: path.clone(),
            source,
        })?;
        crate::configure(&conn)?;
        Ok(conn)
    }
}

/// What every command works with.
struct Session<'s, 'a> {
    cli: &'s Cli<'a>,
    migrator: Migrator<'s>,
    history: &'s History,
    dir: &'s Path,
    out: &'s Output,
}

impl Session<'_, '_> {
    /// Says which Rust steps the replay (of `generate`, `check`) skips
    /// because this program does not register them.
    fn note_skipped_steps(&self) {
        for step in crate::apply::step::unregistered(self.history, self.cli.steps) {
            anstream::println!(
                "{}: the replay skips the Rust step {step}, which this program does not register, assuming it changes no schema",
                self.out.dim("note")
            );
        }
    }

    fn upgrade(
        &self,
        db: Option<&Path>,
        target: &Target,
        sql: bool,
        from: Option<&str>,
    ) -> Result<u8> {
        if sql {
            anstream::print!("{}", self.migrator.sql(from, target)?);
            return Ok(OK);
        }
        if let Target::Revision(revision) = target {
            find(self.history, revision)?; // before the database file is created
        }
        let path = self.cli.database_path(db);
        let new = path.as_ref().is_some_and(|p| !p.exists());
        let conn = self.cli.open(db, true)?;
        let report = match self.migrator.upgrade(&conn, target) {
            Ok(report) => report,
            Err(e) => {
                // A database this command created and could not migrate is
                // removed: a failed first upgrade leaves no file behind.
                drop(conn);
                if let (true, Some(path)) = (new, &path) {
                    remove_database(path);
                }
                return Err(e);
            }
        };
        report_run(&report, "applied", self.out);
        Ok(OK)
    }

    fn downgrade(
        &self,
        db: Option<&Path>,
        target: &Target,
        sql: bool,
        from: Option<String>,
    ) -> Result<u8> {
        if sql {
            let from = from.or_else(|| self.history.head().map(|m| m.revision.clone()));
            anstream::print!("{}", self.migrator.sql(from.as_deref(), target)?);
            return Ok(OK);
        }
        let conn = self.cli.open(db, false)?;
        let report = self.migrator.downgrade(&conn, target)?;
        report_run(&report, "reverted", self.out);
        Ok(OK)
    }

    fn current(&self, db: Option<&Path>) -> Result<u8> {
        print_current(&self.migrator.status(&self.cli.open(db, false)?)?, self.out);
        Ok(OK)
    }

    fn history(&self, db: Option<&Path>) -> Result<u8> {
        let path = self.cli.database_path(db);
        let status = match &path {
            Some(path) if path.exists() => {
                Some(self.migrator.status(&self.cli.open(Some(path), false)?)?)
            }
            _ => None,
        };
        let no_database = match &path {
            Some(path) => format!(
                "(no database at {}: nothing is applied yet; `upgrade` or the application's start creates it)",
                path.display()
            ),
            None => format!(
                "(no database given: `--database PATH` or {DATABASE_ENV} shows what is applied)"
            ),
        };
        print_history(self.history, status.as_ref(), &no_database, self.out);
        Ok(OK)
    }

    fn adopt(&self, db: Option<&Path>, sql: bool) -> Result<u8> {
        let conn = self.cli.open(db, false)?;
        if sql {
            anstream::print!("{}", self.migrator.adoption_sql(&conn)?);
        } else {
            let report = self.migrator.adopt(&conn)?;
            if let Some(adoption) = &report.adopted {
                report_adoption(adoption, self.out);
            }
        }
        Ok(OK)
    }

    fn inspect(&self, db: Option<&Path>, output: Option<&Path>) -> Result<u8> {
        write_inspected(&crate::inspect(&self.cli.open_read_only(db)?)?, output)
    }

    fn stamp(&self, db: Option<&Path>, target: &Target) -> Result<u8> {
        if let Target::Revision(revision) = target {
            find(self.history, revision)?; // before the database file is created
        }
        let report = self.migrator.stamp(&self.cli.open(db, true)?, target)?;
        anstream::println!("stamped {}", report.current.as_deref().unwrap_or("base"));
        Ok(OK)
    }

    fn check(&self) -> Result<u8> {
        print_check(check(self.dir, self.cli.models()?), self.dir, self.out)
    }

    fn verify(&self, db: Option<&Path>) -> Result<u8> {
        print_verify(
            self.migrator.check_schema(&self.cli.open(db, false)?),
            self.out,
        )
    }
}

/// What `revision --autogenerate` wrote (or that nothing changed).
fn print_generated(
    generated: Generated,
    dir: &Path,
    message: &str,
    step: Option<&str>,
    dialect: crate::Dialect,
    out: &Output,
) -> Result<u8> {
    match generated {
        Generated::NothingToDo => match step {
            Some(step) => {
                let path =
                    crate::autogenerate::step_revision_for(dir, message, step, Some(dialect))?;
                anstream::println!(
                    "the models have not changed: wrote {}, whose up part is the Rust step `{step}`",
                    path.display()
                );
                print_step_skeleton(step, dialect);
            }
            None => {
                anstream::println!("nothing to do: the migrations already match the models")
            }
        },
        Generated::Written {
            path,
            migration,
            ops,
        } => {
            anstream::println!("wrote {}", path.display());
            for op in &ops {
                anstream::println!("  {op}");
            }
            for loss in &migration.data_loss {
                anstream::println!("  {}: {loss}", out.red("data loss"));
            }
            if let Some(step) = step {
                anstream::println!("  then the Rust step `{step}`");
                if !migration.data_loss.is_empty() {
                    anstream::println!(
                        "{}: the step runs after the statements above, which lose data; a step that reads what they drop must run before them: move its `-- rust:` line up, or keep the old field in the models for this revision and remove it in the next",
                        out.red("note")
                    );
                }
                print_step_skeleton(step, dialect);
            }
        }
    }
    Ok(OK)
}

/// `check`'s outcome: 0 when the migrations match the models, 1 (with
/// every difference) when a model changed without a migration.
fn print_check(result: Result<()>, dir: &Path, out: &Output) -> Result<u8> {
    match result {
        Ok(()) => {
            anstream::println!("the migrations in {} match the models", dir.display());
            Ok(OK)
        }
        Err(e @ Error::ModelsChanged { .. }) => {
            anstream::eprintln!("{}: {e}", out.red("check failed"));
            Ok(FAILED)
        }
        Err(e) => Err(e),
    }
}

/// `verify`'s outcome: 0 when the database matches the models (listing
/// what was tolerated), 1 with every difference otherwise.
fn print_verify(result: Result<Vec<Difference>>, out: &Output) -> Result<u8> {
    match result {
        Ok(tolerated) => {
            anstream::println!("the database matches the models");
            for difference in &tolerated {
                anstream::println!(
                    "  {}: {}",
                    out.dim("tolerated"),
                    difference.describe(&Against::Models)
                );
            }
            Ok(OK)
        }
        Err(e @ Error::SchemaMismatch { .. }) => {
            anstream::eprintln!("{}: {e}", out.red("verify failed"));
            Ok(FAILED)
        }
        Err(e) => Err(e),
    }
}

/// `current`: the database's revision, what is pending, and any problem.
fn print_current(status: &Status, out: &Output) {
    let current = status
        .current
        .as_deref()
        .unwrap_or("base (no revision applied)");
    let at_head = status.current.is_some() && status.current == status.head;
    anstream::println!("{current}{}", if at_head { " (head)" } else { "" });
    if !status.pending.is_empty() {
        anstream::println!(
            "{} pending: {}",
            status.pending.len(),
            status.pending.join(", ")
        );
    }
    if let Some(problem) = &status.problem {
        anstream::println!("{}: {problem}", out.red("problem"));
    }
    for difference in status.differences.iter().flatten() {
        anstream::println!(
            "{}: {}",
            out.red("differs from the models"),
            difference.describe(&Against::Models)
        );
    }
}

/// `history`: every revision, marked head and current, with what the
/// database applied when there is one (`status`), else `no_database`.
fn print_history(history: &History, status: Option<&Status>, no_database: &str, out: &Output) {
    let head = history.head().map(|m| m.revision.as_str());
    let current = status.and_then(|s| s.current.as_deref());
    for m in &history.migrations {
        let mut line = format!("{}  {}{}", m.revision, m.message, steps_mark(m));
        for (mark, at) in [("head", head), ("current", current)] {
            if at == Some(m.revision.as_str()) {
                line.push_str(&format!("  {}", out.green(&format!("({mark})"))));
            }
        }
        if let Some(status) = status {
            let state = status
                .applied
                .iter()
                .find(|a| a.revision == m.revision)
                .map_or_else(
                    || out.dim("pending").to_string(),
                    |a| format!("{} {}", a.how, a.applied_at),
                );
            line.push_str(&format!("  [{state}]"));
        }
        anstream::println!("{line}");
    }
    if status.is_none() {
        anstream::println!("{}", out.dim(no_database));
    }
}

/// `show`: the revision's file as it is on disk (its text as parsed when
/// the file is not there, as for embedded migrations).
fn show(history: &History, revision: &str) -> Result<u8> {
    let m = find(history, revision)?;
    match std::fs::read_to_string(&m.path) {
        Ok(text) => anstream::print!("{text}"),
        Err(_) => anstream::print!("{}", m.to_text()),
    }
    Ok(OK)
}

fn parse_target(text: &str) -> Target {
    match text.parse() {
        Ok(target) => target,
        Err(never) => match never {},
    }
}

fn find<'h>(history: &'h History, revision: &str) -> Result<&'h Migration> {
    Ok(&history.migrations[history.position(revision)?])
}

/// Progress on a terminal: each part with its time, and each table rebuild
/// that took a second or more.
fn show_progress(event: Event<'_>, out: &Output) {
    match event {
        Event::Starting {
            migration,
            direction,
        } => {
            let verb = if direction == Direction::Up {
                "applying"
            } else {
                "reverting"
            };
            anstream::eprintln!("{} {} ...", out.dim(verb), migration.revision);
        }
        Event::Waiting { waited } if waited.as_secs().is_multiple_of(5) => {
            anstream::eprintln!(
                "{} for another process to finish migrating: {} s",
                out.dim("waiting"),
                waited.as_secs()
            );
        }
        Event::Rebuilt {
            table,
            elapsed,
            rows,
            ..
        } if elapsed >= Duration::from_secs(1) => {
            anstream::eprintln!(
                "  rebuilt table `{table}` ({rows} rows) in {}",
                seconds(elapsed)
            );
        }
        Event::Finished { elapsed, .. } => anstream::eprintln!("  done in {}", seconds(elapsed)),
        _ => {}
    }
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.0} s")
    }
}

/// `db squash`: folds the revisions, and says what it did.
/// Removes a database file and its WAL and shared-memory files.
fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(name);
    }
}

/// `  (rust: a, b)` after a revision that runs Rust steps (`down: c` for
/// those of its down part), else nothing.
fn steps_mark(m: &Migration) -> String {
    let names = |d| {
        m.rust_steps(d)
            .iter()
            .map(|s| s.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (names(Direction::Up), names(Direction::Down)) {
        (up, down) if up.is_empty() && down.is_empty() => String::new(),
        (up, down) if down.is_empty() => format!("  (rust: {up})"),
        (up, down) if up.is_empty() => format!("  (rust, down: {down})"),
        (up, down) => format!("  (rust: {up}; down: {down})"),
    }
}

/// The function a new `-- rust: NAME` line needs, to paste into the
/// application.
fn print_step_skeleton(step: &str, dialect: crate::Dialect) {
    let (registered, skeleton) = match dialect {
        crate::Dialect::Sqlite => (
            crate::apply::step::is_registered(step),
            format!(
                "    #[stillroom::step]\n    fn {step}(step: &mut stillroom::Step<'_>) -> stillroom::StepResult {{\n        // Read and write the tables as they are at this revision, not through the models:\n        // step.for_each(\"SELECT id, ... FROM ...\", [], |row| {{ let id: i64 = row.get(\"id\")?; Ok(()) }})?;\n        Ok(())\n    }}\n"
            ),
        ),
        crate::Dialect::Postgres => (
            postgres_step_registered(step),
            format!(
                "    #[stillroom::step(postgres)]\n    fn {step}(step: &mut stillroom::postgres::Step<'_>) -> stillroom::StepResult {{\n        // Read and write the tables as they are at this revision, not through the models:\n        // for row in step.query(\"SELECT id, ... FROM ...\", &[])? {{ let id: i64 = row.get(\"id\"); }}\n        Ok(())\n    }}\n"
            ),
        ),
    };
    anstream::println!(
        "{}\n\n{skeleton}",
        if registered {
            format!(
                "This program already registers a step `{step}`; it runs there. Its function has this shape:"
            )
        } else {
            "Add the step to the application (until it exists, starting the application refuses, naming it):".to_owned()
        }
    );
}

#[cfg(feature = "postgres")]
fn postgres_step_registered(step: &str) -> bool {
    crate::dialect::postgres::step::is_registered(step)
}

#[cfg(not(feature = "postgres"))]
fn postgres_step_registered(_: &str) -> bool {
    false
}

/// `inspect`'s source, to `output` or standard output.
fn write_inspected(source: &str, output: Option<&Path>) -> Result<u8> {
    match output {
        Some(path) => {
            std::fs::write(path, source).map_err(|e| Error::Io {
                path: path.to_owned(),
                source: e,
            })?;
            anstream::eprintln!(
                "wrote {}: review it, then generate the first revision from it",
                path.display()
            );
        }
        None => anstream::print!("{source}"),
    }
    Ok(OK)
}

/// What `merge` did; whether the merged history produces the models'
/// schema (when it does not, what a migration would still do, and, unless
/// one is being generated, how to generate it).
fn print_merged(merged: &crate::history::team::Merged, autogenerate: bool, out: &Output) -> bool {
    for moved in &merged.moved {
        anstream::println!(
            "{} {} -> {} (after {})",
            out.green("renamed"),
            moved.from,
            moved.to,
            moved.parent
        );
    }
    anstream::println!(
        "Databases that applied a renamed revision record its new name at their next start; the others apply what they lack."
    );
    if merged.differences.is_empty() {
        anstream::println!("The merged history produces the models' schema.");
        return true;
    }
    anstream::println!(
        "The merged history does not produce the models' schema; a migration would still:"
    );
    for d in &merged.differences {
        anstream::println!("  {d}");
    }
    if !autogenerate {
        anstream::println!(
            "Generate it with `db revision --autogenerate -m \"merge\"` (or `db merge --autogenerate`)."
        );
    }
    false
}

/// The error a PostgreSQL history or server gets from a program built
/// without the `postgres` feature.
#[cfg(not(feature = "postgres"))]
fn without_postgres(dir: &Path, history_is_postgres: bool) -> Error {
    let what = if history_is_postgres {
        format!("the migrations in {} are for PostgreSQL", dir.display())
    } else {
        "the database is a PostgreSQL server".to_owned()
    };
    Error::Unsupported {
        message: format!(
            "{what}, and this program was built without stillroom's `postgres` feature: enable it in Cargo.toml (stillroom = {{ version = \"...\", features = [\"postgres\"] }})"
        ),
    }
}

/// The error when a PostgreSQL history is given no server.
#[cfg(feature = "postgres")]
fn no_server(dir: &Path) -> Error {
    Error::BadTarget {
        message: format!(
            "the migrations in {} are for PostgreSQL: give the server with --database postgres://USER@HOST/DATABASE or set {DATABASE_ENV}",
            dir.display()
        ),
    }
}

/// What `squash` wrote, and what to review in it.
fn print_squashed(squashed: &crate::history::team::Squashed, out: &Output) -> Result<u8> {
    anstream::println!(
        "wrote {}, which replaces {}",
        squashed.path.display(),
        squashed.replaces.join(", ")
    );
    for flagged in &squashed.flagged {
        anstream::println!("  {} {flagged}", out.red("review:"));
    }
    if !squashed.flagged.is_empty() {
        anstream::println!(
            "These data statements and Rust steps are in the file as comments: uncomment the ones a new database still needs."
        );
    }
    anstream::println!(
        "Databases that applied all of them are recorded at the squashed revision at their next start; new ones run it."
    );
    Ok(OK)
}

fn report_run(report: &Report, verb: &str, out: &Output) {
    if let Some(adoption) = &report.adopted {
        report_adoption(adoption, out);
    }
    for line in &report.reconciled {
        anstream::println!("{} {line}", out.dim("ledger:"));
    }
    for revision in &report.ran {
        anstream::println!("{} {revision}", out.green(verb));
    }
    if report.ran.is_empty() && report.adopted.is_none() && report.reconciled.is_empty() {
        anstream::println!("nothing to do");
    }
    anstream::println!("current: {}", report.current.as_deref().unwrap_or("base"));
}

fn report_adoption(adoption: &Adoption, out: &Output) {
    if adoption.converts() {
        let lines = crate::verify::compare::summary(&adoption.differences);
        anstream::println!(
            "adopted the existing database at {}, converting {} table{} to that revision's schema:",
            adoption.revision,
            lines.len(),
            if lines.len() == 1 { "" } else { "s" },
        );
        for line in lines {
            anstream::println!("  {} {line}", out.green("converted"));
        }
    } else {
        anstream::println!("adopted the existing database at {}", adoption.revision);
    }
    for part in &adoption.not_compared {
        anstream::println!("  {} {part}", out.dim("not compared:"));
    }
}

/// Styles for the command line's output, written through anstream (the
/// stack clap's own colours use): styles reach a terminal that takes them,
/// and are stripped elsewhere, with `NO_COLOR`, or with `--color never`;
/// `CLICOLOR_FORCE` or `--color always` keep them.
struct Output;

impl Output {
    fn new(choice: Colour) -> Self {
        let choice = match choice {
            Colour::Auto => anstream::ColorChoice::Auto,
            Colour::Always => anstream::ColorChoice::Always,
            Colour::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
        Self
    }

    fn paint(&self, style: anstyle::Style, text: &str) -> String {
        format!("{style}{text}{style:#}")
    }

    fn red(&self, text: &str) -> String {
        self.paint(anstyle::AnsiColor::Red.on_default().bold(), text)
    }

    fn green(&self, text: &str) -> String {
        self.paint(anstyle::AnsiColor::Green.on_default(), text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint(anstyle::Style::new().dimmed(), text)
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
enum Colour {
    /// On a terminal that takes colour, unless `NO_COLOR` is set
    #[default]
    Auto,
    /// Always (as `CLICOLOR_FORCE`)
    Always,
    /// Never
    Never,
}
