//! Two migrators at once on one database file: two threads with their own
//! connections, and two processes (this test binary, run again as a child).
//! Exactly one applies the migrations, the other waits for the write lock
//! and finds nothing to do; both succeed and the ledger records each
//! revision once.
//!
//! And a process killed in the middle of migrating (paused inside the
//! transaction through the progress hook, then killed) leaves the database at
//! its old revision; the next start applies everything.
//!
//! The history has 30 revisions, so one migration call takes long enough for
//! the two to really overlap. Nothing here asserts on timing.

use crate::common::TempDir;
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use stillroom::{
    Column, GenerateOptions, Generated, History, Index, Migrator, Schema, SqlType, Table,
};

type TestResult = Result<(), Box<dyn Error>>;

/// How many revisions the history has.
const REVISIONS: usize = 30;

/// The child process reads its database and migrations from these.
const CHILD_DB: &str = "STILLROOM_CONCURRENCY_CHILD_DB";
const CHILD_MIGRATIONS: &str = "STILLROOM_CONCURRENCY_CHILD_MIGRATIONS";
/// A file the child waits for before it migrates, so both start together.
const CHILD_GO: &str = "STILLROOM_CONCURRENCY_CHILD_GO";
/// What a child prints: how many revisions it applied.
const APPLIED: &str = "stillroom-child applied ";

/// Table `t01` .. `t30`: a few columns and an index each.
fn numbered_table(i: usize) -> Table {
    let name = format!("t{i:02}");
    let mut t = Table::new(&name);
    t.columns = vec![
        Column::new("id", SqlType::Integer),
        Column::new("name", SqlType::Text),
        Column::new("amount", SqlType::Real),
    ];
    let mut note = Column::new("note", SqlType::Text);
    note.nullable = true;
    t.columns.push(note);
    t.primary_key.columns = vec!["id".into()];
    t.indexes.push(Index {
        name: format!("ix_{name}_name"),
        columns: vec!["name".into()],
        unique: false,
    });
    t
}

/// The models after `n` revisions: tables 1 to `n`.
fn schema_upto(n: usize) -> Result<Schema, stillroom::SchemaError> {
    Schema::new((1..=n).map(numbered_table))
}

/// Generates the history into `dir/migrations`.
fn generate_history(dir: &TempDir) -> Result<(PathBuf, History), Box<dyn Error>> {
    let migrations = dir.join("migrations");
    for n in 1..=REVISIONS {
        let generated = stillroom::generate(
            &migrations,
            &schema_upto(n)?,
            &format!("table {n}"),
            GenerateOptions::default(),
        )?;
        if generated == Generated::NothingToDo {
            return Err(format!("revision {n} generated nothing").into());
        }
    }
    let history = History::read(&migrations)?;
    assert_eq!(history.migrations.len(), REVISIONS);
    Ok((migrations, history))
}

/// Each revision of the ledger with the number of times it is recorded, in
/// order, and the distinct positions.
fn ledger_counts(db: &Path) -> Result<Vec<(String, i64)>, Box<dyn Error>> {
    let conn = stillroom::open(db)?;
    let rows = conn
        .prepare(
            "SELECT revision, count(*) FROM stillroom_migrations GROUP BY revision ORDER BY min(position)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<(String, i64)>>>()?;
    let positions: i64 = conn.query_row(
        "SELECT count(DISTINCT position) FROM stillroom_migrations",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(usize::try_from(positions)?, rows.len());
    Ok(rows)
}

/// Fails unless the ledger of `db` records each revision of `history` once,
/// in order.
fn assert_each_revision_once(db: &Path, history: &History) -> TestResult {
    let expected: Vec<(String, i64)> = history
        .migrations
        .iter()
        .map(|m| (m.revision.clone(), 1))
        .collect();
    assert_eq!(ledger_counts(db)?, expected);
    Ok(())
}

#[test]
fn two_threads_migrating_at_once_apply_each_revision_once() -> TestResult {
    let dir = TempDir::created("threads")?;
    let (_, history) = generate_history(&dir)?;
    let schema = schema_upto(REVISIONS)?;
    let db = dir.join("app.db");
    // Opened before the race, so it is the migration that races, not the
    // switch to WAL of a new file.
    let connections = [stillroom::open(&db)?, stillroom::open(&db)?];
    let barrier = Barrier::new(2);

    let results: Vec<Result<stillroom::Report, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = connections
            .into_iter()
            .map(|conn| {
                let (barrier, history, schema) = (&barrier, &history, &schema);
                scope.spawn(move || {
                    barrier.wait();
                    Migrator::new(history)
                        .schema(schema)
                        .migrate(&conn)
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("the thread panicked".into()))
            })
            .collect()
    });

    let reports = results
        .into_iter()
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| format!("a migrator failed: {e}"))?;
    let ran: Vec<usize> = reports.iter().map(|r| r.ran.len()).collect();
    assert_eq!(
        reports.iter().filter(|r| !r.ran.is_empty()).count(),
        1,
        "exactly one thread applies: {ran:?}"
    );
    assert!(ran.contains(&REVISIONS) && ran.contains(&0), "{ran:?}");
    let head = history.head().map(|m| m.revision.clone());
    for report in &reports {
        assert_eq!(report.current, head);
        assert_eq!(report.adopted, None);
    }
    assert_each_revision_once(&db, &history)?;
    Ok(())
}

