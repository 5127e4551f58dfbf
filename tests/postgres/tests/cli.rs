//! The `db` command line on a PostgreSQL server: the same commands as on
//! SQLite, with `--database postgres://...`. Each command runs in a child
//! process (this test binary, re-run with the arguments in an environment
//! variable), as a user's `cargo run -- db ...` does.
//!
//! Needs `STILLROOM_TEST_POSTGRES`, as the other PostgreSQL tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use stillroom::postgres::connect;
use stillroom::{Migrations, ModelSet, Schema};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ARGS: &str = "STILLROOM_CLI_TEST_ARGS";

/// No embedded migrations: every command here is given `--dir`.
static NONE: Migrations = Migrations::__new(&[], "migrations");

mod v1 {
    #[derive(stillroom::Model)]
    #[model(table = "job")]
    pub struct Job {
        #[model(primary_key, autoincrement)]
        pub id: i64,
        pub title: String,
        pub done: bool,
    }
}

mod v2 {
    #[derive(stillroom::Model)]
    #[model(table = "job")]
    pub struct Job {
        #[model(primary_key, autoincrement)]
        pub id: i64,
        pub title: String,
        pub done: bool,
        pub note: Option<String>,
    }
}

fn models(version: &str) -> stillroom::Result<Schema> {
    Ok(match version {
        "v1" => ModelSet::new().with::<v1::Job>().build()?,
        _ => ModelSet::new().with::<v2::Job>().build()?,
    })
}

/// The program under test: `db` and the arguments in [`ARGS`] (one per
/// line, the models' version first).
#[test]
#[ignore = "run as a child process by the tests below"]
fn cli_child() {
    let Ok(args) = std::env::var(ARGS) else {
        return;
    };
    let mut args = args.lines();
    let schema = models(args.next().unwrap_or("v1")).expect("the models build");
    let code = stillroom::cli::Cli::new(&NONE)
        .name("app db")
        .schema(&schema)
        .run(args.map(str::to_owned));
    std::process::exit(if code == std::process::ExitCode::SUCCESS {
        0
    } else {
        1
    });
}

/// The server's URL with `schema` as the current schema; the suite's
/// connection string may be a URL or `key=value` pairs.
fn url_for(schema: &str) -> String {
    let given = std::env::var("STILLROOM_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!("set STILLROOM_TEST_POSTGRES: this suite runs against a real server")
    });
    let base = if given.starts_with("postgres://") || given.starts_with("postgresql://") {
        given
    } else {
        let value = |key: &str| {
            given
                .split_whitespace()
                .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
                .map(str::to_owned)
        };
        format!(
            "postgres://{}@{}:{}/{}",
            value("user").unwrap_or_else(|| "postgres".into()),
            value("host").unwrap_or_else(|| "127.0.0.1".into()),
            value("port").unwrap_or_else(|| "5432".into()),
            value("dbname").unwrap_or_else(|| "postgres".into()),
        )
    };
    let join = if base.contains('?') { '&' } else { '?' };
    format!("{base}{join}options=-csearch_path%3D{schema}")
}

struct Run {
    ok: bool,
    out: String,
}

