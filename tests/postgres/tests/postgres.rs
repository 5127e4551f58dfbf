//! stillroom on a real PostgreSQL server: generate, migrate, verify,
//! downgrade, stamp, offline SQL, concurrent starts and a killed process.
//!
//! Needs `STILLROOM_TEST_POSTGRES` (a connection string: `host=127.0.0.1
//! user=postgres dbname=test`); without it every test fails, saying so.
//! Each test works in a schema of its own, dropped at the end, so tests run
//! in parallel.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use stillroom::postgres::{Client, Migrator, connect};
use stillroom::{Error, GenerateOptions, Generated, History, Model, ModelSet, Schema, Target};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const URL: &str = "STILLROOM_TEST_POSTGRES";

fn url() -> String {
    std::env::var(URL).unwrap_or_else(|_| {
        panic!(
            "set {URL} to a PostgreSQL connection string (e.g. `host=127.0.0.1 user=postgres dbname=test`): this suite runs against a real server"
        )
    })
}

/// A schema of its own on the server, and a directory for migrations; both
/// removed when dropped.
struct Scratch {
    schema: String,
    dir: PathBuf,
}

impl Scratch {
    fn new(label: &str) -> Result<Self, Box<dyn std::error::Error>> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let schema = format!("t_{label}_{}_{n}", std::process::id());
        let dir = std::env::temp_dir().join(format!("stillroom-pg-{schema}"));
        let _ = std::fs::remove_dir_all(&dir);
        connect(&url())?.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\""
        ))?;
        Ok(Self { schema, dir })
    }

    /// A connection whose current schema is this one.
    fn client(&self) -> Result<Client, Box<dyn std::error::Error>> {
        let mut client = connect(&url())?;
        client.batch_execute(&format!("SET search_path TO \"{}\"", self.schema))?;
        Ok(client)
    }

    fn history(&self) -> stillroom::Result<History> {
        History::read(&self.dir)
    }

    fn generate(
        &self,
        schema: &Schema,
        message: &str,
    ) -> Result<PathBuf, Box<dyn std::error::Error>> {
        self.generate_with(schema, message, GenerateOptions::default())
    }

    fn generate_with(
        &self,
        schema: &Schema,
        message: &str,
        options: GenerateOptions,
    ) -> Result<PathBuf, Box<dyn std::error::Error>> {
        match stillroom::postgres::generate(
            &mut self.client()?,
            &self.dir,
            schema,
            message,
            options,
        )? {
            Generated::Written { path, .. } => Ok(path),
            Generated::NothingToDo => Err("nothing to generate".into()),
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut admin) = connect(&url()) {
            let _ = admin.batch_execute(&format!(
                "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
                self.schema
            ));
        }
        if std::env::var_os("STILLROOM_TEST_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn rows(client: &mut Client, sql: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    Ok(client
        .query(&format!("SELECT q.c::text FROM ({sql}) AS q(c)"), &[])?
        .iter()
        .map(|r| {
            r.get::<_, Option<String>>(0)
                .unwrap_or_else(|| "NULL".into())
        })
        .collect())
}

fn one(client: &mut Client, sql: &str) -> Result<String, Box<dyn std::error::Error>> {
    Ok(rows(client, sql)?.concat())
}

// ---------------------------------------------------------------------------
// Models: a job tracker, three versions.
// ---------------------------------------------------------------------------

mod v1 {
    #[derive(stillroom::Model)]
    #[model(table = "job")]
    pub struct Job {
        #[model(primary_key, autoincrement)]
        pub id: i64,
        pub title: String,
        pub done: bool,
        pub size: i32,
        pub note: Option<String>,
    }
}

mod v2 {
    /// `title` renamed to `name`, `size` widened to i64, `note` dropped,
    /// `done` gets a default, `priority` added (NOT NULL, default 0),
    /// a check and an index; a new `tag` table with a foreign key.
    #[derive(stillroom::Model, Debug, Clone, PartialEq)]
    #[model(table = "job")]
    #[model(check = "priority >= 0")]
    pub struct Job {
        #[model(primary_key, autoincrement)]
        pub id: i64,
        #[model(renamed_from = "title")]
        pub name: String,
        #[model(default = "0")]
        pub done: bool,
        pub size: i64,
        #[model(default = "0", index)]
        pub priority: i32,
    }

    #[derive(stillroom::Model, Debug, Clone, PartialEq)]
    pub struct Tag {
        #[model(primary_key)]
        pub id: i64,
        #[model(references = "job(id)", on_delete = "cascade")]
        pub job_id: i64,
        pub label: String,
        pub at: chrono::DateTime<chrono::Utc>,
        pub token: uuid::Uuid,
        pub extra: Option<serde_json::Value>,
    }
}

fn schema_v1() -> stillroom::Result<Schema> {
    Ok(ModelSet::new().with::<v1::Job>().build()?)
}

fn schema_v2() -> stillroom::Result<Schema> {
    Ok(ModelSet::new()
        .with::<v2::Job>()
        .with::<v2::Tag>()
        .build()?)
}

fn allow(columns: &[&str]) -> GenerateOptions {
    GenerateOptions {
        allow_loss_of: columns.iter().map(|c| (*c).to_owned()).collect(),
        ..Default::default()
    }
}

/// The history: v1, then v2.
fn two_revisions(s: &Scratch) -> Result<History, Box<dyn std::error::Error>> {
    s.generate(&schema_v1()?, "jobs")?;
    s.generate_with(&schema_v2()?, "tags and priorities", allow(&["job.note"]))?;
    Ok(s.history()?)
}

