//! Typed CRUD through `#[derive(Model)]`: every operation of `Model` and
//! `AutoIncrement`, composite and key-only keys, renamed and awkward names,
//! defaults, foreign keys and the errors they give.

use rusqlite::{Connection, ErrorCode, ffi};
use stillroom::{AutoIncrement, Model, quote_ident};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Creates `M`'s table (and indexes) on `conn`.
fn create<M: Model>(conn: &Connection) -> Result<(), Box<dyn std::error::Error>> {
    for sql in M::table().create_statements() {
        conn.execute(&sql, [])?;
    }
    Ok(())
}

/// A fresh in-memory database, configured the way applications open theirs.
fn db() -> Result<Connection, Box<dyn std::error::Error>> {
    let conn = Connection::open_in_memory()?;
    stillroom::configure(&conn)?;
    Ok(conn)
}

/// SQLite's primary and extended result codes behind a stillroom error.
fn sqlite_codes(err: &stillroom::Error) -> Option<(ErrorCode, i32)> {
    match err.sqlite_error()? {
        rusqlite::Error::SqliteFailure(e, _) => Some((e.code, e.extended_code)),
        _ => None,
    }
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_jobs")]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(default = "'queued'")]
    status: String,
    #[model(default = "0")]
    attempts: i64,
    progress: f64,
    #[model(index)]
    created_at: String,
    message: Option<String>,
}

fn job(id: &str, status: &str, message: Option<&str>) -> Job {
    Job {
        id: id.to_owned(),
        status: status.to_owned(),
        attempts: 0,
        progress: 0.0,
        created_at: format!("2026-01-01T00:00:{id}"),
        message: message.map(str::to_owned),
    }
}

#[test]
fn insert_get_update_delete() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;

    let mut a = job("a", "queued", None);
    a.insert(&conn)?;
    assert_eq!(Job::get(&conn, "a")?, Some(a.clone()));
    assert_eq!(Job::get(&conn, "missing")?, None);

    a.status = "running".into();
    a.progress = 0.25;
    a.message = Some("halfway there".into());
    assert!(a.update(&conn)?, "update of an existing row reports it");
    assert_eq!(Job::get(&conn, "a")?, Some(a.clone()));

    // Back to NULL through update.
    a.message = None;
    assert!(a.update(&conn)?);
    assert_eq!(Job::get(&conn, "a")?.and_then(|j| j.message), None);

    assert!(a.delete(&conn)?, "delete of an existing row reports it");
    assert_eq!(Job::get(&conn, "a")?, None);
    assert!(!a.delete(&conn)?, "delete of a missing row returns false");
    assert!(!a.update(&conn)?, "update of a missing row returns false");
    assert_eq!(
        Job::count(&conn)?,
        0,
        "update of a missing row must not insert it"
    );
    Ok(())
}

#[test]
fn delete_by_key_removes_only_that_row() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    for id in ["a", "b", "c"] {
        job(id, "queued", None).insert(&conn)?;
    }
    assert!(Job::delete_by_key(&conn, "b")?);
    assert!(
        !Job::delete_by_key(&conn, "b")?,
        "second delete finds nothing"
    );
    assert!(!Job::delete_by_key(&conn, String::from("zzz"))?);
    let ids: Vec<String> = Job::all(&conn)?.into_iter().map(|j| j.id).collect();
    assert_eq!(ids, ["a", "c"]);
    Ok(())
}

#[test]
fn all_is_ordered_by_key() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    assert!(Job::all(&conn)?.is_empty());
    for id in ["m", "c", "x", "a", "k"] {
        job(id, "queued", None).insert(&conn)?;
    }
    let ids: Vec<String> = Job::all(&conn)?.into_iter().map(|j| j.id).collect();
    assert_eq!(ids, ["a", "c", "k", "m", "x"]);
    Ok(())
}

#[test]
fn select_binds_parameters_never_formats_them() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    let quoted = r#"O'Brien said "hi" `there`"#;
    let injection = "x'; DROP TABLE crud_jobs; --";
    let always_true = "' OR '1'='1";
    job("q", "queued", Some(quoted)).insert(&conn)?;
    job("i", "queued", Some(injection)).insert(&conn)?;
    job("t", "failed", Some(always_true)).insert(&conn)?;
    job("n", "failed", None).insert(&conn)?;

    let found = Job::select(&conn, "message = ?1", [quoted])?;
    assert_eq!(found, [job("q", "queued", Some(quoted))]);

    let found = Job::select(&conn, "message = ?1", [injection])?;
    assert_eq!(found, [job("i", "queued", Some(injection))]);
    let found = Job::select(&conn, "message = ?1", [always_true])?;
    assert_eq!(found.len(), 1, "a bound value is compared, not evaluated");
    assert_eq!(
        Job::count(&conn)?,
        4,
        "the table survived the injection text"
    );

    // Several parameters of different types, ORDER BY and LIMIT.
    let found = Job::select(
        &conn,
        "status = ?1 AND progress >= ?2 ORDER BY id DESC LIMIT 1",
        rusqlite::params!["failed", 0.0],
    )?;
    let ids: Vec<&str> = found.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["t"]);

    // Named parameters work too.
    let found = Job::select(
        &conn,
        "status = :s ORDER BY id",
        rusqlite::named_params! {":s": "queued"},
    )?;
    let ids: Vec<&str> = found.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["i", "q"]);

    assert!(Job::select(&conn, "message IS NULL AND status = ?1", ["queued"])?.is_empty());
    Ok(())
}

