//! `stillroom::open` and `stillroom::configure`: the pragmas they set, and
//! that two connections to one file wait for each other's write lock.

use crate::common::TempDir;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use stillroom::Model;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn pragma_i64(conn: &Connection, name: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
}

fn journal_mode(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "conn_parents")]
struct Parent {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "conn_children")]
struct Child {
    #[model(primary_key)]
    id: i64,
    #[model(references = "conn_parents(id)")]
    parent_id: i64,
}

#[test]
fn open_configures_a_file_database() -> TestResult {
    let dir = TempDir::created("open")?;
    let path = dir.path().join("app.db");
    let conn = stillroom::open(&path)?;
    assert!(path.exists(), "open creates the file");
    assert_eq!(journal_mode(&conn)?, "wal");
    assert_eq!(pragma_i64(&conn, "foreign_keys")?, 1);
    assert_eq!(pragma_i64(&conn, "synchronous")?, 1, "NORMAL");
    assert_eq!(pragma_i64(&conn, "busy_timeout")?, 5000);
    assert_eq!(stillroom::BUSY_TIMEOUT, Duration::from_secs(5));

    // Foreign keys are enforced, not only switched on.
    for sql in Parent::table()
        .create_statements()
        .into_iter()
        .chain(Child::table().create_statements())
    {
        conn.execute(&sql, [])?;
    }
    let err = Child {
        id: 1,
        parent_id: 7,
    }
    .insert(&conn)
    .err()
    .ok_or("dangling foreign key accepted")?;
    assert_eq!(
        err.sqlite_error()
            .and_then(rusqlite::Error::sqlite_error_code),
        Some(ErrorCode::ConstraintViolation)
    );
    drop(conn);

    // WAL is a property of the file: a plain connection opened later sees it,
    // and reopening with stillroom keeps the data.
    let plain = Connection::open(&path)?;
    assert_eq!(journal_mode(&plain)?, "wal");
    drop(plain);
    let again = stillroom::open(&path)?;
    assert_eq!(
        again.query_row("SELECT count(*) FROM conn_parents", [], |r| r
            .get::<_, i64>(0))?,
        0
    );
    Ok(())
}

#[test]
fn configure_an_in_memory_connection() -> TestResult {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA synchronous = FULL;")?;
    conn.busy_timeout(Duration::ZERO)?;
    assert_eq!(pragma_i64(&conn, "foreign_keys")?, 0);

    stillroom::configure(&conn)?;
    assert_eq!(
        journal_mode(&conn)?,
        "memory",
        "an in-memory database keeps its memory journal"
    );
    assert_eq!(pragma_i64(&conn, "foreign_keys")?, 1);
    assert_eq!(pragma_i64(&conn, "synchronous")?, 1);
    assert_eq!(pragma_i64(&conn, "busy_timeout")?, 5000);

    // Configuring twice is harmless.
    stillroom::configure(&conn)?;
    assert_eq!(pragma_i64(&conn, "foreign_keys")?, 1);

    for sql in Parent::table()
        .create_statements()
        .into_iter()
        .chain(Child::table().create_statements())
    {
        conn.execute(&sql, [])?;
    }
    Parent { id: 1 }.insert(&conn)?;
    Child {
        id: 1,
        parent_id: 1,
    }
    .insert(&conn)?;
    assert!(
        Child {
            id: 2,
            parent_id: 2
        }
        .insert(&conn)
        .is_err(),
        "foreign keys enforced"
    );
    Ok(())
}

#[test]
fn configure_inside_a_transaction_is_an_error_not_a_silent_no_op() -> TestResult {
    // SQLite ignores `PRAGMA foreign_keys` inside a transaction; configure
    // must not claim success while leaving foreign keys off.
    let dir = TempDir::created("in-tx")?;
    let file = Connection::open(dir.path().join("tx.db"))?;
    let memory = Connection::open_in_memory()?;
    for (what, conn) in [("file", &file), ("memory", &memory)] {
        conn.execute_batch("PRAGMA foreign_keys = OFF; BEGIN;")?;
        let result = stillroom::configure(conn);
        let fk = pragma_i64(conn, "foreign_keys")?;
        assert!(
            result.is_err() || fk == 1,
            "{what}: configure returned Ok but foreign_keys is {fk}"
        );
    }
    Ok(())
}

#[test]
fn a_second_connection_waits_for_the_write_lock() -> TestResult {
    let dir = TempDir::created("busy")?;
    let path = dir.path().join("shared.db");
    let setup = stillroom::open(&path)?;
    setup.execute_batch("CREATE TABLE log (seq INTEGER PRIMARY KEY, who TEXT NOT NULL) STRICT")?;
    drop(setup);

    let (locked_tx, locked_rx) = mpsc::channel::<()>();
    let writer_path = path.clone();
    let writer = thread::spawn(
        move || -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
            let mut conn = stillroom::open(&writer_path)?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute("INSERT INTO log (who) VALUES ('a1')", [])?;
            // The write lock is held: let the other connection try.
            let _ = locked_tx.send(());
            thread::sleep(Duration::from_millis(300));
            tx.execute("INSERT INTO log (who) VALUES ('a2')", [])?;
            tx.commit()?;
            Ok(())
        },
    );

    locked_rx.recv()?;
    let conn = stillroom::open(&path)?;
    // WAL: a reader is not blocked by the writer, and sees the last commit.
    let seen: i64 = conn.query_row("SELECT count(*) FROM log", [], |r| r.get(0))?;
    assert_eq!(
        seen, 0,
        "uncommitted rows are invisible, and reading did not wait"
    );
    // A write waits (busy timeout) until A commits, then succeeds.
    conn.execute("INSERT INTO log (who) VALUES ('b')", [])?;
    writer
        .join()
        .map_err(|_| "writer thread panicked")?
        .map_err(|e| e.to_string())?;

    let order: Vec<String> = conn
        .prepare("SELECT who FROM log ORDER BY seq")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    assert_eq!(
        order,
        ["a1", "a2", "b"],
        "b's write went in after A's whole transaction"
    );
    Ok(())
}

#[test]
fn without_a_busy_timeout_the_second_writer_fails_at_once() -> TestResult {
    let dir = TempDir::created("no-wait")?;
    let path = dir.path().join("shared.db");
    let mut holder = stillroom::open(&path)?;
    holder.execute_batch("CREATE TABLE t (x INTEGER NOT NULL) STRICT")?;
    let tx = holder.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute("INSERT INTO t VALUES (1)", [])?;

    let impatient = stillroom::open(&path)?;
    impatient.busy_timeout(Duration::ZERO)?;
    let err = impatient
        .execute("INSERT INTO t VALUES (2)", [])
        .err()
        .ok_or("write went through a held lock")?;
    assert_eq!(
        err.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy),
        "{err}"
    );

    tx.commit()?;
    impatient.execute("INSERT INTO t VALUES (2)", [])?;
    let n: i64 = impatient.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?;
    assert_eq!(n, 2);
    Ok(())
}
