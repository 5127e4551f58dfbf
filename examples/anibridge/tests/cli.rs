//! The `anibridge` binary driven as a user drives it: `anibridge db <command>`
//! (the stillroom command line) and `anibridge` (the application), each run as
//! a process against a scratch directory, asserting on exit codes and output.

use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::Connection;

const BIN: &str = env!("CARGO_BIN_EXE_anibridge");
const MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");

const R1: &str = "0001_initial_schema";
const R2: &str = "0002_add_site_to_the_availability_key";
const R3: &str = "0003_job_priority_client_task_title";
const HEAD: &str = R3;

/// A guard against a hung process, not a timing assertion: the machine may be
/// slow and busy, so it is very generous.
const HANG: Duration = Duration::from_secs(600);

/// The environment variables the binary reads; every run starts without them.
const ENV: [&str; 3] = ["ANIBRIDGE_DB", "STILLROOM_DATABASE", "NO_COLOR"];

// ---------------------------------------------------------------------------
// Scratch directories and running the binary
// ---------------------------------------------------------------------------

/// A unique directory under the system's temp dir, removed when dropped.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "anibridge-cli-test-{}-{}-{label}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create the scratch directory");
        Self { path }
    }

    fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// A copy of the committed migrations in `name`, without the files
    /// whose names `skip` accepts.
    fn migrations_without(&self, name: &str, skip: impl Fn(&str) -> bool) -> PathBuf {
        let dir = self.join(name);
        fs::create_dir_all(&dir).expect("create the migrations copy");
        for entry in fs::read_dir(MIGRATIONS).expect("read the committed migrations") {
            let path = entry.expect("read a directory entry").path();
            let file = path
                .file_name()
                .and_then(OsStr::to_str)
                .expect("a UTF-8 file name")
                .to_owned();
            if file.ends_with(".sql") && !skip(&file) {
                fs::copy(&path, dir.join(&file)).expect("copy a migration");
            }
        }
        dir
    }

    /// A copy of the committed migrations in `name`.
    fn migrations(&self, name: &str) -> PathBuf {
        self.migrations_without(name, |_| false)
    }

    /// `anibridge <args>` run in this directory.
    fn anibridge<S: AsRef<OsStr>>(&self, args: impl IntoIterator<Item = S>) -> Invocation {
        let mut command = Command::new(BIN);
        command.args(args).current_dir(&self.path);
        for var in ENV {
            command.env_remove(var);
        }
        Invocation { command }
    }

    /// `anibridge db --dir DIR --database DB <args>` run in this directory
    /// (the global options first, so `--` can precede the arguments).
    fn db(&self, dir: &Path, database: &Path, args: &[&str]) -> Run {
        let mut all: Vec<&OsStr> = vec![
            "db".as_ref(),
            "--dir".as_ref(),
            dir.as_os_str(),
            "--database".as_ref(),
            database.as_os_str(),
        ];
        all.extend(args.iter().map(OsStr::new));
        self.anibridge(all).run()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// A command about to run.
struct Invocation {
    command: Command,
}

impl Invocation {
    fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// Runs it to the end, stdout and stderr piped (so neither is a terminal).
    fn run(mut self) -> Run {
        let what = format!("{:?}", self.command);
        let mut child = self
            .command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {what}: {e}"));
        let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
            thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
        let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for the process") {
                break status;
            }
            if started.elapsed() > HANG {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what} still running after {HANG:?}: killed");
            }
            thread::sleep(Duration::from_millis(20));
        };
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8 output");
        Run {
            what,
            code: status.code(),
            stdout: text(stdout.join().expect("read stdout")),
            stderr: text(stderr.join().expect("read stderr")),
        }
    }
}

/// A finished process.
struct Run {
    what: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn exits(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "unexpected exit code\n{self}");
        self
    }

    #[track_caller]
    fn ok(&self) -> &Self {
        self.exits(0)
    }

    #[track_caller]
    fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{self}"
        );
        self
    }

    #[track_caller]
    fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{self}"
        );
        self
    }

    /// The non-empty lines of stdout.
    fn lines(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "command: {}\nexit: {:?}\n--- stdout\n{}--- stderr\n{}---",
            self.what, self.code, self.stdout, self.stderr
        )
    }
}

// ---------------------------------------------------------------------------
// Reading databases and files
// ---------------------------------------------------------------------------

type SchemaRow = (String, String, String, Option<String>);

/// `sqlite_schema` without stillroom's verification cache table, in a stable
/// order (root pages left out: they depend on the order of creation).
fn schema_of(path: &Path) -> Vec<SchemaRow> {
    let conn = Connection::open(path).expect("open the database");
    let mut stmt = conn
        .prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema \
             WHERE name <> 'stillroom_state' ORDER BY type, name",
        )
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query sqlite_schema")
        .collect::<rusqlite::Result<_>>()
        .expect("read sqlite_schema")
}

/// The ledger: revision, parent, position, checksum, how.
fn ledger_of(path: &Path) -> Vec<(String, Option<String>, i64, String, String)> {
    let conn = Connection::open(path).expect("open the database");
    let mut stmt = conn
        .prepare(
            "SELECT revision, parent, position, checksum, how FROM stillroom_migrations ORDER BY position",
        )
        .expect("prepare");
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .expect("query the ledger")
    .collect::<rusqlite::Result<_>>()
    .expect("read the ledger")
}