#[test]
fn count_and_count_where() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    assert_eq!(Job::count(&conn)?, 0);
    assert_eq!(Job::count_where(&conn, "status = ?1", ["queued"])?, 0);
    for (id, status) in [
        ("a", "queued"),
        ("b", "queued"),
        ("c", "done"),
        ("d", "it's done"),
    ] {
        job(id, status, None).insert(&conn)?;
    }
    assert_eq!(Job::count(&conn)?, 4);
    assert_eq!(Job::count_where(&conn, "status = ?1", ["queued"])?, 2);
    assert_eq!(Job::count_where(&conn, "status = ?1", ["it's done"])?, 1);
    assert_eq!(Job::count_where(&conn, "status = ?1", ["' OR 1=1 --"])?, 0);
    assert_eq!(
        Job::count_where(&conn, "id > ?1 AND id < ?2", ["a", "d"])?,
        2
    );
    Ok(())
}

#[test]
fn duplicate_insert_is_a_constraint_error_naming_table_and_sql() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    job("a", "queued", None).insert(&conn)?;
    let err = job("a", "other", None)
        .insert(&conn)
        .err()
        .ok_or("duplicate insert succeeded")?;
    assert_eq!(
        sqlite_codes(&err),
        Some((
            ErrorCode::ConstraintViolation,
            ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        )),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("insert on table `crud_jobs`"), "{text}");
    assert!(
        text.contains(r#"INSERT INTO "crud_jobs" ("id", "status""#),
        "{text}"
    );
    match &err {
        stillroom::Error::Query(query) => {
            assert_eq!(query.operation, "insert");
            assert_eq!(query.table, "crud_jobs");
            assert!(query.sql.starts_with("INSERT INTO"), "{}", query.sql);
        }
        other => return Err(format!("expected Error::Query, got {other:?}").into()),
    }
    // The original row is untouched.
    assert_eq!(
        Job::get(&conn, "a")?.map(|j| j.status),
        Some("queued".to_owned())
    );
    Ok(())
}

#[test]
fn select_errors_name_table_and_the_full_statement() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    let err = Job::select(&conn, "no_such_column = ?1", [1])
        .err()
        .ok_or("bad select succeeded")?;
    let text = err.to_string();
    assert!(text.contains("select on table `crud_jobs`"), "{text}");
    assert!(text.contains("no_such_column"), "{text}");
    assert!(
        text.contains(r#"FROM "crud_jobs" WHERE no_such_column = ?1"#),
        "{text}"
    );
    assert!(err.sqlite_error().is_some());

    let err = Job::count_where(&conn, "status = ?1", ["a", "b"])
        .err()
        .ok_or("wrong parameter count accepted")?;
    assert!(
        err.to_string().contains("count on table `crud_jobs`"),
        "{err}"
    );
    Ok(())
}

#[test]
fn defaults_apply_to_rows_inserted_without_the_column() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    let table = Job::table();
    assert_eq!(
        table.column("status").and_then(|c| c.default.as_deref()),
        Some("'queued'")
    );
    assert_eq!(
        table.column("attempts").and_then(|c| c.default.as_deref()),
        Some("0")
    );
    conn.execute(
        "INSERT INTO crud_jobs (id, progress, created_at) VALUES ('raw', 0.5, 'now')",
        [],
    )?;
    let raw = Job::get(&conn, "raw")?.ok_or("raw row missing")?;
    assert_eq!(raw.status, "queued");
    assert_eq!(raw.attempts, 0);
    assert_eq!(raw.message, None);
    Ok(())
}

// --- Composite keys -------------------------------------------------------

/// The key's order (slug, season, episode) differs from the field order.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_episodes", primary_key(slug, season, episode))]
struct Episode {
    title: String,
    episode: i64,
    slug: String,
    season: i64,
    aired: Option<String>,
}

fn episode(slug: &str, season: i64, episode: i64, title: &str) -> Episode {
    Episode {
        title: title.into(),
        episode,
        slug: slug.into(),
        season,
        aired: None,
    }
}