/// Runs `app db ARGS` with the models of `version`; returns whether it
/// succeeded and what it printed (standard output and error).
fn db(version: &str, args: &[&str]) -> Result<Run, Box<dyn std::error::Error>> {
    let mut lines = vec![version.to_owned()];
    lines.extend(args.iter().map(|a| (*a).to_owned()));
    let output = Command::new(std::env::current_exe()?)
        .args([
            "--ignored",
            "--exact",
            "cli_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ARGS, lines.join("\n"))
        .env("NO_COLOR", "1")
        .env_remove("STILLROOM_DATABASE")
        .output()?;
    Ok(Run {
        ok: output.status.success(),
        out: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    })
}

struct Scratch {
    schema: String,
    dir: PathBuf,
}

impl Scratch {
    fn new(label: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let schema = format!("cli_{label}_{}", std::process::id());
        let dir = std::env::temp_dir().join(format!("stillroom-pg-{schema}"));
        let _ = std::fs::remove_dir_all(&dir);
        let conninfo = std::env::var("STILLROOM_TEST_POSTGRES")?;
        connect(&conninfo)?.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))?;
        Ok(Self { schema, dir })
    }

    fn dir(&self) -> &str {
        self.dir.to_str().expect("a UTF-8 temporary directory")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(conninfo) = std::env::var("STILLROOM_TEST_POSTGRES")
            && let Ok(mut client) = connect(&conninfo)
        {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn the_workflow_through_the_command_line() -> TestResult {
    let s = Scratch::new("flow")?;
    let url = url_for(&s.schema);
    let (dir, url) = (s.dir(), url.as_str());

    let run = db(
        "v1",
        &[
            "--dir",
            dir,
            "--database",
            url,
            "revision",
            "--autogenerate",
            "-m",
            "jobs",
        ],
    )?;
    assert!(
        run.ok && run.out.contains("wrote ") && run.out.contains("create table `job`"),
        "{}",
        run.out
    );
    let first = std::fs::read_to_string(s.dir.join("0001_jobs.sql"))?;
    assert!(
        first.contains("-- dialect: postgres")
            && first.contains("BIGINT GENERATED BY DEFAULT AS IDENTITY"),
        "{first}"
    );

    // Without a server, what needs none still works.
    let run = db("v1", &["--dir", dir, "history"])?;
    assert!(
        run.ok
            && run.out.contains("0001_jobs  jobs  (head)")
            && run.out.contains("no server given"),
        "{}",
        run.out
    );
    let run = db("v1", &["--dir", dir, "upgrade", "--sql"])?;
    assert!(
        run.ok && run.out.contains("CREATE TABLE \"job\""),
        "{}",
        run.out
    );
    let run = db("v1", &["--dir", dir, "current"])?;
    assert!(
        !run.ok
            && run
                .out
                .contains("are for PostgreSQL: give the server with --database postgres://"),
        "{}",
        run.out
    );

    let run = db("v1", &["--dir", dir, "--database", url, "upgrade"])?;
    assert!(
        run.ok && run.out.contains("applied 0001_jobs") && run.out.contains("current: 0001_jobs"),
        "{}",
        run.out
    );
    let run = db("v1", &["--dir", dir, "--database", url, "current"])?;
    assert!(
        run.ok && run.out.contains("0001_jobs (head)"),
        "{}",
        run.out
    );
    let run = db("v1", &["--dir", dir, "--database", url, "verify"])?;
    assert!(
        run.ok && run.out.contains("the database matches the models"),
        "{}",
        run.out
    );

    // A model changes: check fails until the revision is generated.
    let run = db("v2", &["--dir", dir, "--database", url, "check"])?;
    assert!(
        !run.ok && run.out.contains("check failed") && run.out.contains("note"),
        "{}",
        run.out
    );
    let run = db(
        "v2",
        &[
            "--dir",
            dir,
            "--database",
            url,
            "revision",
            "--autogenerate",
            "-m",
            "note",
        ],
    )?;
    assert!(run.ok && run.out.contains("0002_note"), "{}", run.out);
    let run = db("v2", &["--dir", dir, "--database", url, "check"])?;
    assert!(
        run.ok && run.out.contains("match the models"),
        "{}",
        run.out
    );
    let run = db("v2", &["--dir", dir, "--database", url, "history"])?;
    assert!(
        run.ok
            && run.out.contains("0001_jobs  jobs  (current)  [applied")
            && run.out.contains("0002_note  note  (head)  [pending]"),
        "{}",
        run.out
    );
    let run = db("v2", &["--dir", dir, "--database", url, "upgrade"])?;
    assert!(
        run.ok && run.out.contains("applied 0002_note"),
        "{}",
        run.out
    );
    let run = db("v2", &["--dir", dir, "--database", url, "downgrade", "-1"])?;
    assert!(
        !run.ok
            && run.out.contains("drops column `job.note`")
            && run.out.contains("--allow-data-loss"),
        "{}",
        run.out
    );
    let run = db(
        "v2",
        &[
            "--dir",
            dir,
            "--database",
            url,
            "downgrade",
            "-1",
            "--allow-data-loss",
        ],
    )?;
    assert!(
        run.ok && run.out.contains("reverted 0002_note") && run.out.contains("current: 0001_jobs"),
        "{}",
        run.out
    );
    let run = db("v2", &["--dir", dir, "--database", url, "stamp", "head"])?;
    assert!(
        run.ok && run.out.contains("stamped 0002_note"),
        "{}",
        run.out
    );

    // A revision written by hand is for the history's database.
    let run = db("v2", &["--dir", dir, "revision", "-m", "by hand"])?;
    assert!(run.ok, "{}", run.out);
    let by_hand = std::fs::read_to_string(s.dir.join("0003_by_hand.sql"))?;
    assert!(by_hand.contains("-- dialect: postgres"), "{by_hand}");

    // A data migration in Rust: the file marks the step, and the program
    // is shown the function to add.
    let run = db(
        "v2",
        &[
            "--dir",
            dir,
            "--database",
            url,
            "revision",
            "-m",
            "fill",
            "--rust",
            "fill_notes",
        ],
    )?;
    assert!(
        run.ok
            && run.out.contains("#[stillroom::step(postgres)]")
            && run
                .out
                .contains("fn fill_notes(step: &mut stillroom::postgres::Step<'_>)"),
        "{}",
        run.out
    );
    let fill = std::fs::read_to_string(s.dir.join("0004_fill.sql"))?;
    assert!(
        fill.contains("-- dialect: postgres") && fill.contains("-- rust: fill_notes"),
        "{fill}"
    );
    // This program does not register it: the start names it and runs nothing.
    let run = db("v2", &["--dir", dir, "--database", url, "upgrade"])?;
    assert!(
        !run.ok && run.out.contains("`fill_notes` (") && run.out.contains("nothing was run"),
        "{}",
        run.out
    );
    std::fs::remove_file(s.dir.join("0004_fill.sql"))?;

    // Models written from the server's schema: the same job table.
    let run = db("v2", &["--dir", dir, "--database", url, "inspect"])?;
    assert!(
        run.ok
            && run.out.contains("existing PostgreSQL schema")
            && run.out.contains("pub struct Job {")
            && run.out.contains("pub done: bool,"),
        "{}",
        run.out
    );
    let run = db("v2", &["--dir", dir, "--database", url, "adopt"])?;
    assert!(
        !run.ok && run.out.contains("already has a stillroom ledger"),
        "{}",
        run.out
    );
    Ok(())
}

#[test]
fn a_database_made_before_stillroom_is_adopted_from_the_command_line() -> TestResult {
    let s = Scratch::new("adopt")?;
    let url = url_for(&s.schema);
    let (dir, url) = (s.dir(), url.as_str());
    let run = db(
        "v1",
        &[
            "--dir",
            dir,
            "--database",
            url,
            "revision",
            "--autogenerate",
            "-m",
            "jobs",
        ],
    )?;
    assert!(run.ok, "{}", run.out);
    // The database: the same table, made by hand, with a row.
    let conninfo = std::env::var("STILLROOM_TEST_POSTGRES")?;
    let mut client = connect(&conninfo)?;
    client.batch_execute(&format!(
        "SET search_path TO {}; \
         CREATE TABLE job (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
         title VARCHAR(80) NOT NULL, done BOOLEAN NOT NULL); \
         INSERT INTO job (title, done) VALUES ('kept', true);",
        s.schema
    ))?;
    let run = db("v1", &["--dir", dir, "--database", url, "adopt", "--sql"])?;
    assert!(
        run.ok && run.out.contains("at revision 0001_jobs") && run.out.contains("TYPE TEXT"),
        "{}",
        run.out
    );
    let run = db("v1", &["--dir", dir, "--database", url, "adopt"])?;
    assert!(
        run.ok
            && run
                .out
                .contains("adopted the existing database at 0001_jobs"),
        "{}",
        run.out
    );
    let run = db("v1", &["--dir", dir, "--database", url, "verify"])?;
    assert!(run.ok, "{}", run.out);
    let title: String = client.query_one("SELECT title FROM job", &[])?.get(0);
    assert_eq!(title, "kept");
    Ok(())
}

#[test]
fn a_sqlite_history_is_not_run_on_a_server() -> TestResult {
    let s = Scratch::new("wrong")?;
    let url = url_for(&s.schema);
    let dir = s.dir();
    // A SQLite history: generated without a server.
    let run = db(
        "v1",
        &["--dir", dir, "revision", "--autogenerate", "-m", "jobs"],
    )?;
    assert!(run.ok, "{}", run.out);
    let run = db("v1", &["--dir", dir, "--database", &url, "upgrade"])?;
    assert!(
        !run.ok && run.out.contains("SQLite") && run.out.contains("PostgreSQL"),
        "{}",
        run.out
    );
    let conninfo = std::env::var("STILLROOM_TEST_POSTGRES")?;
    let mut client = connect(&conninfo)?;
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = $1",
            &[&s.schema],
        )?
        .get(0);
    assert_eq!(tables, 0, "nothing was created on the server");
    Ok(())
}

#[test]
fn two_branches_are_merged_squashed_and_an_edit_accepted_on_the_server() -> TestResult {
    let s = Scratch::new("team")?;
    let url = url_for(&s.schema);
    let (dir, url) = (s.dir(), url.as_str());
    fn at<'a>(dir: &'a str, url: &'a str, args: &[&'a str]) -> Vec<&'a str> {
        let mut all = vec!["--dir", dir, "--database", url];
        all.extend_from_slice(args);
        all
    }
    for (models, message) in [("v1", "jobs"), ("v2", "note")] {
        let run = db(
            models,
            &at(dir, url, &["revision", "--autogenerate", "-m", message]),
        )?;
        assert!(run.ok, "{}", run.out);
    }
    // Another branch's revision on the same parent.
    std::fs::write(
        s.dir.join("0002_flags.sql"),
        "-- stillroom migration\n-- revision: 0002_flags\n-- parent: 0001_jobs\n-- message: flags\n-- dialect: postgres\n\n-- migrate:up\nUPDATE job SET done = false WHERE title = '';\n\n-- migrate:down\nSELECT 1;\n",
    )?;
    let run = db("v2", &["--dir", dir, "heads"])?;
    assert!(
        run.out.contains("2 heads: `0002_flags` and `0002_note`"),
        "{}",
        run.out
    );
    // A PostgreSQL history is tried on the server: one must be given.
    let before = files(&s.dir);
    let run = db("v2", &["--dir", dir, "merge"])?;
    assert!(
        !run.ok && run.out.contains("give the server with --database"),
        "{}",
        run.out
    );
    assert_eq!(files(&s.dir), before);
    let run = db("v2", &at(dir, url, &["merge"]))?;
    assert!(
        run.ok
            && run
                .out
                .contains("renamed 0002_note -> 0003_note (after 0002_flags)")
            && run
                .out
                .contains("The merged history produces the models' schema."),
        "{}",
        run.out
    );
    let run = db("v2", &at(dir, url, &["upgrade"]))?;
    assert!(
        run.ok && run.out.contains("applied 0003_note") && run.out.contains("current: 0003_note"),
        "{}",
        run.out
    );

    // A reviewed edit of an applied revision is accepted, not re-run.
    let flags = s.dir.join("0002_flags.sql");
    std::fs::write(
        &flags,
        std::fs::read_to_string(&flags)? + "-- Reviewed: only blank titles.\n",
    )?;
    let run = db("v2", &at(dir, url, &["upgrade"]))?;
    assert!(!run.ok && run.out.contains("accept-edited"), "{}", run.out);
    let run = db("v2", &at(dir, url, &["accept-edited", "0002_flags"]))?;
    assert!(
        run.ok && run.out.contains("accepted the current text of 0002_flags"),
        "{}",
        run.out
    );
    let run = db("v2", &at(dir, url, &["upgrade"]))?;
    assert!(run.ok && run.out.contains("nothing to do"), "{}", run.out);

    // The three folded into one; the database follows at its next start.
    let run = db("v2", &at(dir, url, &["squash", "--to", "0003"]))?;
    assert!(
        run.ok
            && run.out.contains("which replaces 0001_jobs, 0002_flags")
            && run.out.contains("review:")
            && run.out.contains("UPDATE job SET done = false"),
        "{}",
        run.out
    );
    assert_eq!(files(&s.dir), ["0003_note.sql"]);
    let squashed = std::fs::read_to_string(s.dir.join("0003_note.sql"))?;
    assert!(
        squashed.contains("-- dialect: postgres") && squashed.contains("CREATE TABLE \"job\""),
        "{squashed}"
    );
    let run = db("v2", &at(dir, url, &["upgrade"]))?;
    assert!(
        run.ok && run.out.contains("which a squash made of them"),
        "{}",
        run.out
    );
    let run = db("v2", &at(dir, url, &["verify"]))?;
    assert!(run.ok, "{}", run.out);
    Ok(())
}