/// Runs `script` with the `sqlite3` program on `db`, as a user would
/// (`sqlite3 app.db < script.sql`). `None` (with a note) when the program is
/// missing, unless `STILLROOM_REQUIRE_SQLITE3` is set (CI installs it and
/// sets it), which makes that a failure.
fn sqlite3(db: &Path, script: &str) -> Option<std::process::Output> {
    use std::io::Write as _;
    let child = Command::new("sqlite3")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if std::env::var_os("STILLROOM_REQUIRE_SQLITE3").is_none() => {
            eprintln!(
                "skipped: no `sqlite3` program ({e}); install it (Debian: sqlite3) to run this test"
            );
            return None;
        }
        Err(e) => panic!("STILLROOM_REQUIRE_SQLITE3 is set but `sqlite3` cannot run: {e}"),
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write the script");
    Some(child.wait_with_output().expect("sqlite3 ran"))
}

fn sql_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read the migrations directory")
        .map(|e| {
            e.expect("read a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    names
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A migration file from its `-- migrate:up` marker on (the header names the
/// revision and message, which differ by design), whitespace normalised.
fn body(text: &str) -> String {
    let at = text
        .find("-- migrate:up")
        .expect("a `-- migrate:up` marker");
    text[at..].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The path and its SQLite side files do not exist.
#[track_caller]
fn assert_no_database(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        assert!(!file.exists(), "{} exists", file.display());
    }
}

// ---------------------------------------------------------------------------
// 1. The workflow
// ---------------------------------------------------------------------------

#[test]
fn workflow_upgrade_inspect_downgrade_and_back() {
    let s = Scratch::new("workflow");
    let dir = s.migrations("migrations");
    let db = s.join("work.db");

    let up = s.db(&dir, &db, &["upgrade"]);
    up.ok()
        .stdout_has(&format!("applied {R1}"))
        .stdout_has(&format!("applied {R2}"))
        .stdout_has(&format!("applied {R3}"))
        .stdout_has(&format!("current: {HEAD}"));
    let order: Vec<usize> = [R1, R2, R3]
        .iter()
        .map(|r| up.stdout.find(r).expect("each revision named"))
        .collect();
    assert!(order.is_sorted(), "applied oldest first\n{up}");
    assert!(db.exists(), "upgrade creates the database");

    let current = s.db(&dir, &db, &["current"]);
    current.ok();
    assert_eq!(current.lines(), [format!("{HEAD} (head)")], "{current}");

    let history = s.db(&dir, &db, &["history"]);
    history.ok();
    let lines = history.lines();
    assert_eq!(lines.len(), 3, "{history}");
    for (line, revision) in lines.iter().zip([R1, R2, R3]) {
        assert!(line.starts_with(revision), "oldest first\n{history}");
        assert!(line.contains("[applied "), "{revision} applied\n{history}");
        assert!(!line.contains("pending"), "{history}");
    }
    assert!(
        lines[2].contains("(head)  (current)") && !lines[1].contains("(current)"),
        "{history}"
    );

    // `downgrade -1` is refused by the argument parser (see
    // `downgrade_minus_one_is_a_relative_target`); after `--` it works.
    s.db(&dir, &db, &["downgrade", "--", "-1"])
        .ok()
        .stdout_has(&format!("reverted {R3}"))
        .stdout_has(&format!("current: {R2}"));
    let current = s.db(&dir, &db, &["current"]);
    current.ok();
    assert_eq!(current.lines()[0], R2, "{current}");
    current.stdout_has(&format!("1 pending: {R3}"));
    assert!(!current.stdout.contains("(head)"), "{current}");
    let history = s.db(&dir, &db, &["history"]);
    history.ok();
    let lines = history.lines();
    assert!(lines[1].contains("[applied "), "{history}");
    assert!(
        lines[2].starts_with(R3) && lines[2].contains("[pending]"),
        "{history}"
    );
    assert!(
        lines[1].contains("(current)")
            && lines[2].contains("(head)")
            && !lines[2].contains("(current)"),
        "{history}"
    );

    let again = s.db(&dir, &db, &["upgrade"]);
    again.ok().stdout_has(&format!("applied {R3}"));
    assert!(!again.stdout.contains(&format!("applied {R1}")), "{again}");
    let current = s.db(&dir, &db, &["current"]);
    current.ok();
    assert_eq!(current.lines(), [format!("{HEAD} (head)")], "{current}");
    s.db(&dir, &db, &["upgrade"])
        .ok()
        .stdout_has("nothing to do");

    s.db(&dir, &db, &["check"])
        .ok()
        .stdout_has("match the models");
    s.db(&dir, &db, &["verify"])
        .ok()
        .stdout_has("the database matches the models");

    let heads = s.db(&dir, &db, &["heads"]);
    heads.ok();
    assert_eq!(heads.lines().len(), 1, "one head\n{heads}");
    assert!(heads.lines()[0].starts_with(HEAD), "{heads}");

    let show = s.db(&dir, &db, &["show", "0002"]);
    show.ok();
    assert_eq!(show.stdout, read(&dir.join(format!("{R2}.sql"))), "{show}");
}

#[test]
fn downgrade_minus_one_is_a_relative_target() {
    let s = Scratch::new("minus-one");
    let dir = s.migrations("migrations");
    let db = s.join("work.db");
    s.db(&dir, &db, &["upgrade"]).ok();
    s.db(&dir, &db, &["downgrade", "-1"])
        .ok()
        .stdout_has(&format!("reverted {R3}"))
        .stdout_has(&format!("current: {R2}"));
    let current = s.db(&dir, &db, &["current"]);
    current.ok();
    assert_eq!(current.lines()[0], R2, "{current}");
}

#[test]
fn relative_upgrade_applies_one_revision() {
    let s = Scratch::new("plus-one");
    let dir = s.migrations("migrations");
    let db = s.join("work.db");
    s.db(&dir, &db, &["upgrade", R1])
        .ok()
        .stdout_has(&format!("current: {R1}"));
    let up = s.db(&dir, &db, &["upgrade", "+1"]);
    up.ok()
        .stdout_has(&format!("applied {R2}"))
        .stdout_has(&format!("current: {R2}"));
    assert!(!up.stdout.contains(R3), "{up}");
    s.db(&dir, &db, &["downgrade", "base"])
        .ok()
        .stdout_has(&format!("reverted {R2}"))
        .stdout_has(&format!("reverted {R1}"))
        .stdout_has("current: base");
    let current = s.db(&dir, &db, &["current"]);
    current.ok().stdout_has("base").stdout_has("3 pending");
}

// ---------------------------------------------------------------------------
// 2. Offline SQL
// ---------------------------------------------------------------------------

#[test]
fn upgrade_sql_prints_the_script_and_uses_no_database() {
    let s = Scratch::new("sql");
    let dir = s.migrations("migrations");
    let fresh = s.join("never-created.db");

    let sql = s.db(&dir, &fresh, &["upgrade", "--sql"]);
    sql.ok()
        .stdout_has("BEGIN IMMEDIATE;")
        .stdout_has("COMMIT;")
        // One statement from each revision.
        .stdout_has(r#"CREATE TABLE "job" ("#)
        .stdout_has(r#"PRIMARY KEY ("slug", "season", "episode", "language", "site")"#)
        .stdout_has(r#"ALTER TABLE "clienttask" RENAME COLUMN "name" TO "title";"#)
        .stdout_has(r#"ALTER TABLE "job" ADD COLUMN "priority" INTEGER NOT NULL DEFAULT 0;"#)
        .stdout_has(r#"CREATE INDEX "ix_job_priority" ON "job" ("priority");"#);
    let begin = sql.stdout.find("BEGIN IMMEDIATE").expect("BEGIN");
    let commit = sql.stdout.rfind("COMMIT").expect("COMMIT");
    let at: Vec<usize> = [R1, R2, R3]
        .iter()
        .map(|r| {
            sql.stdout
                .find(&format!("-- {r} (up)"))
                .unwrap_or_else(|| panic!("{r}'s up part\n{sql}"))
        })
        .collect();
    assert!(begin < at[0] && at.is_sorted() && at[2] < commit, "{sql}");
    assert!(
        !sql.stdout.contains("(down)") && !sql.stdout.contains("DROP COLUMN"),
        "no down parts\n{sql}"
    );
    assert_no_database(&fresh);
}

#[test]
fn upgrade_sql_script_builds_the_same_database_as_upgrade() {
    let s = Scratch::new("sql-same");
    let dir = s.migrations("migrations");

    let sql = s.db(&dir, &s.join("unused.db"), &["upgrade", "--sql"]);
    sql.ok();
    let by_script = s.join("by-script.db");
    let Some(run) = sqlite3(&by_script, &sql.stdout) else {
        return;
    };
    assert!(
        run.status.success(),
        "the script fails: {}\n{sql}",
        String::from_utf8_lossy(&run.stderr)
    );

    let by_upgrade = s.join("by-upgrade.db");
    s.db(&dir, &by_upgrade, &["upgrade"]).ok();

    let schema = schema_of(&by_upgrade);
    assert!(
        schema
            .iter()
            .any(|(_, name, _, _)| name == "ix_job_priority"),
        "{schema:#?}"
    );
    assert_eq!(schema_of(&by_script), schema);
    let ledger = ledger_of(&by_script);
    assert_eq!(
        ledger
            .iter()
            .map(|(revision, ..)| revision.as_str())
            .collect::<Vec<_>>(),
        [R1, R2, R3]
    );
    // Same revisions, parents, positions and checksums ("how" included).
    assert_eq!(ledger, ledger_of(&by_upgrade));

    // The command line accepts the database the script made.
    let current = s.db(&dir, &by_script, &["current"]);
    current.ok();
    assert_eq!(current.lines(), [format!("{HEAD} (head)")], "{current}");
    s.db(&dir, &by_script, &["verify"]).ok();
}

#[test]
fn downgrade_sql_from_head_prints_the_down_parts_newest_first() {
    let s = Scratch::new("sql-down");
    let dir = s.migrations("migrations");
    let fresh = s.join("never-created.db");

    let sql = s.db(
        &dir,
        &fresh,
        &["downgrade", "base", "--sql", "--from", HEAD],
    );
    sql.ok()
        .stdout_has("BEGIN IMMEDIATE;")
        .stdout_has("COMMIT;")
        .stdout_has(r#"DROP INDEX "ix_job_priority";"#)
        .stdout_has(r#"ALTER TABLE "job" DROP COLUMN "priority";"#)
        .stdout_has(r#"DROP TABLE "clienttask";"#);
    let at: Vec<usize> = [R3, R2, R1]
        .iter()
        .map(|r| {
            sql.stdout
                .find(&format!("-- {r} (down)"))
                .unwrap_or_else(|| panic!("{r}'s down part\n{sql}"))
        })
        .collect();
    assert!(at.is_sorted(), "newest first\n{sql}");
    assert!(!sql.stdout.contains("(up)"), "no up parts\n{sql}");
    for r in [R1, R2, R3] {
        sql.stdout_has(&format!(
            "DELETE FROM stillroom_migrations WHERE revision = '{r}';"
        ));
    }
    assert_no_database(&fresh);

    // `--from` defaults to head.
    let default = s.db(&dir, &fresh, &["downgrade", "base", "--sql"]);
    default.ok();
    assert_eq!(default.stdout, sql.stdout);
    assert_no_database(&fresh);
}

// ---------------------------------------------------------------------------
// 3. Exit codes
// ---------------------------------------------------------------------------

#[test]
fn usage_errors_exit_2() {
    let s = Scratch::new("usage");
    let dir = s.migrations("migrations");
    let db = s.join("work.db");

    s.db(&dir, &db, &["frobnicate"])
        .exits(2)
        .stderr_has("frobnicate");
    s.db(&dir, &db, &["revision"])
        .exits(2)
        .stderr_has("--message");
    s.db(&dir, &db, &["downgrade"])
        .exits(2)
        .stderr_has("<TARGET>");
    s.db(&dir, &db, &["upgrade", "--from", R1])
        .exits(2)
        .stderr_has("--sql");
    s.anibridge(["db"]).run().exits(2).stderr_has("Usage");
    s.anibridge(["--frobnicate"])
        .run()
        .exits(2)
        .stderr_has("usage: anibridge");
    // None of them touched a database or the migrations.
    assert_no_database(&db);
    assert_no_database(&s.join("anibridge.db"));
    assert_eq!(sql_files(&dir).len(), 3);
}

#[test]
fn relative_targets_are_symmetric_and_wrong_directions_say_so() {
    let s = Scratch::new("relative-both-ways");
    let dir = s.migrations("migrations");
    let db = s.join("work.db");
    s.db(&dir, &db, &["upgrade", "+2"])
        .ok()
        .stdout_has(&format!("current: {R2}"));
    s.db(&dir, &db, &["upgrade", "-1"])
        .exits(1)
        .stderr_has("`-1` goes back: use `downgrade -1`");
    s.db(&dir, &db, &["downgrade", "+1"])
        .exits(1)
        .stderr_has("`+1` goes forward: use `upgrade +1`");
    s.db(&dir, &db, &["upgrade", "+5"])
        .exits(1)
        .stderr_has("goes past the head of the history, which has 3 revisions");
    s.db(&dir, &db, &["downgrade", "-1"])
        .ok()
        .stdout_has(&format!("current: {R1}"));
}

#[test]
fn help_and_version_for_the_app_and_its_db_commands() {
    let s = Scratch::new("help");
    s.anibridge(["--help"])
        .run()
        .ok()
        .stdout_has("usage: anibridge [db <command>]")
        .stdout_has("anibridge db --help");
    let version = s.anibridge(["db", "--version"]).run();
    version.ok();
    assert_eq!(
        version.stdout.trim(),
        format!(
            "anibridge db {} (stillroom {})",
            env!("CARGO_PKG_VERSION"),
            env!("CARGO_PKG_VERSION")
        )
    );
    s.anibridge(["db", "--help"])
        .run()
        .ok()
        .stdout_has("Usage: anibridge db [OPTIONS] <COMMAND>")
        .stdout_has("adopt");
    assert_no_database(&s.join("anibridge.db"));
}

#[test]
fn current_on_a_missing_database_exits_1_and_creates_nothing() {
    let s = Scratch::new("missing");
    let dir = s.migrations("migrations");
    let db = s.join("missing.db");

    s.db(&dir, &db, &["current"])
        .exits(1)
        .stderr_has("error")
        .stderr_has("missing.db");
    assert_no_database(&db);
    s.db(&dir, &db, &["verify"]).exits(1);
    s.db(&dir, &db, &["downgrade", "base"]).exits(1);
    assert_no_database(&db);

    // `history` reads the migrations, marks the head, and says there is no
    // database (rather than calling every revision pending); still no
    // database.
    let history = s.db(&dir, &db, &["history"]);
    history.ok();
    let lines = history.lines();
    assert_eq!(lines.len(), 4, "{history}");
    assert!(
        lines[2].ends_with("(head)") && !lines.iter().any(|l| l.contains("pending]")),
        "{history}"
    );
    assert!(
        lines[3].starts_with("(no database at ") && lines[3].contains("missing.db"),
        "{history}"
    );
    assert_no_database(&db);
}

#[test]
fn stamp_of_an_unknown_revision_exits_1() {
    let s = Scratch::new("stamp");
    let dir = s.migrations("migrations");
    let db = s.join("work.db");
    s.db(&dir, &db, &["upgrade"]).ok();

    s.db(&dir, &db, &["stamp", "nosuchrevision"])
        .exits(1)
        .stderr_has("nosuchrevision");
    // The ledger is untouched.
    let current = s.db(&dir, &db, &["current"]);
    current.ok();
    assert_eq!(current.lines(), [format!("{HEAD} (head)")], "{current}");

    // A known revision is recorded without running anything.
    s.db(&dir, &db, &["stamp", R1])
        .ok()
        .stdout_has(&format!("stamped {R1}"));
    let current = s.db(&dir, &db, &["current"]);
    current.ok().stdout_has("2 pending");
    assert_eq!(current.lines()[0], R1, "{current}");
    s.db(&dir, &db, &["stamp", "head"]).ok();
    s.db(&dir, &db, &["verify"]).ok();
}

#[test]
fn check_fails_when_a_model_change_has_no_migration() {
    let s = Scratch::new("check");
    // Without its last revision, the migrations lag behind the models: the
    // models carry a change no migration covers.
    let dir = s.migrations_without("migrations", |f| f.starts_with("0003_"));
    assert_eq!(sql_files(&dir).len(), 2);

    let check = s.db(&dir, &s.join("unused.db"), &["check"]);
    check
        .exits(1)
        .stderr_has("check failed")
        .stderr_has("job.priority")
        .stderr_has("clienttask.name")
        .stderr_has("ix_job_priority");
    assert!(check.stdout.is_empty(), "{check}");
    // check writes nothing.
    assert_eq!(sql_files(&dir).len(), 2);
}

#[test]
fn verify_fails_on_a_column_added_by_hand() {
    let s = Scratch::new("verify");
    let dir = s.migrations("migrations");
    let db = s.join("work.db");
    s.db(&dir, &db, &["upgrade"]).ok();
    s.db(&dir, &db, &["verify"]).ok();

    Connection::open(&db)
        .expect("open the database")
        .execute_batch("ALTER TABLE job ADD COLUMN note TEXT")
        .expect("add a column by hand");

    let verify = s.db(&dir, &db, &["verify"]);
    verify
        .exits(1)
        .stderr_has("verify failed")
        .stderr_has("job.note");
    assert!(verify.stdout.is_empty(), "{verify}");
}

// ---------------------------------------------------------------------------
// 4. New revisions
// ---------------------------------------------------------------------------

#[test]
fn revision_without_autogenerate_writes_an_empty_migration_on_the_head() {
    let s = Scratch::new("revision");
    let dir = s.migrations("migrations");

    let revision = s.db(
        &dir,
        &s.join("unused.db"),
        &["revision", "-m", "hand written"],
    );
    revision.ok().stdout_has("0004_hand_written.sql");
    let path = dir.join("0004_hand_written.sql");
    let text = read(&path);
    assert!(text.contains("-- revision: 0004_hand_written\n"), "{text}");
    assert!(text.contains(&format!("-- parent: {R3}\n")), "{text}");
    assert!(text.contains("-- message: hand written\n"), "{text}");
    assert!(
        text.contains("-- migrate:up") && text.contains("-- migrate:down"),
        "{text}"
    );
    assert!(
        text.lines()
            .all(|l| l.trim().is_empty() || l.starts_with("--")),
        "no SQL in an empty revision:\n{text}"
    );
    assert_eq!(sql_files(&dir).len(), 4);

    // It is the new head, and it applies.
    let heads = s.db(&dir, &s.join("unused.db"), &["heads"]);
    heads.ok();
    assert_eq!(heads.lines().len(), 1, "{heads}");
    assert!(heads.lines()[0].starts_with("0004_hand_written"), "{heads}");
    let db = s.join("work.db");
    s.db(&dir, &db, &["upgrade"])
        .ok()
        .stdout_has("applied 0004_hand_written")
        .stdout_has("current: 0004_hand_written");
}

#[test]
fn autogenerate_recreates_the_committed_third_revision() {
    let s = Scratch::new("autogenerate");
    let dir = s.migrations_without("migrations", |f| f.starts_with("0003_"));
    let unused = s.join("unused.db");

    let generated = s.db(&dir, &unused, &["revision", "--autogenerate", "-m", "x"]);
    generated
        .ok()
        .stdout_has("0003_x.sql")
        .stdout_has("rename column `clienttask.name` to `title`")
        .stdout_has("add column `job.priority`")
        .stdout_has("create index `ix_job_priority`");
    assert!(!generated.stdout.contains("data loss"), "{generated}");
    assert_eq!(
        sql_files(&dir),
        [
            format!("{R1}.sql"),
            format!("{R2}.sql"),
            "0003_x.sql".to_owned()
        ]
    );

    let text = read(&dir.join("0003_x.sql"));
    assert!(text.contains("-- revision: 0003_x\n"), "{text}");
    assert!(text.contains(&format!("-- parent: {R2}\n")), "{text}");
    let committed = read(&Path::new(MIGRATIONS).join(format!("{R3}.sql")));
    assert_eq!(body(&text), body(&committed), "the same up and down parts");

    // And the same database.
    let generated_db = s.join("generated.db");
    let committed_db = s.join("committed.db");
    s.db(&dir, &generated_db, &["upgrade"]).ok();
    s.db(Path::new(MIGRATIONS), &committed_db, &["upgrade"])
        .ok();
    assert_eq!(schema_of(&generated_db), schema_of(&committed_db));
    s.db(&dir, &unused, &["check"]).ok();

    let again = s.db(&dir, &unused, &["revision", "--autogenerate", "-m", "y"]);
    again.ok().stdout_has("nothing to do");
    assert_eq!(sql_files(&dir).len(), 3, "nothing written\n{again}");
    assert_no_database(&unused);
}

// ---------------------------------------------------------------------------
// 5. Environment
// ---------------------------------------------------------------------------

#[test]
fn stillroom_database_names_the_database_when_the_flag_does_not() {
    let s = Scratch::new("env-stillroom");
    let from_env = s.join("from-env.db");
    let from_flag = s.join("from-flag.db");
    let app_db = s.join("app.db");

    s.anibridge(["db", "upgrade"])
        .env("STILLROOM_DATABASE", &from_env)
        .env("ANIBRIDGE_DB", &app_db)
        .run()
        .ok()
        .stdout_has(&format!("applied {R1}"));
    assert!(from_env.exists());
    assert_no_database(&app_db);
    assert_no_database(&s.join("anibridge.db"));

    let current = s
        .anibridge(["db", "current"])
        .env("STILLROOM_DATABASE", &from_env)
        .run();
    current.ok();
    assert_eq!(current.lines(), [format!("{HEAD} (head)")], "{current}");

    // --database wins over the variable.
    let mut args: Vec<&OsStr> = vec!["db".as_ref(), "--database".as_ref()];
    args.push(from_flag.as_os_str());
    args.push("upgrade".as_ref());
    s.anibridge(&args)
        .env("STILLROOM_DATABASE", &from_env)
        .run()
        .ok()
        .stdout_has(&format!("applied {R1}"));
    assert!(from_flag.exists());

    // An empty variable counts as unset.
    s.anibridge(["db", "current"])
        .env("STILLROOM_DATABASE", "")
        .env("ANIBRIDGE_DB", &app_db)
        .run()
        .exits(1)
        .stderr_has("app.db");
}

#[test]
fn anibridge_db_names_the_database_of_the_app_and_of_db_commands() {
    let s = Scratch::new("env-anibridge");
    let db = s.join("app.db");

    s.anibridge(["db", "upgrade"])
        .env("ANIBRIDGE_DB", &db)
        .run()
        .ok()
        .stdout_has(&format!("current: {HEAD}"));
    assert!(db.exists());
    assert_no_database(&s.join("anibridge.db"));

    // The app finds the database the command line migrated.
    s.anibridge(std::iter::empty::<&str>())
        .env("ANIBRIDGE_DB", &db)
        .run()
        .ok()
        .stdout_has("up to date");
    let history = s
        .anibridge(["db", "history"])
        .env("ANIBRIDGE_DB", &db)
        .run();
    history.ok();
    assert!(
        history.lines().iter().all(|l| l.contains("[applied ")),
        "{history}"
    );
    assert_no_database(&s.join("anibridge.db"));
}

#[test]
fn without_any_setting_the_database_is_anibridge_db_in_the_working_directory() {
    let s = Scratch::new("env-default");
    let default = s.join("anibridge.db");

    s.anibridge(["db", "current"])
        .run()
        .exits(1)
        .stderr_has("anibridge.db");
    s.anibridge(["db", "upgrade"]).run().ok();
    assert!(default.exists());
    s.anibridge(std::iter::empty::<&str>())
        .run()
        .ok()
        .stdout_has("anibridge.db")
        .stdout_has("up to date");
}

#[test]
fn the_app_migrates_then_finds_the_database_up_to_date() {
    let s = Scratch::new("app");
    let db = s.join("app.db");

    let first = s
        .anibridge(std::iter::empty::<&str>())
        .env("ANIBRIDGE_DB", &db)
        .run();
    first
        .ok()
        .stdout_has("migrated")
        .stdout_has(&format!("applied {R1}, {R2}, {R3}"))
        .stdout_has(&format!("revision: {HEAD}"));
    assert!(!first.stdout.contains("marked"), "{first}");
    assert!(!first.stdout.contains("up to date"), "{first}");

    let second = s
        .anibridge(std::iter::empty::<&str>())
        .env("ANIBRIDGE_DB", &db)
        .run();
    second
        .ok()
        .stdout_has("up to date")
        .stdout_has("marked 1 job(s) left running by the previous process as failed")
        .stdout_has(&format!("revision: {HEAD}"));
    assert!(!second.stdout.contains("migrated"), "{second}");

    // What the app wrote passes the command line's checks.
    let dir = Path::new(MIGRATIONS);
    s.db(dir, &db, &["verify"]).ok();
    let current = s.db(dir, &db, &["current"]);
    current.ok();
    assert_eq!(current.lines(), [format!("{HEAD} (head)")], "{current}");
    let conn = Connection::open(&db).expect("open the database");
    let failed: i64 = conn
        .query_row(
            "SELECT count(*) FROM job WHERE status = 'failed'",
            [],
            |r| r.get(0),
        )
        .expect("count failed jobs");
    assert_eq!(failed, 1);
}

// ---------------------------------------------------------------------------
// 6. Colour
// ---------------------------------------------------------------------------

#[test]
fn no_colour_when_stdout_is_not_a_terminal() {
    let s = Scratch::new("colour");
    let dir = s.migrations("migrations");
    let lagging = s.migrations_without("lagging", |f| f.starts_with("0003_"));
    let db = s.join("work.db");

    let mut runs = Vec::new();
    for args in [
        &["upgrade"][..],
        &["current"],
        &["history"],
        &["downgrade", "base"],
        &["history"],
        &["upgrade"],
        &["verify"],
        &["check"],
        &["stamp", "nosuchrevision"],
    ] {
        runs.push(s.db(&dir, &db, args));
    }
    runs.push(s.db(&lagging, &db, &["check"]));
    runs.push(s.db(&dir, &s.join("missing.db"), &["current"]));
    runs.push(
        s.anibridge(std::iter::empty::<&str>())
            .env("ANIBRIDGE_DB", s.join("app.db"))
            .env("TERM", "xterm-256color")
            .run(),
    );
    let reverted = &runs[3];
    reverted.ok().stdout_has(&format!("reverted {R1}"));
    assert!(runs[4].stdout.contains("pending"), "{}", runs[4]);
    runs[9].exits(1);
    for run in &runs {
        assert!(
            !run.stdout.contains("\x1b[") && !run.stderr.contains("\x1b["),
            "escape sequence in the output\n{run}"
        );
    }
}

// ---------------------------------------------------------------------------
// 7. Help
// ---------------------------------------------------------------------------

#[test]
fn help_lists_the_commands_and_the_options() {
    let s = Scratch::new("help");

    let help = s.anibridge(["db", "--help"]).run();
    help.ok().stdout_has("Usage: anibridge db");
    for command in [
        "revision",
        "upgrade",
        "downgrade",
        "current",
        "history",
        "heads",
        "show",
        "stamp",
        "check",
        "verify",
        "accept-edited",
    ] {
        assert!(
            help.lines()
                .iter()
                .any(|l| l.trim_start().starts_with(command)),
            "{command} listed\n{help}"
        );
    }
    help.stdout_has("--database").stdout_has("--dir");

    let upgrade = s.anibridge(["db", "upgrade", "--help"]).run();
    upgrade
        .ok()
        .stdout_has("Usage: anibridge db upgrade")
        .stdout_has("[TARGET]")
        .stdout_has("--sql")
        .stdout_has("--from")
        .stdout_has("--database")
        .stdout_has("--dir");

    s.anibridge(["db", "help", "downgrade"])
        .run()
        .ok()
        .stdout_has("<TARGET>");
    assert_no_database(&s.join("anibridge.db"));
}

// ---------------------------------------------------------------------------
// docs/MIGRATIONS.md: the adoption walk-through's outputs are this binary's
// ---------------------------------------------------------------------------

const GUIDE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/MIGRATIONS.md");

/// The fenced block after `<!-- tested: {marker} -->` in `doc`, and where its
/// text starts and ends.
fn doc_block(doc: &str, marker: &str) -> (usize, usize) {
    let tag = format!("<!-- tested: {marker} -->\n");
    let at = doc
        .find(&tag)
        .unwrap_or_else(|| panic!("no {tag:?} in the guide"));
    let fence = at + tag.len();
    let start = fence + doc[fence..].find('\n').expect("a fence line") + 1;
    let end = start + doc[start..].find("```").expect("a closing fence");
    (start, end)
}

/// Compares each `(marker, text)` with the guide's block; with
/// `STILLROOM_BLESS=1`, writes the texts into the guide instead.
fn check_guide(outputs: &[(&str, String)]) {
    let mut doc = fs::read_to_string(GUIDE).expect("read the guide");
    let bless = std::env::var_os("STILLROOM_BLESS").is_some();
    for (marker, text) in outputs {
        let (start, end) = doc_block(&doc, marker);
        if bless {
            doc.replace_range(start..end, text);
        } else {
            assert_eq!(
                &doc[start..end],
                text.as_str(),
                "docs/MIGRATIONS.md's `{marker}` block is not what the program prints (rerun with STILLROOM_BLESS=1 to update it, then read the diff)"
            );
        }
    }
    if bless {
        fs::write(GUIDE, doc).expect("write the guide");
    }
}

#[test]
fn the_guides_adoption_walkthrough_shows_real_output() {
    let s = Scratch::new("guide-adoption");
    let dir = s.migrations("migrations");
    let ddl = read(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sqlmodel.sql"
    )));
    let doc = fs::read_to_string(GUIDE).expect("read the guide");
    let (start, end) = doc_block(&doc, "sqlmodel-ddl");
    assert_eq!(&doc[start..end], ddl, "the guide shows the fixture's DDL");

    let made = |name: &str, extra: &str| {
        let path = s.join(name);
        Connection::open(&path)
            // SQLAlchemy's connections leave foreign keys off.
            .and_then(|c| c.execute_batch(&format!("PRAGMA foreign_keys = OFF;\n{ddl}{extra}")))
            .expect("make the database");
        path
    };
    let inspected = s.db(&dir, &made("inspect.db", ""), &["inspect"]);
    inspected.ok();
    let adopted = s.db(&dir, &made("adopt.db", ""), &["upgrade"]);
    adopted.ok();
    let no_match = s.db(
        &dir,
        &made(
            "no-match.db",
            "ALTER TABLE job ADD COLUMN source_site VARCHAR; ALTER TABLE clienttask DROP COLUMN state;",
        ),
        &["upgrade"],
    );
    no_match.exits(1);
    let misfit = s.db(
        &dir,
        &made(
            "misfit.db",
            "UPDATE episodeavailability SET available = 2;
             INSERT INTO clienttask VALUES ('def456', 'Frieren.S01E02', 'frieren', 1, 2, 'German Dub', 'j9', 'queued', 2025, 2025);",
        ),
        &["upgrade"],
    );
    misfit.exits(1);
    check_guide(&[
        ("inspect-output", inspected.stdout.clone()),
        ("adopt-upgrade", adopted.stdout.clone()),
        ("adopt-no-match", no_match.stderr.clone()),
        ("adopt-misfit", misfit.stderr.clone()),
    ]);
}

/// A database at the head of the history in `dir`, migrated without
/// comparing it with the models (a branch's database: its models were the
/// branch's), with a job and an availability row.
fn branch_database(s: &Scratch, dir: &Path, name: &str) -> PathBuf {
    let path = s.join(name);
    let conn = Connection::open(&path).expect("open the branch database");
    let history = stillroom::History::read(dir).expect("read the branch's history");
    stillroom::Migrator::new(&history)
        .verification(stillroom::Verification::Off)
        .migrate(&conn)
        .expect("migrate the branch database");
    conn.execute_batch(
        "INSERT INTO job (id, created_at, updated_at) VALUES ('j1', '2026-12-01', '2026-12-01');
         INSERT INTO episodeavailability (slug, season, episode, language, available, checked_at)
             VALUES ('frieren', 1, 1, 'German Dub', 1, '2026-12-01');",
    )
    .expect("add rows");
    path
}

/// The guide's block for a command: the command line, then what it printed
/// (standard output, then standard error, as a terminal shows them).
fn session(command: &str, run: &Run) -> String {
    format!("$ anibridge db {command}\n{}{}", run.stdout, run.stderr)
}

#[test]
fn the_guides_team_walkthrough_shows_real_output() {
    let s = Scratch::new("guide-team");
    // main, Ana's branch (0002: the site) and Ben's (his 0002: the job
    // priority and the client task title, on 0001).
    let main = s.migrations_without("main", |f| !f.starts_with("0001"));
    let ana = s.migrations_without("ana", |f| f.starts_with("0003"));
    let ben = s.migrations_without("ben", |f| !f.starts_with("0001"));
    let bens = "0002_job_priority_client_task_title";
    let text = read(&Path::new(MIGRATIONS).join(format!("{R3}.sql")))
        .replace(
            &format!("-- revision: {R3}"),
            &format!("-- revision: {bens}"),
        )
        .replace(&format!("-- parent: {R2}"), &format!("-- parent: {R1}"));
    fs::write(ben.join(format!("{bens}.sql")), text).expect("write Ben's revision");
    let databases = [
        branch_database(&s, &main, "main.db"),
        branch_database(&s, &ana, "ana.db"),
        branch_database(&s, &ben, "ben.db"),
    ];
    assert_eq!(ledger_of(&databases[2])[1].0, bens);

    // Ben merges main: Ana's revision joins his in `migrations`.
    let dir = s.migrations_without("migrations", |f| !f.starts_with("0001"));
    for file in [
        &ana.join(format!("{R2}.sql")),
        &ben.join(format!("{bens}.sql")),
    ] {
        fs::copy(file, dir.join(file.file_name().expect("a file name"))).expect("copy");
    }
    let migrations = Path::new("migrations");
    let ben_db = Path::new("ben.db");
    let heads = s.db(migrations, ben_db, &["heads"]);
    heads.exits(1);
    let history = s.db(migrations, Path::new("missing.db"), &["history"]);
    history.ok();
    let forked = s.db(migrations, ben_db, &["upgrade"]);
    forked.exits(1);
    assert_eq!(
        ledger_of(&databases[2]).len(),
        2,
        "the refused upgrade changed nothing"
    );

    let merge = s.db(migrations, ben_db, &["merge"]);
    merge.ok();
    assert_eq!(sql_files(&dir), [R1, R2, R3].map(|r| format!("{r}.sql")));
    assert_eq!(
        read(&dir.join(format!("{R3}.sql"))),
        read(&Path::new(MIGRATIONS).join(format!("{R3}.sql"))),
        "the merge renumbered Ben's revision into the committed third revision"
    );
    let renamed = s.db(migrations, ben_db, &["upgrade"]);
    renamed.ok();
    for db in &databases[..2] {
        s.db(migrations, db, &["upgrade"]).ok();
    }
    for db in &databases {
        let ledger: Vec<String> = ledger_of(db).into_iter().map(|row| row.0).collect();
        assert_eq!(ledger, [R1, R2, R3], "{}", db.display());
        let conn = Connection::open(db).expect("open");
        let count = |table: &str| -> i64 {
            conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .expect("count")
        };
        assert_eq!(
            (count("job"), count("episodeavailability")),
            (1, 1),
            "{}",
            db.display()
        );
    }

    let squash = s.db(migrations, ben_db, &["squash", "--to", "0003"]);
    squash.ok();
    assert_eq!(sql_files(&dir), [format!("{R3}.sql")]);
    let squashed = s.db(migrations, ben_db, &["upgrade"]);
    squashed.ok();
    let fresh = s.db(migrations, Path::new("fresh.db"), &["upgrade"]);
    fresh.ok().stdout_has(&format!("applied {R3}"));
    // The squash builds the models' schema, and Ben's database is at it.
    s.db(migrations, Path::new("fresh.db"), &["verify"]).ok();
    s.db(migrations, ben_db, &["verify"]).ok();
    assert_eq!(ledger_of(&databases[2])[0].0, R3);
    assert_eq!(ledger_of(&databases[2]).len(), 1);

    check_guide(&[
        ("team-heads", session("heads", &heads)),
        ("team-history", session("history", &history)),
        ("team-upgrade-forked", session("upgrade", &forked)),
        ("team-merge", session("merge", &merge)),
        ("team-upgrade-renamed", session("upgrade", &renamed)),
        ("team-squash", session("squash --to 0003", &squash)),
        ("team-upgrade-squashed", session("upgrade", &squashed)),
    ]);
}

#[test]
fn a_rust_step_revision_through_the_command_line() {
    let s = Scratch::new("rust-step");
    let dir = s.migrations("migrations");
    let db = s.join("app.db");
    s.db(
        &dir,
        &db,
        &["revision", "-m", "recount jobs", "--rust", "recount_jobs"],
    )
    .ok()
    .stdout_has("wrote ")
    .stdout_has("#[stillroom::step]")
    .stdout_has("fn recount_jobs(step: &mut stillroom::Step<'_>) -> stillroom::StepResult {");
    let text = read(&dir.join("0004_recount_jobs.sql"));
    assert!(text.contains("\n-- rust: recount_jobs\n"), "{text}");
    s.db(&dir, &db, &["history"])
        .ok()
        .stdout_has("0004_recount_jobs  recount jobs  (rust: recount_jobs)  (head)");
    s.db(&dir, &db, &["check"])
        .ok()
        .stdout_has("note: the replay skips the Rust step `recount_jobs` (revision `0004_recount_jobs`), which this program does not register");
    // This program does not register the step: a first upgrade is refused,
    // naming it, and leaves no database file behind.
    s.db(&dir, &db, &["upgrade"])
        .exits(1)
        .stderr_has(
            "the migrations run Rust steps this program does not register, so nothing was run",
        )
        .stderr_has("`recount_jobs` (")
        .stderr_has("0004_recount_jobs.sql:8, revision `0004_recount_jobs`");
    assert_no_database(&db);
    // Up to the revision before it works, and so does its offline SQL.
    s.db(&dir, &db, &["upgrade", R3]).ok();
    s.db(&dir, &db, &["upgrade", "--sql", "--from", R1, R3])
        .ok();
    s.db(&dir, &db, &["upgrade", "--sql", "--from", R3])
        .exits(1)
        .stderr_has("runs the Rust step `recount_jobs`, which a SQL script cannot contain");
    // A name that is not an identifier writes nothing.
    s.db(
        &dir,
        &db,
        &["revision", "-m", "bad", "--rust", "recount-jobs"],
    )
    .exits(1)
    .stderr_has("does not name a step");
    assert_eq!(sql_files(&dir).len(), 4);
}