#[test]
fn composite_key_get_update_delete() -> TestResult {
    let conn = db()?;
    create::<Episode>(&conn)?;
    assert_eq!(
        Episode::table().primary_key.columns,
        ["slug", "season", "episode"]
    );
    episode("show", 1, 2, "S1E2").insert(&conn)?;
    episode("show", 2, 1, "S2E1").insert(&conn)?;
    episode("other", 1, 2, "other S1E2").insert(&conn)?;

    let key = |s: &str, season: i64, ep: i64| (s.to_owned(), season, ep);
    assert_eq!(
        Episode::get(&conn, key("show", 1, 2))?.map(|e| e.title),
        Some("S1E2".into())
    );
    assert_eq!(
        Episode::get(&conn, key("show", 2, 1))?.map(|e| e.title),
        Some("S2E1".into())
    );
    assert_eq!(Episode::get(&conn, key("show", 1, 1))?, None);
    assert_eq!(Episode::get(&conn, key("nope", 1, 2))?, None);

    let mut e = episode("show", 1, 2, "renamed");
    e.aired = Some("2020-01-01".into());
    assert!(e.update(&conn)?);
    assert_eq!(Episode::get(&conn, key("show", 1, 2))?, Some(e.clone()));
    assert_eq!(
        Episode::get(&conn, key("other", 1, 2))?.map(|e| e.title),
        Some("other S1E2".into()),
        "update touched only the row with all three key parts"
    );
    assert!(!episode("show", 9, 9, "x").update(&conn)?);

    // Ordered by (slug, season, episode).
    let keys: Vec<(String, i64, i64)> = Episode::all(&conn)?
        .into_iter()
        .map(|e| (e.slug, e.season, e.episode))
        .collect();
    assert_eq!(
        keys,
        [key("other", 1, 2), key("show", 1, 2), key("show", 2, 1)]
    );

    assert!(Episode::delete_by_key(&conn, key("show", 2, 1))?);
    assert!(!Episode::delete_by_key(&conn, key("show", 2, 1))?);
    assert!(e.delete(&conn)?);
    assert!(!e.delete(&conn)?);
    assert_eq!(Episode::count(&conn)?, 1);

    let err = episode("other", 1, 2, "dup")
        .insert(&conn)
        .err()
        .ok_or("duplicate composite key accepted")?;
    assert_eq!(
        sqlite_codes(&err),
        Some((
            ErrorCode::ConstraintViolation,
            ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        ))
    );
    Ok(())
}

#[test]
fn upsert_inserts_then_updates() -> TestResult {
    let conn = db()?;
    create::<Episode>(&conn)?;
    episode("show", 1, 1, "first").upsert(&conn)?;
    assert_eq!(Episode::count(&conn)?, 1);
    let mut e = episode("show", 1, 1, "second");
    e.aired = Some("2021-02-03".into());
    e.upsert(&conn)?;
    assert_eq!(
        Episode::count(&conn)?,
        1,
        "upsert of an existing key must not add a row"
    );
    assert_eq!(Episode::get(&conn, ("show".to_owned(), 1, 1))?, Some(e));
    episode("show", 1, 2, "third").upsert(&conn)?;
    assert_eq!(Episode::count(&conn)?, 2);

    // Same for a single-column key.
    create::<Job>(&conn)?;
    job("u", "queued", None).upsert(&conn)?;
    job("u", "done", Some("finished")).upsert(&conn)?;
    assert_eq!(Job::all(&conn)?, [job("u", "done", Some("finished"))]);
    Ok(())
}