#[test]
fn generated_migrations_keep_every_row_up_and_down() -> TestResult {
    let s = Scratch::new("rows")?;
    let history = two_revisions(&s)?;
    let first = std::fs::read_to_string(&history.migrations[0].path)?;
    assert!(first.contains("-- dialect: postgres\n"), "{first}");
    assert!(
        first.contains("\"id\" BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL"),
        "{first}"
    );
    assert!(first.contains("\"done\" BOOLEAN NOT NULL"), "{first}");
    assert!(first.contains("\"size\" INTEGER NOT NULL"), "{first}");
    let second = std::fs::read_to_string(&history.migrations[1].path)?;
    assert!(
        second.contains("RENAME COLUMN \"title\" TO \"name\""),
        "{second}"
    );
    assert!(second.contains("TYPE BIGINT USING"), "{second}");
    assert!(second.contains("\"at\" TIMESTAMPTZ NOT NULL"), "{second}");
    assert!(second.contains("\"token\" UUID NOT NULL"), "{second}");
    assert!(second.contains("\"extra\" JSONB"), "{second}");

    let mut client = s.client()?;
    let v1 = schema_v1()?;
    let at_first = Migrator::new(&history).schema(&v1);
    assert_eq!(
        at_first.upgrade(&mut client, &Target::Relative(1))?.ran,
        ["0001_jobs"]
    );
    client.batch_execute(
        "INSERT INTO job (title, done, size, note) VALUES ('first', true, 7, 'n1'), ('second', false, 2147483647, NULL)",
    )?;
    let v2 = schema_v2()?;
    let report = Migrator::new(&history).schema(&v2).migrate(&mut client)?;
    assert_eq!(report.ran, ["0002_tags_and_priorities"]);
    assert!(report.compared);
    assert_eq!(
        rows(
            &mut client,
            "SELECT name || ' ' || done || ' ' || size || ' ' || priority FROM job ORDER BY id"
        )?,
        ["first true 7 0", "second false 2147483647 0"]
    );
    // The identity goes on above the rows it has.
    client.batch_execute("INSERT INTO job (name, size) VALUES ('third', 1)")?;
    assert_eq!(one(&mut client, "SELECT max(id) FROM job")?, "3");
    client.batch_execute(
        "INSERT INTO tag (id, job_id, label, at, token) VALUES (1, 1, 'x', now(), gen_random_uuid())",
    )?;
    // A second start compares nothing (the catalog and the models are
    // those of the last comparison).
    let again = Migrator::new(&history).schema(&v2).migrate(&mut client)?;
    assert!(again.ran.is_empty() && !again.compared);

    // Down again: the tags go (allowed), the jobs keep their rows.
    client.batch_execute("DELETE FROM job WHERE id = 3")?;
    let down = Migrator::new(&history)
        .schema(&v1)
        .allow_data_loss(true)
        .downgrade(&mut client, &Target::Relative(-1))?;
    assert_eq!(down.ran, ["0002_tags_and_priorities"]);
    assert_eq!(
        rows(
            &mut client,
            "SELECT title || ' ' || done || ' ' || size FROM job ORDER BY id"
        )?,
        ["first true 7", "second false 2147483647"]
    );
    assert!(stillroom::postgres::differences(&mut client, &v1)?.is_empty());
    Ok(())
}

#[test]
fn check_and_generate_agree_with_the_models() -> TestResult {
    let s = Scratch::new("check")?;
    two_revisions(&s)?;
    let mut client = s.client()?;
    stillroom::postgres::check(&mut client, &s.dir, &schema_v2()?)?;
    let err = stillroom::postgres::check(&mut client, &s.dir, &schema_v1()?).unwrap_err();
    assert!(matches!(err, Error::ModelsChanged { .. }), "{err}");
    assert_eq!(
        stillroom::postgres::generate(
            &mut client,
            &s.dir,
            &schema_v2()?,
            "again",
            GenerateOptions::default()
        )?,
        Generated::NothingToDo
    );
    // The scratch schemas of the replays are gone.
    assert_eq!(
        one(
            &mut client,
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'stillroom_scratch_%'"
        )?,
        "0"
    );
    // Data loss is refused as on SQLite.
    let err = stillroom::postgres::generate(
        &mut client,
        &s.dir,
        &schema_v1()?,
        "back",
        GenerateOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Refused(_)), "{err}");
    Ok(())
}

#[test]
fn verification_names_a_hand_made_change_and_the_migration_rolls_back() -> TestResult {
    let s = Scratch::new("verify")?;
    let history = two_revisions(&s)?;
    let mut client = s.client()?;
    let v1 = schema_v1()?;
    Migrator::new(&history)
        .schema(&v1)
        .upgrade(&mut client, &Target::Relative(1))?;
    client.batch_execute("ALTER TABLE job ADD COLUMN by_hand TEXT")?;
    let err = Migrator::new(&history)
        .schema(&schema_v2()?)
        .migrate(&mut client)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the database has column `job.by_hand`; the models do not"),
        "{err}"
    );
    // Rolled back: still at the first revision, no tag table.
    assert_eq!(
        one(&mut client, "SELECT count(*) FROM stillroom_migrations")?,
        "1"
    );
    assert_eq!(
        one(&mut client, "SELECT to_regclass('tag') IS NULL")?,
        "true"
    );
    let status = Migrator::new(&history)
        .schema(&schema_v2()?)
        .status(&mut client)?;
    assert_eq!(status.pending, ["0002_tags_and_priorities"]);
    Ok(())
}