#[test]
fn two_processes_migrating_at_once_apply_each_revision_once() -> TestResult {
    let dir = TempDir::created("processes")?;
    let (migrations, history) = generate_history(&dir)?;
    let db = dir.join("app.db");
    let go = dir.join("go");
    let exe = std::env::current_exe()?;
    // The database exists (in WAL mode) before the race: what races is the
    // migration. Two processes creating a new file at once hit another
    // problem, see `two_connections_opening_a_new_database_at_once_both_succeed`.
    drop(stillroom::open(&db)?);

    let children = (0..2)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "concurrency::child_process_entry",
                    "--nocapture",
                    "--ignored",
                ])
                .env(CHILD_DB, &db)
                .env(CHILD_MIGRATIONS, &migrations)
                .env(CHILD_GO, &go)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    // Both are started: let them go at once.
    fs::write(&go, "go")?;

    let mut applied = Vec::new();
    for child in children {
        let output = child.wait_with_output()?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "a child failed ({}):\n{stdout}\n{stderr}",
            output.status
        );
        let counts: Vec<usize> = stdout
            .lines()
            .filter_map(|line| line.trim().strip_prefix(APPLIED)?.parse().ok())
            .collect();
        assert_eq!(
            counts.len(),
            1,
            "the child did not say what it applied (did the test run?):\n{stdout}\n{stderr}"
        );
        applied.extend(counts);
    }
    applied.sort_unstable();
    assert_eq!(
        applied,
        [0, REVISIONS],
        "exactly one process applies everything"
    );
    assert_each_revision_once(&db, &history)?;
    Ok(())
}

#[test]
fn two_connections_opening_a_new_database_at_once_both_succeed() -> TestResult {
    let dir = TempDir::created("open")?;
    for round in 0..200 {
        let db = dir.join(&format!("new-{round}.db"));
        let barrier = Barrier::new(2);
        let results: Vec<Result<String, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let (barrier, db) = (&barrier, &db);
                    scope.spawn(move || {
                        barrier.wait();
                        let conn = stillroom::open(db).map_err(|e| e.to_string())?;
                        conn.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
                            .map_err(|e| e.to_string())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("the thread panicked".into()))
                })
                .collect()
        });
        for result in results {
            let mode = result.map_err(|e| format!("round {round}: stillroom::open failed: {e}"))?;
            assert_eq!(mode, "wal", "round {round}");
        }
    }
    Ok(())
}

/// The child of `two_processes_migrating_at_once_apply_each_revision_once`:
/// does nothing unless run by it (with its environment).
#[test]
#[ignore = "run as a child process by two_processes_migrating_at_once_apply_each_revision_once"]
fn child_process_entry() -> TestResult {
    let (Some(db), Some(migrations), Some(go)) = (
        std::env::var_os(CHILD_DB),
        std::env::var_os(CHILD_MIGRATIONS),
        std::env::var_os(CHILD_GO),
    ) else {
        return Ok(());
    };
    let history = History::read(Path::new(&migrations))?;
    let schema = schema_upto(history.migrations.len())?;
    let conn: Connection = stillroom::open(&db)?;
    // Wait for the parent's signal (a guard against hanging, not a timing
    // assertion).
    let started = Instant::now();
    while !Path::new(&go).exists() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no start signal"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let report = Migrator::new(&history).schema(&schema).migrate(&conn)?;
    assert_eq!(report.current, history.head().map(|m| m.revision.clone()));
    println!("{APPLIED}{}", report.ran.len());
    Ok(())
}

/// The child of `a_process_killed_mid_migration_leaves_the_old_revision`
/// writes this file once it is inside the migration transaction.
const CHILD_PAUSED: &str = "STILLROOM_CONCURRENCY_CHILD_PAUSED";