// --- Foreign keys: cascade and violations --------------------------------

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_parents")]
struct Parent {
    #[model(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_children")]
struct Child {
    #[model(primary_key)]
    id: i64,
    #[model(references = "crud_parents(id)", on_delete = "cascade")]
    parent_id: i64,
    note: String,
}

#[test]
fn upsert_keeps_cascade_children_where_insert_or_replace_deletes_them() -> TestResult {
    let conn = db()?;
    let fk: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    assert!(fk, "configure turns foreign keys on");
    create::<Parent>(&conn)?;
    create::<Child>(&conn)?;
    Parent {
        id: 1,
        name: "p".into(),
    }
    .insert(&conn)?;
    Child {
        id: 10,
        parent_id: 1,
        note: "kept?".into(),
    }
    .insert(&conn)?;

    Parent {
        id: 1,
        name: "renamed".into(),
    }
    .upsert(&conn)?;
    assert_eq!(
        Parent::get(&conn, 1)?.map(|p| p.name),
        Some("renamed".into())
    );
    assert_eq!(
        Child::count(&conn)?,
        1,
        "upsert updated the parent in place: the child survives"
    );

    // What upsert must not be: REPLACE deletes the old parent row, and the
    // cascade deletes its children.
    conn.execute(
        "INSERT OR REPLACE INTO crud_parents (id, name) VALUES (1, 'replaced')",
        [],
    )?;
    assert_eq!(
        Parent::get(&conn, 1)?.map(|p| p.name),
        Some("replaced".into())
    );
    assert_eq!(
        Child::count(&conn)?,
        0,
        "INSERT OR REPLACE cascaded the delete to the child"
    );

    // And deleting through the model cascades as declared.
    Child {
        id: 11,
        parent_id: 1,
        note: "again".into(),
    }
    .insert(&conn)?;
    assert!(Parent::delete_by_key(&conn, 1)?);
    assert_eq!(Child::count(&conn)?, 0);
    Ok(())
}

#[test]
fn foreign_key_violation_is_reported_through_insert() -> TestResult {
    let conn = db()?;
    create::<Parent>(&conn)?;
    create::<Child>(&conn)?;
    let orphan = Child {
        id: 1,
        parent_id: 99,
        note: "orphan".into(),
    };
    let err = orphan
        .insert(&conn)
        .err()
        .ok_or("dangling foreign key accepted")?;
    assert_eq!(
        sqlite_codes(&err),
        Some((
            ErrorCode::ConstraintViolation,
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY
        )),
        "{err}"
    );
    assert!(
        err.to_string().contains("insert on table `crud_children`"),
        "{err}"
    );
    assert_eq!(Child::count(&conn)?, 0);

    // With a parent the same row goes in; with foreign keys off SQLite would
    // not have checked.
    Parent {
        id: 99,
        name: "p".into(),
    }
    .insert(&conn)?;
    orphan.insert(&conn)?;
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    Child {
        id: 2,
        parent_id: 12345,
        note: "unchecked".into(),
    }
    .insert(&conn)?;
    assert_eq!(Child::count(&conn)?, 2);
    Ok(())
}

// --- Key-only tables -------------------------------------------------------

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_tags")]
struct Tag {
    #[model(primary_key)]
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_post_tags", primary_key(post_id, tag))]
struct PostTag {
    post_id: i64,
    tag: String,
}

#[test]
fn key_only_tables_upsert_and_update() -> TestResult {
    let conn = db()?;
    create::<Tag>(&conn)?;
    create::<PostTag>(&conn)?;

    let rust = Tag {
        name: "rust".into(),
    };
    rust.upsert(&conn)?;
    rust.upsert(&conn)?; // an existing key: nothing to update, no error
    assert_eq!(Tag::count(&conn)?, 1);
    assert!(
        rust.update(&conn)?,
        "update of an existing key-only row reports it"
    );
    assert!(!Tag { name: "go".into() }.update(&conn)?);
    assert_eq!(Tag::get(&conn, "rust")?, Some(rust.clone()));
    assert!(
        rust.insert(&conn).is_err(),
        "insert still rejects a duplicate"
    );
    assert!(rust.delete(&conn)?);
    assert_eq!(Tag::count(&conn)?, 0);

    let pt = PostTag {
        post_id: 7,
        tag: "sql".into(),
    };
    pt.upsert(&conn)?;
    pt.upsert(&conn)?;
    PostTag {
        post_id: 7,
        tag: "rust".into(),
    }
    .upsert(&conn)?;
    assert_eq!(PostTag::count(&conn)?, 2);
    assert!(pt.update(&conn)?);
    assert!(
        !PostTag {
            post_id: 8,
            tag: "sql".into()
        }
        .update(&conn)?
    );
    assert_eq!(
        PostTag::get(&conn, (7, "sql".to_owned()))?,
        Some(pt.clone())
    );
    let tags: Vec<String> = PostTag::all(&conn)?.into_iter().map(|p| p.tag).collect();
    assert_eq!(tags, ["rust", "sql"]);
    assert!(PostTag::delete_by_key(&conn, (7, "sql".to_owned()))?);
    assert_eq!(PostTag::count(&conn)?, 1);
    Ok(())
}

// --- AUTOINCREMENT ---------------------------------------------------------

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_events")]
struct Event {
    #[model(primary_key, autoincrement)]
    id: i64,
    what: String,
}

#[test]
fn insert_new_assigns_increasing_ids_and_sets_the_field() -> TestResult {
    let conn = db()?;
    create::<Event>(&conn)?;
    assert!(Event::table().primary_key.autoincrement);

    let mut first = Event {
        id: 999,
        what: "first".into(),
    };
    let id1 = first.insert_new(&conn)?;
    assert_eq!(first.id, id1, "insert_new stores the new key in the field");
    assert_ne!(id1, 999, "the field's old value is ignored");

    let mut second = Event {
        id: id1,
        what: "second".into(),
    };
    let id2 = second.insert_new(&conn)?;
    assert!(id2 > id1);
    assert_eq!(second.id, id2);

    // AUTOINCREMENT never reuses the id of a deleted row.
    assert!(second.delete(&conn)?);
    let mut third = Event {
        id: 0,
        what: "third".into(),
    };
    let id3 = third.insert_new(&conn)?;
    assert!(id3 > id2, "{id3} > {id2}");

    assert_eq!(Event::get(&conn, id1)?, Some(first));
    assert_eq!(Event::get(&conn, id3)?, Some(third));
    assert_eq!(Event::get(&conn, id2)?, None);
    assert_eq!(Event::count(&conn)?, 2);
    Ok(())
}

/// The AUTOINCREMENT key need not be the first column.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_log")]
struct LogLine {
    text: String,
    level: u8,
    #[model(primary_key, autoincrement)]
    seq: i64,
}

#[test]
fn insert_new_with_the_key_in_the_middle_of_the_columns() -> TestResult {
    let conn = db()?;
    create::<LogLine>(&conn)?;
    let mut lines: Vec<LogLine> = (0..3)
        .map(|i| LogLine {
            text: format!("line {i}"),
            level: i,
            seq: -5,
        })
        .collect();
    let mut ids = Vec::new();
    for line in &mut lines {
        ids.push(line.insert_new(&conn)?);
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    assert_eq!(lines.iter().map(|l| l.seq).collect::<Vec<_>>(), ids);
    assert_eq!(LogLine::all(&conn)?, lines);
    // A plain insert uses the key it is given.
    let explicit = LogLine {
        text: "explicit".into(),
        level: 9,
        seq: 100,
    };
    explicit.insert(&conn)?;
    let mut next = LogLine {
        text: "after".into(),
        level: 0,
        seq: 0,
    };
    assert_eq!(next.insert_new(&conn)?, 101);
    Ok(())
}

// --- Skipped fields ----------------------------------------------------------

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_cached")]
struct Cached {
    #[model(primary_key)]
    id: i64,
    body: String,
    #[model(skip)]
    scratch: Vec<String>,
    /// `u64` cannot be a column, but a skipped field is not one.
    #[model(skip)]
    hits: u64,
}

#[test]
fn skipped_fields_are_not_columns_and_read_back_as_default() -> TestResult {
    let conn = db()?;
    create::<Cached>(&conn)?;
    let names: Vec<&str> = Cached::table()
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["id", "body"]);

    let row = Cached {
        id: 1,
        body: "b".into(),
        scratch: vec!["lost".into()],
        hits: 42,
    };
    row.insert(&conn)?;
    let back = Cached::get(&conn, 1)?.ok_or("row missing")?;
    assert_eq!(
        back,
        Cached {
            id: 1,
            body: "b".into(),
            scratch: Vec::new(),
            hits: 0
        }
    );
    assert!(row.update(&conn)?);
    let mut stmt = conn.prepare("SELECT * FROM crud_cached")?;
    let rows = stmt
        .query_map([], Cached::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    assert_eq!(rows, [back]);
    Ok(())
}

// --- Renamed columns and from_row -------------------------------------------

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_people")]
struct Person {
    #[model(primary_key, column = "person_id")]
    id: i64,
    #[model(column = "full name")]
    name: String,
    age: i32,
}

#[test]
fn renamed_columns_and_from_row_by_name() -> TestResult {
    let conn = db()?;
    let names: Vec<&str> = Person::table()
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["person_id", "full name", "age"]);
    assert_eq!(Person::table().primary_key.columns, ["person_id"]);

    // The same columns in another order, plus one the model does not know:
    // CRUD names its columns, so it works on this table too.
    conn.execute_batch(
        r#"CREATE TABLE crud_people (
            age INTEGER NOT NULL,
            extra TEXT NOT NULL DEFAULT 'x',
            "full name" TEXT NOT NULL,
            person_id INTEGER NOT NULL PRIMARY KEY
        ) STRICT"#,
    )?;
    let ada = Person {
        id: 1,
        name: "Ada Lovelace".into(),
        age: 36,
    };
    let alan = Person {
        id: 2,
        name: "Alan Turing".into(),
        age: 41,
    };
    alan.insert(&conn)?;
    ada.insert(&conn)?;
    assert_eq!(Person::get(&conn, 1)?, Some(ada.clone()));
    assert_eq!(Person::all(&conn)?, [ada.clone(), alan.clone()]);
    let mut older = ada.clone();
    older.age = 37;
    assert!(older.update(&conn)?);
    assert_eq!(
        Person::select(&conn, r#""full name" LIKE ?1"#, ["Ada%"])?,
        [older.clone()]
    );

    // SELECT * gives (age, extra, full name, person_id): from_row reads by name.
    let mut stmt = conn.prepare("SELECT * FROM crud_people ORDER BY person_id")?;
    let rows = stmt
        .query_map([], Person::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    assert_eq!(rows, [older.clone(), alan.clone()]);

    // Any order, any extra columns, expressions with an alias.
    let mut stmt = conn.prepare(
        r#"SELECT 'ignored' AS junk, age + 1 AS age, person_id, upper("full name") AS "full name"
           FROM crud_people WHERE person_id = ?1"#,
    )?;
    let row = stmt.query_row([2], Person::from_row)?;
    assert_eq!(
        row,
        Person {
            id: 2,
            name: "ALAN TURING".into(),
            age: 42
        }
    );

    // A missing column is an error, not a panic.
    let mut stmt = conn.prepare("SELECT person_id, age FROM crud_people")?;
    let missing = stmt.query_row([], Person::from_row);
    assert!(
        matches!(missing, Err(rusqlite::Error::InvalidColumnName(ref c)) if c == "full name"),
        "{missing:?}"
    );
    Ok(())
}

// --- SQL keywords, spaces and quotes in names ---------------------------------

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "order")]
struct Order {
    #[model(primary_key, column = "select")]
    select: i64,
    #[model(column = "a \"b\"", index)]
    quoted: String,
    #[model(column = "group by", unique)]
    group_by: Option<String>,
    r#where: bool,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "select \"x\" 'y' from", primary_key(from, into), index(value))]
struct Odd {
    from: String,
    #[model(column = "in to")]
    into: String,
    #[model(column = "value's")]
    value: i64,
}

#[test]
fn keyword_and_quoted_names_work_for_every_operation() -> TestResult {
    let conn = db()?;
    create::<Order>(&conn)?;
    create::<Odd>(&conn)?;
    let table = Order::table();
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["select", "a \"b\"", "group by", "where"]);