#[test]
fn a_failing_statement_names_its_line_and_changes_nothing() -> TestResult {
    let s = Scratch::new("fails")?;
    let mut client = s.client()?;
    let failed = second_revision_fails(
        &s,
        &mut client,
        "ALTER TABLE job ADD COLUMN x INTEGER;\n$$ not sql $$;\n",
    )?;
    assert_eq!((failed.revision.as_str(), failed.line), ("0002_bad", 9));
    assert_eq!(failed.code.as_deref(), Some("42601"));
    // Nothing of either revision is there: one transaction.
    assert_eq!(
        one(&mut client, "SELECT to_regclass('job') IS NULL")?,
        "true"
    );
    assert_eq!(
        one(
            &mut client,
            "SELECT to_regclass('stillroom_migrations') IS NULL"
        )?,
        "true"
    );
    // What the runner owns is refused before it runs.
    std::fs::write(
        s.dir.join("0002_bad.sql"),
        "-- stillroom migration\n-- revision: 0002_bad\n-- parent: 0001_jobs\n-- message: bad\n-- dialect: postgres\n\n-- migrate:up\nCOMMIT;\n",
    )?;
    let err = Migrator::new(&s.history()?)
        .schema(&schema_v1()?)
        .migrate(&mut client)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("0002_bad.sql:8: transaction statements cannot appear"),
        "{err}"
    );
    Ok(())
}

#[test]
fn a_history_for_another_database_is_refused_with_the_way_on() -> TestResult {
    let s = Scratch::new("dialect")?;
    // A SQLite history (generated by stillroom::generate) given to PostgreSQL.
    stillroom::generate(&s.dir, &schema_v1()?, "jobs", GenerateOptions::default())?;
    let history = s.history()?;
    let err = Migrator::new(&history)
        .migrate(&mut s.client()?)
        .unwrap_err();
    assert!(matches!(err, Error::WrongDialect { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("is written for SQLite, and this is PostgreSQL"),
        "{err}"
    );
    // And a PostgreSQL history given to SQLite.
    let pg = Scratch::new("dialect_pg")?;
    pg.generate(&schema_v1()?, "jobs")?;
    let conn = stillroom::rusqlite::Connection::open_in_memory()?;
    let pg_history = pg.history()?;
    let err = stillroom::Migrator::new(&pg_history)
        .migrate(&conn)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("is written for PostgreSQL, and this is SQLite"),
        "{err}"
    );
    Ok(())
}

#[test]
fn stamp_and_status_follow_the_ledger() -> TestResult {
    let s = Scratch::new("stamp")?;
    let history = two_revisions(&s)?;
    let mut client = s.client()?;
    let v2 = schema_v2()?;
    let m = Migrator::new(&history).schema(&v2);
    m.stamp(&mut client, &Target::Relative(1))?;
    let status = m.status(&mut client)?;
    assert_eq!(status.current.as_deref(), Some("0001_jobs"));
    assert_eq!(status.applied[0].how, "stamped");
    assert_eq!(status.pending, ["0002_tags_and_priorities"]);
    Ok(())
}

/// `psql` runs the offline script like `migrate` would.
#[test]
fn an_edited_migration_is_refused_until_accepted_and_progress_is_told() -> TestResult {
    let s = Scratch::new("edited")?;
    let history = two_revisions(&s)?;
    let mut client = s.client()?;
    let v2 = schema_v2()?;
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |event: stillroom::Event<'_>| {
        let line = match event {
            stillroom::Event::Starting { migration, .. } => format!("start {}", migration.revision),
            stillroom::Event::Finished { migration, .. } => format!("done {}", migration.revision),
            _ => return,
        };
        seen.lock().map(|mut s| s.push(line)).ok();
    };
    Migrator::new(&history)
        .schema(&v2)
        .progress(&progress)
        .migrate(&mut client)?;
    assert_eq!(
        *seen.lock().map_err(|_| "poisoned")?,
        [
            "start 0001_jobs",
            "done 0001_jobs",
            "start 0002_tags_and_priorities",
            "done 0002_tags_and_priorities"
        ]
    );
    // A comment added to the applied first revision, and reviewed.
    let path = &history.migrations[0].path;
    std::fs::write(
        path,
        std::fs::read_to_string(path)? + "-- Reviewed: ADR 7.\n",
    )?;
    let edited = s.history()?;
    let m = Migrator::new(&edited).schema(&v2);
    let err = m.migrate(&mut client).unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
    m.accept_edited(&mut client, "0001_jobs")?;
    assert!(m.migrate(&mut client)?.ran.is_empty());
    assert_eq!(
        one(
            &mut client,
            "SELECT checksum FROM stillroom_migrations WHERE position = 0"
        )?,
        edited.migrations[0].checksum
    );
    // A revision the database does not have: nothing to accept.
    let behind = Scratch::new("edited_behind")?;
    let mut empty = behind.client()?;
    let err = m.accept_edited(&mut empty, "0001_jobs").unwrap_err();
    assert!(
        err.to_string().contains("is not applied to this database"),
        "{err}"
    );
    Ok(())
}