#[test]
fn a_process_killed_mid_migration_leaves_the_old_revision() -> TestResult {
    let dir = TempDir::created("killed")?;
    let (migrations, history) = generate_history(&dir)?;
    let db = dir.join("app.db");
    let paused = dir.join("paused");
    // The database is at revision 10, with a row in it.
    {
        let conn = stillroom::open(&db)?;
        let target = stillroom::Target::Revision(history.migrations[9].revision.clone());
        Migrator::new(&history)
            .verification(stillroom::Verification::Off)
            .upgrade(&conn, &target)?;
        conn.execute(
            "INSERT INTO t01 (id, name, amount) VALUES (1, 'kept', 2.5)",
            [],
        )?;
    }
    let before = schema_rows(&db)?;

    let mut child = Command::new(std::env::current_exe()?)
        .args([
            "--exact",
            "concurrency::killed_child_entry",
            "--nocapture",
            "--ignored",
        ])
        .env(CHILD_DB, &db)
        .env(CHILD_MIGRATIONS, &migrations)
        .env(CHILD_PAUSED, &paused)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    // Wait until the child is inside the transaction, several revisions
    // applied but not committed; then kill it (a guard against hanging, not
    // a timing assertion).
    let started = Instant::now();
    while !paused.exists() {
        if started.elapsed() > Duration::from_secs(300) || child.try_wait()?.is_some() {
            let _ = child.kill();
            return Err("the child never paused inside the migration".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill()?;
    child.wait()?;

    // Nothing of the interrupted transaction is visible: same schema, same
    // rows, same ledger.
    assert_eq!(schema_rows(&db)?, before);
    let conn = stillroom::open(&db)?;
    let status = Migrator::new(&history)
        .verification(stillroom::Verification::Off)
        .status(&conn)?;
    assert_eq!(
        status.current.as_deref(),
        Some(history.migrations[9].revision.as_str())
    );
    assert_eq!(status.pending.len(), REVISIONS - 10);
    // The next start applies everything, and the row is still there.
    let schema = schema_upto(history.migrations.len())?;
    let report = Migrator::new(&history).schema(&schema).migrate(&conn)?;
    assert_eq!(report.ran.len(), REVISIONS - 10);
    let name: String = conn.query_row("SELECT name FROM t01 WHERE id = 1", [], |r| r.get(0))?;
    assert_eq!(name, "kept");
    assert_each_revision_once(&db, &history)?;
    Ok(())
}

/// `sqlite_schema` and the ledger's revisions, to compare before and after.
fn schema_rows(db: &Path) -> Result<Vec<String>, Box<dyn Error>> {
    let conn = Connection::open(db)?;
    let mut stmt = conn.prepare(
        "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema \
         UNION ALL SELECT 'ledger ' || revision FROM stillroom_migrations ORDER BY 1",
    )?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

/// The child of `a_process_killed_mid_migration_leaves_the_old_revision`:
/// migrates, and when the fifth pending revision is about to run (four
/// applied inside the open transaction) says so and waits to be killed.
#[test]
#[ignore = "run as a child process by a_process_killed_mid_migration_leaves_the_old_revision"]
fn killed_child_entry() -> TestResult {
    let (Some(db), Some(migrations), Some(paused)) = (
        std::env::var_os(CHILD_DB),
        std::env::var_os(CHILD_MIGRATIONS),
        std::env::var_os(CHILD_PAUSED),
    ) else {
        return Ok(());
    };
    let history = History::read(Path::new(&migrations))?;
    let conn = stillroom::open(&db)?;
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let progress = |event: stillroom::Event<'_>| {
        if !matches!(event, stillroom::Event::Starting { .. }) {
            return;
        }
        if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 4 {
            let _ = fs::write(&paused, "paused");
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    };
    Migrator::new(&history)
        .verification(stillroom::Verification::Off)
        .progress(&progress)
        .migrate(&conn)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// A fleet that starts while one process migrates waits for it, however much
// longer than the busy timeout that takes, then finds nothing to do.

/// The role of a child of `a_fleet_waits_out_a_migration_longer_than_its_busy_timeout`
/// (`applier` or `waiter-N`), and its working directory.
const FLEET_ROLE: &str = "STILLROOM_FLEET_ROLE";
const FLEET_DIR: &str = "STILLROOM_FLEET_DIR";
/// How many waiting starts the applier's migration must outlast each.
const FLEET_WAITS: usize = 3;

/// Waits until `done` holds (a guard against hanging, not a timing
/// assertion).
fn until(what: &str, done: impl Fn() -> bool) -> TestResult {
    let started = Instant::now();
    while !done() {
        if started.elapsed() > Duration::from_secs(300) {
            return Err(format!("gave up waiting for {what}").into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

fn lines_in(path: &Path) -> usize {
    fs::read_to_string(path).map_or(0, |text| text.lines().count())
}

fn fleet_child(exe: &Path, dir: &Path, role: &str) -> std::io::Result<std::process::Child> {
    Command::new(exe)
        .args([
            "--exact",
            "concurrency::fleet_child_entry",
            "--nocapture",
            "--ignored",
        ])
        .env(FLEET_ROLE, role)
        .env(FLEET_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
}

#[test]
fn a_fleet_waits_out_a_migration_longer_than_its_busy_timeout() -> TestResult {
    let dir = TempDir::created("fleet")?;
    generate_history(&dir)?;
    let exe = std::env::current_exe()?;
    let applier = fleet_child(&exe, dir.path(), "applier")?;
    until("the applier to hold the write lock", || {
        dir.join("holding").exists()
    })?;
    let waiters = (0..3)
        .map(|n| fleet_child(&exe, dir.path(), &format!("waiter-{n}")))
        .collect::<std::io::Result<Vec<_>>>()?;
    // Each waiter has waited several seconds, its busy timeout (50 ms) many
    // times over, and still waits.
    for n in 0..3 {
        let waits = dir.join(&format!("waiter-{n}.waits"));
        until("a waiter to report waiting", || {
            lines_in(&waits) >= FLEET_WAITS
        })?;
    }
    fs::write(dir.join("release"), "go")?;

    let mut applied = Vec::new();
    for child in std::iter::once(applier).chain(waiters) {
        let output = child.wait_with_output()?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "a child failed ({}):\n{stdout}\n{stderr}",
            output.status
        );
        let count: Vec<usize> = stdout
            .lines()
            .filter_map(|line| line.trim().strip_prefix(APPLIED)?.parse().ok())
            .collect();
        assert_eq!(count.len(), 1, "no report:\n{stdout}\n{stderr}");
        applied.extend(count);
    }
    assert_eq!(
        applied,
        [REVISIONS, 0, 0, 0],
        "the applier applies, the fleet waits"
    );
    let history = History::read(&dir.join("migrations"))?;
    assert_each_revision_once(&dir.join("app.db"), &history)?;
    Ok(())
}

/// A child of `a_fleet_waits_out_a_migration_longer_than_its_busy_timeout`:
/// does nothing unless run by it.
#[test]
#[ignore = "run as a child process by a_fleet_waits_out_a_migration_longer_than_its_busy_timeout"]
fn fleet_child_entry() -> TestResult {
    let (Some(role), Some(dir)) = (std::env::var(FLEET_ROLE).ok(), std::env::var_os(FLEET_DIR))
    else {
        return Ok(());
    };
    let dir = PathBuf::from(dir);
    let history = History::read(&dir.join("migrations"))?;
    let schema = schema_upto(history.migrations.len())?;
    let conn = stillroom::open(dir.join("app.db"))?;
    let report = if role == "applier" {
        // Inside the transaction, at the third revision: hold the lock until
        // the parent has seen the fleet wait.
        let seen = std::sync::atomic::AtomicUsize::new(0);
        let progress = |event: stillroom::Event<'_>| {
            if matches!(event, stillroom::Event::Starting { .. })
                && seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 2
            {
                let _ = fs::write(dir.join("holding"), "holding");
                let _ = until("the release", || dir.join("release").exists());
            }
        };
        Migrator::new(&history)
            .schema(&schema)
            .progress(&progress)
            .migrate(&conn)?
    } else {
        conn.busy_timeout(Duration::from_millis(50))?;
        let waits = dir.join(format!("{role}.waits"));
        let progress = |event: stillroom::Event<'_>| {
            if let stillroom::Event::Waiting { waited } = event {
                use std::io::Write as _;
                if let Ok(mut file) = fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&waits)
                {
                    let _ = writeln!(file, "{}", waited.as_millis());
                }
            }
        };
        Migrator::new(&history)
            .schema(&schema)
            .progress(&progress)
            .migrate(&conn)?
    };
    assert_eq!(report.current, history.head().map(|m| m.revision.clone()));
    println!("{APPLIED}{}", report.ran.len());
    Ok(())
}