    let o1 = Order {
        select: 1,
        quoted: "one".into(),
        group_by: None,
        r#where: true,
    };
    let mut o2 = Order {
        select: 2,
        quoted: "two".into(),
        group_by: Some("g".into()),
        r#where: false,
    };
    o2.insert(&conn)?;
    o1.insert(&conn)?;
    assert_eq!(Order::get(&conn, 1)?, Some(o1.clone()));
    assert_eq!(Order::all(&conn)?, [o1.clone(), o2.clone()]);
    o2.quoted = "zwei".into();
    assert!(o2.update(&conn)?);
    o2.r#where = true;
    o2.upsert(&conn)?;
    let condition = format!(
        "{} = ?1 AND {} = ?2",
        quote_ident("a \"b\""),
        quote_ident("where")
    );
    assert_eq!(
        Order::select(&conn, &condition, rusqlite::params!["zwei", true])?,
        [o2.clone()]
    );
    assert_eq!(
        Order::count_where(&conn, &format!("{} IS NULL", quote_ident("group by")), [])?,
        1
    );
    assert_eq!(Order::count(&conn)?, 2);
    // The unique index on "group by" is enforced.
    let dup = Order {
        select: 3,
        quoted: "x".into(),
        group_by: Some("g".into()),
        r#where: false,
    };
    let err = dup.insert(&conn).err().ok_or("unique index not enforced")?;
    assert_eq!(
        sqlite_codes(&err),
        Some((
            ErrorCode::ConstraintViolation,
            ffi::SQLITE_CONSTRAINT_UNIQUE
        ))
    );
    let mut stmt = conn.prepare(r#"SELECT * FROM "order" WHERE "select" = 2"#)?;
    assert_eq!(stmt.query_row([], Order::from_row)?, o2);
    assert!(o1.delete(&conn)?);
    assert!(Order::delete_by_key(&conn, 2)?);
    assert_eq!(Order::count(&conn)?, 0);

    // A table whose name holds both quote characters, with a composite key.
    let a = Odd {
        from: "it's".into(),
        into: "\"there\"".into(),
        value: 1,
    };
    let mut b = Odd {
        from: "it's".into(),
        into: "here".into(),
        value: 2,
    };
    a.insert(&conn)?;
    b.upsert(&conn)?;
    b.value = 20;
    b.upsert(&conn)?;
    assert_eq!(
        Odd::get(&conn, ("it's".to_owned(), "here".to_owned()))?,
        Some(b.clone())
    );
    b.value = 21;
    assert!(b.update(&conn)?);
    assert_eq!(Odd::all(&conn)?, [a.clone(), b.clone()]);
    let by_value = format!("{} > ?1", quote_ident("value's"));
    assert_eq!(Odd::select(&conn, &by_value, [5])?, [b.clone()]);
    assert_eq!(Odd::count_where(&conn, &by_value, [0])?, 2);
    assert!(Odd::delete_by_key(
        &conn,
        ("it's".to_owned(), "\"there\"".to_owned())
    )?);
    assert!(b.delete(&conn)?);
    assert_eq!(Odd::count(&conn)?, 0);

    // The index names carry the awkward names too, and exist.
    let indexes: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    assert_eq!(
        indexes,
        [
            "ix_order_a \"b\"",
            "ix_select \"x\" 'y' from_value's",
            "uq_order_group by"
        ]
    );
    Ok(())
}

#[test]
fn get_of_an_unreadable_row_is_an_error_not_a_panic() -> TestResult {
    let conn = db()?;
    create::<Person>(&conn)?;
    // `age` is an i32 field in an INTEGER column: SQLite stores a larger
    // value, which the model cannot read.
    conn.execute(
        r#"INSERT INTO crud_people (person_id, "full name", age) VALUES (1, 'x', 1 << 40)"#,
        [],
    )?;
    let err = Person::get(&conn, 1).err().ok_or("i32 read 2^40")?;
    assert!(
        err.to_string().contains("get on table `crud_people`"),
        "{err}"
    );
    assert!(
        matches!(
            err.sqlite_error(),
            Some(rusqlite::Error::IntegralValueOutOfRange(..))
        ),
        "{err:?}"
    );
    assert!(Person::all(&conn).is_err());
    assert!(Person::select(&conn, "person_id = ?1", [1]).is_err());
    Ok(())
}

// --- Batch inserts -------------------------------------------------------------

fn jobs(ids: &[&str]) -> Vec<Job> {
    ids.iter().map(|id| job(id, "queued", None)).collect()
}

/// The ids of every row, in key order.
fn job_ids(conn: &Connection) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    Ok(Job::all(conn)?.into_iter().map(|j| j.id).collect())
}

#[test]
fn insert_all_inserts_every_row_from_any_iterator() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    let batch: Vec<Job> = (0..1_000)
        .map(|i| job(&format!("{i:04}"), "queued", (i % 3 == 0).then_some("x")))
        .collect();
    assert_eq!(Job::insert_all(&conn, &batch)?, 1_000);
    assert_eq!(Job::all(&conn)?, batch);
    assert!(conn.is_autocommit(), "the batch's savepoint is released");