#[test]
fn verify_fails_on_a_difference_and_says_a_database_is_behind() -> TestResult {
    let s = Scratch::new("check")?;
    let history = two_revisions(&s)?;
    let mut client = s.client()?;
    let v2 = schema_v2()?;
    let m = Migrator::new(&history).schema(&v2);
    m.upgrade(&mut client, &Target::Relative(1))?;
    let err = m.check_schema(&mut client).unwrap_err();
    assert!(matches!(err, Error::Behind { .. }), "{err}");
    m.migrate(&mut client)?;
    assert!(m.check_schema(&mut client)?.is_empty());
    // A DBA's index is tolerated (and returned); a column is not.
    client.batch_execute("CREATE INDEX ix_by_dba ON job (name)")?;
    let tolerated = m.check_schema(&mut client)?;
    assert!(
        tolerated.len() == 1 && tolerated[0].is_undeclared_index(),
        "{tolerated:?}"
    );
    client.batch_execute("ALTER TABLE job ADD COLUMN by_hand TEXT")?;
    let err = m.check_schema(&mut client).unwrap_err();
    assert!(matches!(err, Error::SchemaMismatch { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("the database has column `job.by_hand`; the models do not"),
        "{err}"
    );
    Ok(())
}

#[test]
fn offline_sql_runs_in_psql_and_stops_at_the_wrong_revision() -> TestResult {
    let s = Scratch::new("offline")?;
    let history = two_revisions(&s)?;
    let script = Migrator::new(&history).sql(None, &Target::Head)?;
    assert!(
        script.starts_with("-- stillroom: base -> 0002_tags_and_priorities"),
        "{script}"
    );
    let psql = |script: &str| -> Result<std::process::Output, Box<dyn std::error::Error>> {
        let mut child = Command::new("psql")
            .arg(format!("{} options=--search_path={}", url(), s.schema))
            .args(["-v", "ON_ERROR_STOP=1", "-q"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("psql is needed for this test: {e}"))?;
        use std::io::Write as _;
        child
            .stdin
            .take()
            .ok_or("no stdin")?
            .write_all(script.as_bytes())?;
        Ok(child.wait_with_output()?)
    };
    let out = psql(&script)?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut client = s.client()?;
    assert!(stillroom::postgres::differences(&mut client, &schema_v2()?)?.is_empty());
    assert_eq!(
        Migrator::new(&history)
            .schema(&schema_v2()?)
            .status(&mut client)?
            .pending
            .len(),
        0
    );
    // The same script again: the database is not at base any more.
    let out = psql(&script)?;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the database is not at revision base"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

#[test]
fn concurrent_starts_apply_each_revision_once() -> TestResult {
    let s = Scratch::new("concurrent")?;
    let history = two_revisions(&s)?;
    let v2 = schema_v2()?;
    let results: Vec<stillroom::Result<stillroom::Report>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let mut client = s.client().expect("connect");
                let (history, v2) = (&history, &v2);
                scope.spawn(move || Migrator::new(history).schema(v2).migrate(&mut client))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a migrating thread panicked"))
            .collect()
    });
    let mut ran = 0;
    for r in results {
        ran += r?.ran.len();
    }
    assert_eq!(ran, 2, "each revision applied by exactly one start");
    let mut client = s.client()?;
    assert_eq!(
        one(&mut client, "SELECT count(*) FROM stillroom_migrations")?,
        "2"
    );
    Ok(())
}

const CHILD_SCHEMA: &str = "STILLROOM_PG_CHILD_SCHEMA";
const CHILD_DIR: &str = "STILLROOM_PG_CHILD_DIR";

/// A process killed while its migration runs leaves the database as it was.
#[test]
fn a_process_killed_mid_migration_leaves_the_old_revision() -> TestResult {
    let s = Scratch::new("killed")?;
    s.generate(&schema_v1()?, "jobs")?;
    std::fs::write(
        s.dir.join("0002_slow.sql"),
        "-- stillroom migration\n-- revision: 0002_slow\n-- parent: 0001_jobs\n-- message: slow\n-- dialect: postgres\n\n-- migrate:up\nINSERT INTO job (title, done, size) VALUES ('half-way', false, 1);\nSELECT pg_sleep(60);\n",
    )?;
    let history = s.history()?;
    let mut client = s.client()?;
    Migrator::new(&history)
        .schema(&schema_v1()?)
        .upgrade(&mut client, &Target::Relative(1))?;
    client.batch_execute("INSERT INTO job (title, done, size) VALUES ('kept', true, 1)")?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--exact", "killed_child", "--nocapture", "--ignored"])
        .env(CHILD_SCHEMA, &s.schema)
        .env(CHILD_DIR, &s.dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    // Wait until the child holds the migration lock and sleeps inside its
    // transaction (a guard against hanging, not a timing assertion).
    let sleeping = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%SELECT pg_sleep(60)%' AND state = 'active' AND pid <> pg_backend_pid()";
    let started = Instant::now();
    while one(&mut client, sleeping)? == "0" {
        if started.elapsed() > Duration::from_secs(120) || child.try_wait()?.is_some() {
            let _ = child.kill();
            return Err("the child never reached the slow statement".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill()?;
    child.wait()?;
    // The server ends the dead client's transaction (the child asked it to
    // check its connection every 100 ms); then the lock is free.
    let started = Instant::now();
    while one(&mut client, sleeping)? != "0" {
        if started.elapsed() > Duration::from_secs(120) {
            return Err("the killed client's transaction never ended".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        rows(&mut client, "SELECT title FROM job ORDER BY id")?,
        ["kept"]
    );
    assert_eq!(
        rows(
            &mut client,
            "SELECT revision FROM stillroom_migrations ORDER BY position"
        )?,
        ["0001_jobs"]
    );
    Ok(())
}

#[test]
#[ignore = "run as a child process by a_process_killed_mid_migration_leaves_the_old_revision"]
fn killed_child() -> TestResult {
    let (Ok(schema), Some(dir)) = (std::env::var(CHILD_SCHEMA), std::env::var_os(CHILD_DIR)) else {
        return Ok(());
    };
    let mut client = connect(&url())?;
    client.batch_execute(&format!(
        "SET search_path TO \"{schema}\"; SET client_connection_check_interval = '100ms'"
    ))?;
    let history = History::read(Path::new(&dir))?;
    Migrator::new(&history)
        .schema(&schema_v1()?)
        .migrate(&mut client)?;
    Ok(())
}

#[test]
fn the_models_types_are_postgresqls_own() -> TestResult {
    let s = Scratch::new("types")?;
    s.generate(&schema_v1()?, "jobs")?;
    s.generate_with(&schema_v2()?, "v2", allow(&["job.note"]))?;
    let mut client = s.client()?;
    Migrator::new(&s.history()?)
        .schema(&schema_v2()?)
        .migrate(&mut client)?;
    let types = rows(
        &mut client,
        "SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'tag' ORDER BY ordinal_position",
    )?;
    assert_eq!(
        types,
        [
            "id bigint",
            "job_id bigint",
            "label text",
            "at timestamp with time zone",
            "token uuid",
            "extra jsonb"
        ]
    );
    // The model's check is kept in its spelling, so the comparison sees it.
    assert_eq!(
        one(
            &mut client,
            "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = 'job_check' AND connamespace = current_schema()::regnamespace"
        )?,
        "stillroom table check: priority >= 0"
    );
    let v2 = schema_v2()?;
    let _ = v2
        .tables()
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>();
    assert!(stillroom::postgres::differences(&mut client, &v2)?.is_empty());
    let job = v1::Job::table();
    assert_eq!(job.name, "job");
    Ok(())
}

/// The move: a SQLite database with rows, the same models' history
/// generated for PostgreSQL, the rows copied across.
#[test]
fn an_application_moves_from_sqlite_to_postgresql_with_its_rows() -> TestResult {
    use stillroom::rusqlite::Connection;
    let s = Scratch::new("move")?;
    let v2 = schema_v2()?;
    // The application on SQLite, with rows written through its models.
    let sqlite_dir = s.dir.with_extension("sqlite");
    stillroom::generate(&sqlite_dir, &v2, "all", GenerateOptions::default())?;
    let sqlite_history = History::read(&sqlite_dir)?;
    let db = sqlite_dir.with_extension("db");
    let conn = Connection::open(&db)?;
    stillroom::Migrator::new(&sqlite_history)
        .schema(&v2)
        .migrate(&conn)?;
    for (id, name, done, size) in [(1, "first", true, 7_i64), (2, "second", false, i64::MAX)] {
        v2::Job {
            id,
            name: name.into(),
            done,
            size,
            priority: id as i32,
        }
        .insert(&conn)?;
    }
    let at = chrono::DateTime::from_timestamp(1_700_000_000, 123_000_000).ok_or("a time")?;
    let token = uuid::Uuid::from_bytes([7; 16]);
    v2::Tag {
        id: 10,
        job_id: 1,
        label: "it's".into(),
        at,
        token,
        extra: Some(serde_json::json!({"k": [1, 2]})),
    }
    .insert(&conn)?;
    v2::Tag {
        id: 11,
        job_id: 2,
        label: "none".into(),
        at,
        token,
        extra: None,
    }
    .insert(&conn)?;

    // The same models, a history generated for PostgreSQL, migrated.
    s.generate(&v2, "all")?;
    let mut client = s.client()?;
    Migrator::new(&s.history()?)
        .schema(&v2)
        .migrate(&mut client)?;
    let copied = stillroom::postgres::copy_from_sqlite(&conn, &mut client, &v2)?;
    assert_eq!(
        copied.tables,
        [("job".to_owned(), 2), ("tag".to_owned(), 2)]
    );
    assert_eq!(
        rows(
            &mut client,
            "SELECT id || ' ' || name || ' ' || done || ' ' || size || ' ' || priority FROM job ORDER BY id"
        )?,
        [
            "1 first true 7 1",
            &format!("2 second false {} 2", i64::MAX)
        ]
    );
    assert_eq!(
        rows(
            &mut client,
            "SELECT label || ' ' || (at = to_timestamp(1700000000.123)) || ' ' || token || ' ' || coalesce(extra::text, 'NULL') FROM tag ORDER BY id"
        )?,
        [
            "it's true 07070707-0707-0707-0707-070707070707 {\"k\": [1, 2]}",
            "none true 07070707-0707-0707-0707-070707070707 NULL"
        ]
    );
    // New rows get keys above the copied ones; the database is the models'.
    client.batch_execute("INSERT INTO job (name, size) VALUES ('third', 1)")?;
    assert_eq!(one(&mut client, "SELECT max(id) FROM job")?, "3");
    assert!(stillroom::postgres::differences(&mut client, &v2)?.is_empty());
    // A second copy would duplicate: refused, nothing changed.
    let err = stillroom::postgres::copy_from_sqlite(&conn, &mut client, &v2).unwrap_err();
    assert!(
        err.to_string().contains("table `job` already has rows"),
        "{err}"
    );
    assert_eq!(one(&mut client, "SELECT count(*) FROM tag")?, "2");
    drop(conn);
    let _ = std::fs::remove_dir_all(&sqlite_dir);
    let _ = std::fs::remove_file(&db);
    Ok(())
}

/// A no-op start skips the full comparison only while the catalog rows that
/// describe the tables are the ones last verified: every kind of hand-made
/// change is noticed at the next start.
#[test]
fn a_start_after_any_hand_made_change_compares_again() -> TestResult {
    let s = Scratch::new("cache")?;
    let history = two_revisions(&s)?;
    let mut client = s.client()?;
    let v2 = schema_v2()?;
    let migrator = Migrator::new(&history).schema(&v2);
    assert!(migrator.migrate(&mut client)?.compared);
    assert!(!migrator.migrate(&mut client)?.compared, "a no-op start");
    let changes = [
        (
            "ALTER TABLE job ADD COLUMN by_hand TEXT",
            "ALTER TABLE job DROP COLUMN by_hand",
        ),
        (
            "ALTER TABLE job ALTER COLUMN name DROP NOT NULL",
            "ALTER TABLE job ALTER COLUMN name SET NOT NULL",
        ),
        (
            "ALTER TABLE job ALTER COLUMN priority SET DEFAULT 7",
            "ALTER TABLE job ALTER COLUMN priority SET DEFAULT 0",
        ),
        (
            "ALTER TABLE job ALTER COLUMN size TYPE NUMERIC",
            "ALTER TABLE job ALTER COLUMN size TYPE BIGINT",
        ),
        (
            "CREATE UNIQUE INDEX by_hand ON job (name)",
            "DROP INDEX by_hand",
        ),
        (
            "ALTER TABLE job ADD CONSTRAINT by_hand CHECK (size >= 0)",
            "ALTER TABLE job DROP CONSTRAINT by_hand",
        ),
        (
            "ALTER TABLE job RENAME COLUMN name TO title",
            "ALTER TABLE job RENAME COLUMN title TO name",
        ),
        (
            "ALTER TABLE tag RENAME TO label",
            "ALTER TABLE label RENAME TO tag",
        ),
    ];
    for (change, undo) in changes {
        client.batch_execute(change)?;
        let err = migrator.migrate(&mut client).err();
        assert!(
            matches!(err, Some(Error::SchemaMismatch { .. })),
            "after `{change}`: {err:?}"
        );
        // Undone, the start succeeds: compared again, or (when the undo
        // left exactly the catalog rows last verified, as dropping an
        // added index does) known to be the verified schema.
        client.batch_execute(undo)?;
        migrator.migrate(&mut client)?;
        assert!(!migrator.migrate(&mut client)?.compared);
    }
    Ok(())
}

/// The first revision's table as a person (or another tool) made it before
/// stillroom, in the declaration `title` is given.
fn job_by_hand(client: &mut Client, title: &str, extra: &str) -> TestResult {
    client.batch_execute(&format!(
        "CREATE TABLE job (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
         title {title} NOT NULL, done BOOLEAN NOT NULL, size INTEGER NOT NULL, note TEXT{extra}); \
         INSERT INTO job (title, done, size, note) VALUES ('first', true, 3, 'kept'), ('second', false, 5, NULL);"
    ))?;
    Ok(())
}

#[test]
fn a_database_made_before_stillroom_is_adopted_and_migrated_with_its_rows() -> TestResult {
    let s = Scratch::new("adopt")?;
    let history = two_revisions(&s)?;
    let mut client = s.client()?;
    job_by_hand(&mut client, "TEXT", "")?;
    let v2 = schema_v2()?;
    let report = Migrator::new(&history).schema(&v2).migrate(&mut client)?;
    let adopted = report.adopted.expect("adopted");
    assert_eq!(adopted.revision, "0001_jobs");
    assert!(!adopted.converts(), "exactly the first revision's schema");
    assert_eq!(report.ran, ["0002_tags_and_priorities"]);
    assert_eq!(
        rows(
            &mut client,
            "SELECT revision || ' ' || how FROM stillroom_migrations ORDER BY position"
        )?,
        ["0001_jobs adopted", "0002_tags_and_priorities applied"]
    );
    // Renamed by the second revision, every row kept.
    assert_eq!(
        rows(
            &mut client,
            "SELECT name || ' ' || size FROM job ORDER BY id"
        )?,
        ["first 3", "second 5"]
    );
    Ok(())
}

#[test]
fn a_database_declared_otherwise_is_converted_then_adopted() -> TestResult {
    let s = Scratch::new("convert")?;
    let history = two_revisions(&s)?;
    let mut client = s.client()?;
    job_by_hand(&mut client, "VARCHAR(200)", "")?;
    let v1 = schema_v1()?;
    let migrator = Migrator::new(&history).schema(&v1).adopt_on_start(false);
    assert!(matches!(
        migrator.migrate(&mut client),
        Err(Error::NotAdopted)
    ));
    let plan = migrator.adoption_plan(&mut client)?;
    assert_eq!(plan.revision, "0001_jobs");
    assert!(plan.sql.contains("TYPE TEXT"), "{}", plan.sql);
    // The plan changed nothing.
    assert_eq!(
        one(
            &mut client,
            "SELECT to_regclass('stillroom_migrations') IS NULL"
        )?,
        "true"
    );
    let report = migrator.adopt(&mut client)?;
    assert_eq!(report.current.as_deref(), Some("0001_jobs"));
    assert!(report.adopted.is_some_and(|a| a.converts()));
    assert_eq!(
        one(
            &mut client,
            "SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'job' AND column_name = 'title'"
        )?,
        "text"
    );
    assert_eq!(one(&mut client, "SELECT count(*) FROM job")?, "2");
    assert!(matches!(
        migrator.adopt(&mut client),
        Err(Error::AlreadyAdopted)
    ));
    Ok(())
}

#[test]
fn a_database_with_other_columns_is_not_adopted_and_not_changed() -> TestResult {
    let s = Scratch::new("noadopt")?;
    let history = two_revisions(&s)?;
    let mut client = s.client()?;
    job_by_hand(&mut client, "TEXT", ", source_site TEXT")?;
    let err = Migrator::new(&history)
        .schema(&schema_v2()?)
        .migrate(&mut client)
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::AdoptionFailed { .. }), "{message}");
    assert!(
        message
            .contains("the database has column `job.source_site`; revision `0001_jobs` does not"),
        "{message}"
    );
    assert_eq!(
        one(
            &mut client,
            "SELECT to_regclass('stillroom_migrations') IS NULL"
        )?,
        "true"
    );
    assert_eq!(
        one(
            &mut client,
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'stillroom_adopt_%'"
        )?,
        "0"
    );
    assert_eq!(one(&mut client, "SELECT count(*) FROM job")?, "2");
    Ok(())
}

/// Every kind of field a model can have, for the rows test.
mod kinds {
    #[derive(stillroom::Model, Debug, Clone, PartialEq)]
    pub struct Sample {
        #[model(primary_key)]
        pub key: String,
        #[model(primary_key)]
        pub n: i32,
        pub small: Option<i16>,
        pub ratio: f32,
        pub amount: f64,
        pub flag: bool,
        pub bytes: Vec<u8>,
        pub day: chrono::NaiveDate,
        pub local: chrono::NaiveDateTime,
        pub at: chrono::DateTime<chrono::Utc>,
        pub token: uuid::Uuid,
        pub doc: serde_json::Value,
        pub note: Option<String>,
    }
}

#[test]
fn derived_models_read_and_write_their_rows_on_postgresql() -> TestResult {
    use stillroom::postgres::Rows as _;
    let s = Scratch::new("rows_crud")?;
    let history = two_revisions(&s)?;
    let mut client = s.client()?;
    let v2 = schema_v2()?;
    Migrator::new(&history).schema(&v2).migrate(&mut client)?;

    let mut job = v2::Job {
        id: 7,
        name: "first".into(),
        done: false,
        size: 1 << 40,
        priority: 2,
    };
    client.insert(&job)?;
    assert!(
        client.insert(&job).is_err(),
        "a duplicate key is PostgreSQL's unique violation"
    );
    assert_eq!(client.get::<v2::Job>(7)?, Some(job.clone()));
    job.done = true;
    job.name = "renamed".into();
    assert!(client.update(&job)?);
    assert_eq!(client.get::<v2::Job>(7)?, Some(job.clone()));
    let other = v2::Job {
        id: 8,
        name: "second".into(),
        done: false,
        size: 3,
        priority: 0,
    };
    client.upsert(&other)?;
    client.upsert(&v2::Job {
        size: 4,
        ..other.clone()
    })?;
    assert_eq!(
        client
            .all::<v2::Job>()?
            .iter()
            .map(|j| j.size)
            .collect::<Vec<_>>(),
        [1 << 40, 4]
    );
    let done: Vec<v2::Job> = client.select("done = $1 ORDER BY id", &[&true])?;
    assert_eq!(done, [job.clone()]);
    assert_eq!(client.count::<v2::Job>()?, 2);
    assert_eq!(client.count_where::<v2::Job>("priority > $1", &[&1i32])?, 1);
    // The identity column picks the key.
    let mut picked = v2::Job {
        id: 0,
        name: "picked".into(),
        done: false,
        size: 5,
        priority: 0,
    };
    let id = client.insert_new(&mut picked)?;
    assert_eq!(picked.id, id);
    assert_eq!(client.get::<v2::Job>(id)?, Some(picked.clone()));
    assert!(client.delete(&picked)?);

    let tag = v2::Tag {
        id: 1,
        job_id: 7,
        label: "hd".into(),
        at: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_000).expect("a time"),
        token: uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0),
        extra: Some(serde_json::json!({"b": [1, 2], "a": "x"})),
    };
    client.insert(&tag)?;
    assert_eq!(client.get::<v2::Tag>(1)?, Some(tag.clone()));
    // Through the foreign key's cascade, as on SQLite.
    assert!(client.delete(&job)?);
    assert_eq!(client.get::<v2::Tag>(1)?, None);
    assert!(!client.delete(&job)?);

    // Every kind of field, in a table of its own.
    let dir = s.dir.join("kinds");
    let kinds = ModelSet::new().with::<kinds::Sample>().build()?;
    let kinds_schema = format!("{}_kinds", s.schema);
    client.batch_execute(&format!("CREATE SCHEMA \"{kinds_schema}\""))?;
    let mut kinds_client = s.client()?;
    kinds_client.batch_execute(&format!("SET search_path TO \"{kinds_schema}\""))?;
    stillroom::postgres::generate(
        &mut kinds_client,
        &dir,
        &kinds,
        "kinds",
        GenerateOptions::default(),
    )?;
    let kinds_history = History::read(&dir)?;
    Migrator::new(&kinds_history)
        .schema(&kinds)
        .migrate(&mut kinds_client)?;
    let sample = kinds::Sample {
        key: "k".into(),
        n: -3,
        small: Some(-7),
        ratio: 0.1,
        amount: -2.5e300,
        flag: true,
        bytes: vec![0, 0xff, 0x10],
        day: chrono::NaiveDate::from_ymd_opt(1999, 12, 31).expect("a day"),
        local: chrono::NaiveDate::from_ymd_opt(2024, 2, 29)
            .and_then(|d| d.and_hms_micro_opt(23, 59, 58, 654_321))
            .expect("a time"),
        at: chrono::DateTime::from_timestamp(0, 1_000).expect("a time"),
        token: uuid::Uuid::nil(),
        doc: serde_json::json!([null, true, 1.5, "é"]),
        note: None,
    };
    kinds_client.insert(&sample)?;
    assert_eq!(
        kinds_client.get::<kinds::Sample>(("k".to_owned(), -3))?,
        Some(sample.clone())
    );
    assert_eq!(kinds_client.all::<kinds::Sample>()?, [sample]);
    client.batch_execute(&format!("DROP SCHEMA \"{kinds_schema}\" CASCADE"))?;
    Ok(())
}

/// The first revision generated from `schema_v1`, then `0002_bad` whose up
/// part is `up`: the statement error migrating to it gives.
fn second_revision_fails(
    s: &Scratch,
    client: &mut Client,
    up: &str,
) -> Result<Box<stillroom::postgres::PgStatementError>, Box<dyn std::error::Error>> {
    s.generate(&schema_v1()?, "jobs")?;
    std::fs::write(
        s.dir.join("0002_bad.sql"),
        format!(
            "-- stillroom migration\n-- revision: 0002_bad\n-- parent: 0001_jobs\n-- message: bad\n-- dialect: postgres\n\n-- migrate:up\n{up}"
        ),
    )?;
    match Migrator::new(&s.history()?)
        .schema(&schema_v1()?)
        .migrate(client)
    {
        Err(Error::PostgresStatement(failed)) => Ok(failed),
        other => Err(format!("expected a statement error, got {other:?}").into()),
    }
}

/// A part runs in one round trip; when a statement fails as it runs (not
/// as it parses), the error still names that statement's line, and nothing
/// of the part remains.
#[test]
fn a_statement_failing_as_it_runs_names_its_line() -> TestResult {
    let s = Scratch::new("runtime_fail")?;
    let mut client = s.client()?;
    let failed = second_revision_fails(
        &s,
        &mut client,
        "INSERT INTO job (id, title, done, size) VALUES (1, 'a', false, 1); -- the first\nCREATE TABLE extra (x INTEGER);\nINSERT INTO job (id, title, done, size)\n  VALUES (1, 'again', false, 1);\n",
    )?;
    assert_eq!((failed.revision.as_str(), failed.line), ("0002_bad", 10));
    assert_eq!(failed.code.as_deref(), Some("23505"));
    assert_eq!(
        one(&mut client, "SELECT to_regclass('job') IS NULL")?,
        "true"
    );
    assert_eq!(
        one(&mut client, "SELECT to_regclass('extra') IS NULL")?,
        "true"
    );
    Ok(())
}

/// Branches merged by hand on a PostgreSQL history: the revision this
/// database applied is renumbered after the other branch's, which this
/// database has not run. The start follows the rename in the ledger and
/// runs the other branch's revision, in the migrating transaction.
#[test]
fn a_renumbered_revision_is_followed_and_the_merged_one_runs() -> TestResult {
    let s = Scratch::new("merged")?;
    let history = two_revisions(&s)?;
    let mut client = s.client()?;
    let v2 = schema_v2()?;
    Migrator::new(&history).schema(&v2).migrate(&mut client)?;
    client.batch_execute("INSERT INTO job (name, done, size) VALUES ('kept', true, 1)")?;

    // The other branch's revision goes second; ours is renumbered third.
    let old = s.dir.join("0002_tags_and_priorities.sql");
    let text = std::fs::read_to_string(&old)?
        .replace(
            "-- revision: 0002_tags_and_priorities",
            "-- revision: 0003_tags_and_priorities",
        )
        .replace("-- parent: 0001_jobs", "-- parent: 0002_sizes");
    std::fs::remove_file(&old)?;
    std::fs::write(s.dir.join("0003_tags_and_priorities.sql"), text)?;
    std::fs::write(
        s.dir.join("0002_sizes.sql"),
        "-- stillroom migration\n-- revision: 0002_sizes\n-- parent: 0001_jobs\n-- message: sizes\n-- dialect: postgres\n\n-- migrate:up\nUPDATE job SET size = size * 10;\n\n-- migrate:down\nUPDATE job SET size = size / 10;\n",
    )?;
    let merged = s.history()?;
    let report = Migrator::new(&merged).schema(&v2).migrate(&mut client)?;
    assert_eq!(report.ran, ["0002_sizes"]);
    assert!(
        report
            .reconciled
            .iter()
            .any(|l| l.contains("under its new name `0003_tags_and_priorities`")),
        "{:?}",
        report.reconciled
    );
    assert_eq!(
        rows(
            &mut client,
            "SELECT revision || ' ' || how FROM stillroom_migrations ORDER BY position"
        )?,
        [
            "0001_jobs applied",
            "0002_sizes applied",
            "0003_tags_and_priorities applied"
        ]
    );
    assert_eq!(one(&mut client, "SELECT size FROM job")?, "10");
    // And the next start has nothing to do.
    let again = Migrator::new(&merged).schema(&v2).migrate(&mut client)?;
    assert!(again.ran.is_empty() && again.reconciled.is_empty());
    Ok(())
}

/// A server that is not there, or a connection string that does not parse:
/// an error that names the server (never the password) and what to check.
#[test]
fn a_connection_that_fails_names_the_server_and_not_the_password() {
    let Err(err) = connect("postgres://app:secret@127.0.0.1:1/appdb") else {
        panic!("nothing listens on port 1");
    };
    let message = err.to_string();
    assert!(matches!(err, Error::PostgresConnect { .. }), "{message}");
    assert!(message.contains("at app@127.0.0.1:1/appdb:"), "{message}");
    assert!(
        message.contains("check that the server is running"),
        "{message}"
    );
    assert!(!message.contains("secret"), "{message}");
    let Err(err) = connect("postgres://app@[unclosed/appdb") else {
        panic!("the connection string does not parse");
    };
    assert!(
        err.to_string().contains("invalid connection string"),
        "{err}"
    );
}