    // Any iterator of references; an empty one inserts nothing.
    let more = jobs(&["x1", "x2", "x3"]);
    assert_eq!(
        Job::insert_all(&conn, more.iter().filter(|j| j.id != "x2"))?,
        2
    );
    assert_eq!(Job::insert_all(&conn, &[])?, 0);
    assert_eq!(Job::count(&conn)?, 1_002);
    assert_eq!(Job::get(&conn, "x2")?, None);
    Ok(())
}

#[test]
fn insert_all_failing_mid_batch_inserts_none_of_it() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    job("c", "existing", None).insert(&conn)?;

    let err = Job::insert_all(&conn, &jobs(&["a", "b", "c", "d"]))
        .err()
        .ok_or("a batch with a taken key succeeded")?;
    // The error is the failing row's, as `insert` gives it.
    assert_eq!(
        sqlite_codes(&err),
        Some((
            ErrorCode::ConstraintViolation,
            ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        )),
        "{err}"
    );
    match &err {
        stillroom::Error::Query(query) => {
            assert_eq!(query.operation, "insert");
            assert_eq!(query.table, "crud_jobs");
            assert_eq!(
                query.sql,
                r#"INSERT INTO "crud_jobs" ("id", "status", "attempts", "progress", "created_at", "message") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"#
            );
        }
        other => return Err(format!("expected Error::Query, got {other:?}").into()),
    }
    assert!(
        err.to_string().starts_with(
            "insert on table `crud_jobs` failed: UNIQUE constraint failed: crud_jobs.id"
        ),
        "{err}"
    );
    // "a" and "b", inserted before the failure, were rolled back; the row
    // that was there is untouched; no transaction is left open.
    assert_eq!(job_ids(&conn)?, ["c"]);
    assert_eq!(
        Job::get(&conn, "c")?.map(|j| j.status),
        Some("existing".to_owned())
    );
    assert!(conn.is_autocommit());

    // The connection works on: the same batch without the taken key.
    assert_eq!(Job::insert_all(&conn, &jobs(&["a", "b", "d"]))?, 3);
    assert_eq!(job_ids(&conn)?, ["a", "b", "c", "d"]);
    Ok(())
}

#[test]
fn insert_all_in_a_callers_transaction_undoes_only_the_batch() -> TestResult {
    let mut conn = db()?;
    create::<Job>(&conn)?;

    let tx = conn.transaction()?;
    job("before", "queued", None).insert(&tx)?;
    assert!(Job::insert_all(&tx, &jobs(&["a", "before", "b"])).is_err());
    assert!(!tx.is_autocommit(), "the caller's transaction stays open");
    assert_eq!(job_ids(&tx)?, ["before"]);
    assert_eq!(Job::insert_all(&tx, &jobs(&["a", "b"]))?, 2);
    tx.commit()?;
    assert_eq!(job_ids(&conn)?, ["a", "b", "before"]);

    // Released, not committed: the caller's rollback undoes the batch.
    let tx = conn.transaction()?;
    assert_eq!(Job::insert_all(&tx, &jobs(&["c", "d"]))?, 2);
    tx.rollback()?;
    assert_eq!(job_ids(&conn)?, ["a", "b", "before"]);
    Ok(())
}

#[test]
fn insert_all_whose_commit_is_refused_inserts_nothing() -> TestResult {
    let conn = db()?;
    create::<Parent>(&conn)?;
    create::<Child>(&conn)?;
    // Deferred, the foreign keys are checked when the savepoint's
    // transaction commits, which then fails (and leaves it open).
    conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    let orphans: Vec<Child> = (1..=3)
        .map(|id| Child {
            id,
            parent_id: 99,
            note: "orphan".into(),
        })
        .collect();
    let err = Child::insert_all(&conn, &orphans)
        .err()
        .ok_or("dangling foreign keys committed")?;
    assert_eq!(
        sqlite_codes(&err),
        Some((
            ErrorCode::ConstraintViolation,
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY
        )),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("insert on table `crud_children` failed: FOREIGN KEY constraint failed"),
        "{err}"
    );
    assert!(
        conn.is_autocommit(),
        "the refused transaction is rolled back"
    );
    assert_eq!(Child::count(&conn)?, 0);
    Ok(())
}

#[test]
fn insert_all_rolls_back_when_the_iterator_panics() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    let batch = jobs(&["a", "b", "c"]);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Job::insert_all(
            &conn,
            batch
                .iter()
                .inspect(|j| assert_ne!(j.id, "c", "planned panic")),
        )
    }));
    assert!(panicked.is_err());
    assert_eq!(Job::count(&conn)?, 0);
    assert!(
        conn.is_autocommit(),
        "the savepoint's transaction is rolled back"
    );
    Ok(())
}

#[test]
fn an_inserter_inserts_row_by_row_and_goes_on_after_a_failure() -> TestResult {
    let conn = db()?;
    create::<Job>(&conn)?;
    let mut inserter = Job::inserter(&conn)?;
    inserter.insert(&job("a", "queued", None))?;
    inserter.insert(&job("b", "running", Some("hi")))?;
    let err = inserter
        .insert(&job("a", "again", None))
        .err()
        .ok_or("a taken key was inserted")?;
    assert_eq!(
        sqlite_codes(&err),
        Some((
            ErrorCode::ConstraintViolation,
            ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        ))
    );
    assert!(
        err.to_string().contains("insert on table `crud_jobs`"),
        "{err}"
    );
    // Each row is a statement of its own: the rows before the failure stay.
    inserter.insert(&job("c", "queued", None))?;
    assert_eq!(inserter.inserted(), 3);
    assert!(
        format!("{inserter:?}").contains("inserted: 3"),
        "{inserter:?}"
    );
    drop(inserter);
    assert_eq!(
        Job::all(&conn)?,
        [
            job("a", "queued", None),
            job("b", "running", Some("hi")),
            job("c", "queued", None)
        ]
    );

    // A second inserter (the statement back from the cache) and the
    // single-row path work on after the first is dropped.
    let mut again = Job::inserter(&conn)?;
    again.insert(&job("d", "queued", None))?;
    job("e", "queued", None).insert(&conn)?;
    drop(again);
    assert_eq!(job_ids(&conn)?, ["a", "b", "c", "d", "e"]);
    Ok(())
}

#[test]
fn an_inserter_on_a_missing_table_fails_naming_it() -> TestResult {
    let conn = db()?;
    let err = Job::inserter(&conn).err().ok_or("no table, yet prepared")?;
    match &err {
        stillroom::Error::Query(query) => {
            assert_eq!(
                (query.operation, query.table.as_str()),
                ("insert", "crud_jobs")
            );
        }
        other => return Err(format!("expected Error::Query, got {other:?}").into()),
    }
    assert!(
        err.to_string().contains("no such table: crud_jobs"),
        "{err}"
    );
    assert!(Job::insert_all(&conn, &jobs(&["a"])).is_err());
    Ok(())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "crud_marks")]
struct Mark {
    #[model(unique)]
    name: String,
    #[model(primary_key, autoincrement)]
    id: i64,
}

fn marks(names: &[&str]) -> Vec<Mark> {
    names
        .iter()
        .map(|name| Mark {
            name: (*name).to_owned(),
            id: 0,
        })
        .collect()
}

#[test]
fn inserters_and_insert_all_new_give_autoincrement_keys() -> TestResult {
    let conn = db()?;
    create::<Mark>(&conn)?;

    let mut inserter = Mark::inserter(&conn)?;
    let mut first = Mark {
        name: "first".into(),
        id: 77,
    };
    assert_eq!(inserter.insert_new(&mut first)?, 1);
    assert_eq!(first.id, 1, "the new key is stored in the field");
    // A plain insert through the inserter keeps the key it is given.
    inserter.insert(&Mark {
        name: "explicit".into(),
        id: 10,
    })?;
    let mut next = Mark {
        name: "next".into(),
        id: 0,
    };
    assert_eq!(inserter.insert_new(&mut next)?, 11);
    // A failed insert_new leaves the field alone.
    let mut taken = Mark {
        name: "next".into(),
        id: 5,
    };
    assert!(inserter.insert_new(&mut taken).is_err());
    assert_eq!(taken.id, 5);
    assert_eq!(inserter.inserted(), 3);
    drop(inserter);

    let mut batch = marks(&["a", "b", "c"]);
    assert_eq!(Mark::insert_all_new(&conn, &mut batch)?, 3);
    assert_eq!(batch.iter().map(|m| m.id).collect::<Vec<_>>(), [12, 13, 14]);
    for mark in &batch {
        assert_eq!(Mark::get(&conn, mark.id)?.as_ref(), Some(mark));
    }

    // A failure mid-batch: nothing inserted, no key field changed.
    let mut failing = marks(&["d", "e", "a", "f"]);
    let err = Mark::insert_all_new(&conn, &mut failing)
        .err()
        .ok_or("a duplicate unique name was inserted")?;
    assert_eq!(
        sqlite_codes(&err),
        Some((
            ErrorCode::ConstraintViolation,
            ffi::SQLITE_CONSTRAINT_UNIQUE
        )),
        "{err}"
    );
    assert!(failing.iter().all(|m| m.id == 0), "{failing:?}");
    assert_eq!(Mark::count(&conn)?, 6);
    assert!(conn.is_autocommit());
    Ok(())
}
