//! Adopting databases made before stillroom, as users have them: made by
//! hand, or by another tool's "create all tables" (DDL shaped like
//! SQLAlchemy's), with rows in them.
//!
//! Every refusal is checked to leave the database file byte for byte as it
//! was (and `stillroom::open` not to switch it to WAL); every adoption to
//! keep every stored value, and to end at the revision's exact schema.

use rusqlite::Connection;
use stillroom::{
    Against, Difference, Error, GenerateOptions, History, Migrator, Model, ModelSet, Schema,
    Verification,
};

use crate::common::{TempDir, TestResult, file_state, rows, schema_dump, sqlite3};

#[derive(Model)]
#[model(table = "author")]
struct Author {
    #[model(primary_key, autoincrement)]
    id: i64,
    #[model(unique)]
    name: String,
    active: bool,
    #[model(default = "CURRENT_TIMESTAMP")]
    created_at: String,
    rating: Option<f64>,
}

#[derive(Model)]
#[model(table = "book")]
struct Book {
    #[model(primary_key)]
    id: i64,
    #[model(references = "author(id)", on_delete = "cascade", index)]
    author_id: i64,
    title: String,
    #[model(default = "0")]
    pages: i64,
    cover: Option<Vec<u8>>,
}

/// The same tables as SQLAlchemy's `create_all` writes them: types by
/// their usual names, not STRICT, no CHECKs, a UNIQUE constraint, no
/// AUTOINCREMENT, no defaults.
const SQLALCHEMY: &str = "
CREATE TABLE author (
	id INTEGER NOT NULL,
	name VARCHAR(40) NOT NULL,
	active BOOLEAN NOT NULL,
	created_at DATETIME NOT NULL,
	rating FLOAT,
	PRIMARY KEY (id),
	UNIQUE (name)
);
CREATE TABLE book (
	id INTEGER NOT NULL,
	author_id INTEGER NOT NULL,
	title VARCHAR NOT NULL,
	pages INTEGER NOT NULL,
	cover BLOB,
	PRIMARY KEY (id),
	FOREIGN KEY(author_id) REFERENCES author (id) ON DELETE CASCADE
);
CREATE INDEX ix_book_author_id ON book (author_id);
";

const ROWS: &str = "
INSERT INTO author VALUES (1, 'Ann', 1, '2024-01-02 10:00:00', 4.5);
INSERT INTO author VALUES (2, 'Bob', 0, '2024-02-03 11:30:00', NULL);
INSERT INTO author VALUES (7, 'Cy', 1, '2024-03-04 12:45:00', 3);
INSERT INTO book VALUES (10, 1, 'First', 120, X'00FF');
INSERT INTO book VALUES (11, 1, 'Second', 0, NULL);
INSERT INTO book VALUES (12, 7, 'Third', 300, NULL);
";

/// The models, their first revision written into a temporary directory.
struct App {
    _dir: TempDir,
    history: History,
    schema: Schema,
}

impl App {
    fn new(name: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let dir = TempDir::new(name);
        let schema = ModelSet::new().with::<Author>().with::<Book>().build()?;
        stillroom::generate(dir.path(), &schema, "initial", GenerateOptions::default())?;
        let history = History::read(dir.path())?;
        Ok(Self {
            _dir: dir,
            history,
            schema,
        })
    }

    fn migrator(&self) -> Migrator<'_> {
        Migrator::new(&self.history).schema(&self.schema)
    }

    fn revision(&self) -> &str {
        &self.history.migrations[0].revision
    }
}

/// A database file made with `sql` by plain rusqlite (rollback journal, as
/// another tool leaves it).
fn made_by_hand(
    dir: &TempDir,
    sql: &str,
) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir.path())?;
    let path = dir.join("app.db");
    Connection::open(&path)?.execute_batch(sql)?;
    Ok(path)
}

/// Every row of every user table, typed (`Integer(1)`, `Text("a")`).
fn all_rows(conn: &Connection) -> rusqlite::Result<Vec<Vec<String>>> {
    let mut out = Vec::new();
    for (table, order) in [("author", "id"), ("book", "id")] {
        out.extend(rows(
            conn,
            &format!("SELECT * FROM {table} ORDER BY {order}"),
        )?);
    }
    Ok(out)
}

/// `all_rows` as the models' column order reads them.
fn model_rows(conn: &Connection) -> rusqlite::Result<Vec<Vec<String>>> {
    let mut out = rows(
        conn,
        "SELECT id, name, active, created_at, rating FROM author ORDER BY id",
    )?;
    out.extend(rows(
        conn,
        "SELECT id, author_id, title, pages, cover FROM book ORDER BY id",
    )?);
    Ok(out)
}

#[test]
fn a_sqlalchemy_database_is_adopted_converted_and_keeps_every_value() -> TestResult {
    let app = App::new("adopt-sqlalchemy")?;
    let dir = TempDir::new("adopt-sqlalchemy-db");
    let path = made_by_hand(&dir, &format!("{SQLALCHEMY}{ROWS}"))?;
    let before = model_rows(&Connection::open(&path)?)?;

    let conn = stillroom::open(&path)?;
    let report = app.migrator().migrate(&conn)?;
    let adoption = report.adopted.ok_or("not adopted")?;
    assert_eq!(adoption.revision, app.revision());
    assert!(
        adoption.converts() && adoption.foreign_keys_off,
        "{adoption:?}"
    );
    let against = Against::Revision(adoption.revision.clone());
    let said: Vec<String> = adoption
        .differences
        .iter()
        .map(|d| d.describe(&against))
        .collect();
    let revision = app.revision();
    for expected in [
        format!("table `author`: the database's table is not STRICT; revision `{revision}`'s is"),
        format!(
            "table `author`: the database's key is not AUTOINCREMENT; revision `{revision}`'s is"
        ),
        format!(
            "column `author.name`: the database declares VARCHAR(40); revision `{revision}` declares TEXT"
        ),
        format!(
            "column `author.active`: the database checks nothing; revision `{revision}` checks `\"active\" IN (0, 1)`"
        ),
        format!(
            "column `author.created_at`: the database's default is none; revision `{revision}`'s is `CURRENT_TIMESTAMP`"
        ),
        format!(
            "table `author`: the database has a UNIQUE constraint on (name); revision `{revision}` has the unique index `uq_author_name` on (name)"
        ),
        format!(
            "column `book.title`: the database declares VARCHAR; revision `{revision}` declares TEXT"
        ),
    ] {
        assert!(
            said.contains(&expected),
            "missing {expected:?} in {said:#?}"
        );
    }
    assert_eq!(report.current.as_deref(), Some(revision));
    assert!(report.compared);

    // Every value, with its type, as it was.
    assert_eq!(model_rows(&conn)?, before);
    // The revision's exact schema: what a fresh database gets, byte for byte.
    let fresh = Connection::open_in_memory()?;
    app.migrator().migrate(&fresh)?;
    let user_objects = |conn: &Connection| -> rusqlite::Result<Vec<_>> {
        Ok(schema_dump(conn)?
            .into_iter()
            .filter(|(_, name, _, _)| {
                !name.starts_with("stillroom_") && !name.starts_with("sqlite_")
            })
            .collect())
    };
    assert_eq!(user_objects(&conn)?, user_objects(&fresh)?);
    assert!(stillroom::differences(&conn, &app.schema)?.is_empty());
    // The models read the rows; the next start has nothing to do; WAL now.
    assert_eq!(Author::count(&conn)?, 3);
    assert!(Book::get(&conn, 10)?.is_some_and(|b| b.cover == Some(vec![0, 255])));
    let again = app.migrator().migrate(&conn)?;
    assert!(again.adopted.is_none() && again.ran.is_empty());
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    assert_eq!(mode, "wal");
    // A new author gets a key above every key ever used.
    let mut author = Author {
        id: 0,
        name: "Dee".into(),
        active: true,
        created_at: "2024-05-06".into(),
        rating: None,
    };
    stillroom::AutoIncrement::insert_new(&mut author, &conn)?;
    assert_eq!(author.id, 8);
    Ok(())
}

#[test]
fn values_that_do_not_fit_are_refused_by_table_rule_and_rowid_and_the_file_is_unchanged()
-> TestResult {
    let app = App::new("adopt-misfit")?;
    let dir = TempDir::new("adopt-misfit-db");
    let path = made_by_hand(
        &dir,
        &format!(
            "{SQLALCHEMY}{ROWS}
             UPDATE author SET active = 7 WHERE id = 2;
             UPDATE book SET pages = 'many' WHERE id = 11;
             INSERT INTO author VALUES (9, 'Ann ', 1, '2024', 'high');"
        ),
    )?;
    let before = file_state(&path)?;

    let conn = stillroom::open(&path)?;
    let err = app.migrator().migrate(&conn).unwrap_err();
    let message = err.to_string();
    let Error::AdoptionBlocked {
        revision, misfits, ..
    } = &err
    else {
        panic!("expected AdoptionBlocked, got {err:?}");
    };
    assert_eq!(revision, app.revision());
    let said: Vec<String> = misfits.iter().map(ToString::to_string).collect();
    for expected in [
        "table `author`: column `active` CHECK (\"active\" IN (0, 1)) is broken 1 time: rowid 2 holds 7",
        "table `author`: column `rating` as REAL in a STRICT table (which keeps only real or integer values unchanged) is broken 1 time: rowid 9 holds 'high'",
        "table `book`: column `pages` as INTEGER in a STRICT table (which keeps only integer values unchanged) is broken 1 time: rowid 11 holds 'many'",
    ] {
        assert!(
            said.iter().any(|s| s == expected),
            "missing {expected:?} in {said:#?}"
        );
    }
    assert!(
        message.contains("nothing was changed") && message.contains("db adopt --sql"),
        "{message}"
    );
    drop(conn);
    assert_eq!(
        file_state(&path)?,
        before,
        "a refused start changed the file"
    );
    Ok(())
}

#[test]
fn duplicates_nulls_and_dangling_references_are_refused_too() -> TestResult {
    let app = App::new("adopt-keys")?;
    let dir = TempDir::new("adopt-keys-db");
    // No UNIQUE, a nullable name, no foreign key: the data took advantage.
    let path = made_by_hand(
        &dir,
        "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT, active INTEGER NOT NULL, created_at TEXT NOT NULL, rating REAL);
         CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, title TEXT NOT NULL, pages INTEGER NOT NULL, cover BLOB);
         CREATE INDEX ix_book_author_id ON book (author_id);
         INSERT INTO author VALUES (1, 'Ann', 1, 'x', NULL), (2, 'Ann', 0, 'y', NULL), (3, NULL, 0, 'z', NULL);
         INSERT INTO book VALUES (1, 1, 'a', 1, NULL), (2, 99, 'b', 2, NULL);",
    )?;
    let before = file_state(&path)?;
    let conn = stillroom::open(&path)?;
    let err = app.migrator().migrate(&conn).unwrap_err();
    let Error::AdoptionBlocked { misfits, .. } = &err else {
        panic!("expected AdoptionBlocked, got {err:?}");
    };
    let said: Vec<String> = misfits.iter().map(ToString::to_string).collect();
    for expected in [
        "table `author`: column `name` NOT NULL is broken 1 time: rowid 3",
        "table `author`: the unique index `uq_author_name` on (name) is broken 1 time: ('Ann') in 2 rows",
        "table `book`: the foreign key (author_id) -> `author` (id) is broken 1 time: rowid 2 holds (99)",
    ] {
        assert!(
            said.iter().any(|s| s == expected),
            "missing {expected:?} in {said:#?}"
        );
    }
    drop(conn);
    assert_eq!(file_state(&path)?, before);
    Ok(())
}

#[test]
fn a_database_matching_no_revision_lists_every_difference_and_the_sql_to_fix_it() -> TestResult {
    let app = App::new("adopt-nomatch")?;
    let dir = TempDir::new("adopt-nomatch-db");
    let path = made_by_hand(
        &dir,
        "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL, created_at TEXT NOT NULL, rating REAL, source_site TEXT);
         INSERT INTO author VALUES (1, 'Ann', 1, 'x', NULL, 'example.org');",
    )?;
    let before = file_state(&path)?;
    let conn = stillroom::open(&path)?;
    let err = app.migrator().migrate(&conn).unwrap_err();
    let message = err.to_string();
    let Error::AdoptionFailed {
        closest,
        differences,
    } = &err
    else {
        panic!("expected AdoptionFailed, got {err:?}");
    };
    assert_eq!(closest, app.revision());
    assert!(
        differences
            .iter()
            .any(|d| matches!(d, Difference::MissingTable { table } if table.name == "book"))
    );
    let revision = app.revision();
    for expected in [
        format!("the database has column `author.source_site`; revision `{revision}` does not"),
        format!("revision `{revision}` has table `book`; the database does not"),
        "ALTER TABLE \"author\" DROP COLUMN \"source_site\";".to_owned(),
        "CREATE TABLE \"book\" (".to_owned(),
        "nothing was changed".to_owned(),
        "`db inspect`".to_owned(),
    ] {
        assert!(
            message.contains(&expected),
            "missing {expected:?} in:\n{message}"
        );
    }
    drop(conn);
    assert_eq!(file_state(&path)?, before);
    Ok(())
}

#[test]
fn an_exact_revision_wins_over_a_convertible_earlier_one() -> TestResult {
    let dir = TempDir::new("adopt-exact-later");
    let mut schema = ModelSet::new().with::<Author>().with::<Book>().build()?;
    stillroom::generate(dir.path(), &schema, "initial", GenerateOptions::default())?;
    // The second revision makes `book.title` nullable (a rebuild).
    let mut tables = schema.tables().to_vec();
    let book = tables.iter_mut().find(|t| t.name == "book").ok_or("book")?;
    book.columns
        .iter_mut()
        .find(|c| c.name == "title")
        .ok_or("title")?
        .nullable = true;
    schema = Schema::new(tables)?;
    stillroom::generate(
        dir.path(),
        &schema,
        "optional title",
        GenerateOptions::default(),
    )?;
    let history = History::read(dir.path())?;
    let [first, second] = [&history.migrations[0], &history.migrations[1]];

    // Exactly the second revision's schema: adopted there, nothing converted.
    let at_second = Connection::open_in_memory()?;
    at_second.execute_batch(&first.up)?;
    at_second.execute_batch(&second.up)?;
    let report = Migrator::new(&history)
        .schema(&schema)
        .migrate(&at_second)?;
    let adoption = report.adopted.ok_or("not adopted")?;
    assert_eq!(adoption.revision, second.revision);
    assert!(!adoption.converts());

    // The first revision's tables, declared loosely: adopted at the first
    // (converted), then the second applied.
    let loose = Connection::open_in_memory()?;
    loose.execute_batch(&format!("{SQLALCHEMY}{ROWS}"))?;
    let report = Migrator::new(&history).schema(&schema).migrate(&loose)?;
    assert_eq!(
        report.adopted.map(|a| a.revision),
        Some(first.revision.clone())
    );
    assert_eq!(report.ran, std::slice::from_ref(&second.revision));
    assert_eq!(stillroom::differences(&loose, &schema)?, []);
    Ok(())
}

#[test]
fn adoption_on_an_explicit_command_only() -> TestResult {
    let app = App::new("adopt-explicit")?;
    let dir = TempDir::new("adopt-explicit-db");
    let path = made_by_hand(&dir, &format!("{SQLALCHEMY}{ROWS}"))?;
    let before = file_state(&path)?;
    let conn = stillroom::open(&path)?;
    let migrator = app.migrator().adopt_on_start(false);

    let err = migrator.migrate(&conn).unwrap_err();
    assert!(matches!(err, Error::NotAdopted), "{err:?}");
    assert!(err.to_string().contains("db adopt --sql"), "{err}");
    // Reviewing reads only.
    let plan = migrator.adoption_plan(&conn)?;
    assert!(
        plan.converts() && plan.sql.contains("CREATE TABLE \"_stillroom_new_author\""),
        "{plan:?}"
    );
    let script = migrator.adoption_sql(&conn)?;
    assert!(
        script.starts_with("-- stillroom: adopt the existing database at "),
        "{script}"
    );
    assert!(
        script.contains("-- converts: table `author`: the database's table is not STRICT"),
        "{script}"
    );
    drop(conn);
    assert_eq!(file_state(&path)?, before, "review changed the file");

    let conn = stillroom::open(&path)?;
    let report = migrator.adopt(&conn)?;
    assert_eq!(report.current.as_deref(), Some(app.revision()));
    assert!(report.adopted.is_some_and(|a| a.converts()));
    assert!(matches!(migrator.adopt(&conn), Err(Error::AlreadyAdopted)));
    let again = migrator.migrate(&conn)?;
    assert!(again.ran.is_empty() && again.adopted.is_none());
    assert_eq!(stillroom::differences(&conn, &app.schema)?, []);
    Ok(())
}

#[test]
fn the_adoption_script_run_by_sqlite3_adopts_as_adopt_does() -> TestResult {
    let app = App::new("adopt-script")?;
    let dir = TempDir::new("adopt-script-db");
    let by_script = made_by_hand(&dir, &format!("{SQLALCHEMY}{ROWS}"))?;
    let by_adopt = dir.join("by-adopt.db");
    std::fs::copy(&by_script, &by_adopt)?;

    let script = app
        .migrator()
        .adoption_sql(&Connection::open(&by_script)?)?;
    let Some(run) = sqlite3(&by_script, &script)? else {
        return Ok(());
    };
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    app.migrator().adopt(&Connection::open(&by_adopt)?)?;

    let (a, b) = (Connection::open(&by_script)?, Connection::open(&by_adopt)?);
    let user = |c: &Connection| -> rusqlite::Result<Vec<_>> {
        Ok(schema_dump(c)?
            .into_iter()
            .filter(|(_, n, _, _)| !n.starts_with("sqlite_"))
            .collect())
    };
    assert_eq!(user(&a)?, user(&b)?);
    assert_eq!(all_rows(&a)?, all_rows(&b)?);
    let ledger = "SELECT revision, parent, position, checksum, how FROM stillroom_migrations";
    assert_eq!(rows(&a, ledger)?, rows(&b, ledger)?);
    // The script refuses a database that has a ledger: nothing changes.
    let state = file_state(&by_script)?;
    drop((a, b));
    let Some(again) = sqlite3(&by_script, &script)? else {
        return Ok(());
    };
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("stillroom: the database is not at base"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(file_state(&by_script)?, state);
    Ok(())
}

#[test]
fn views_and_triggers_survive_the_conversion() -> TestResult {
    let app = App::new("adopt-views")?;
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(&format!(
        "{SQLALCHEMY}{ROWS}
         CREATE VIEW prolific AS SELECT author.name, count(*) AS books FROM author JOIN book ON book.author_id = author.id GROUP BY author.id;
         CREATE TRIGGER book_checked BEFORE INSERT ON book BEGIN SELECT CASE WHEN new.pages < 0 THEN RAISE(ABORT, 'negative pages') END; END;"
    ))?;
    app.migrator().migrate(&conn)?;
    assert_eq!(
        rows(&conn, "SELECT name, books FROM prolific ORDER BY name")?,
        [
            ["Text(\"Ann\")", "Integer(2)"],
            ["Text(\"Cy\")", "Integer(1)"]
        ]
    );
    let refused = conn.execute("INSERT INTO book VALUES (20, 1, 'x', -1, NULL)", []);
    assert!(refused.is_err_and(|e| e.to_string().contains("negative pages")));
    Ok(())
}

#[test]
fn a_table_with_a_collation_is_not_rebuilt_behind_the_users_back() -> TestResult {
    let app = App::new("adopt-collate")?;
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(&format!(
        "{}{ROWS}",
        SQLALCHEMY.replace(
            "name VARCHAR(40) NOT NULL",
            "name VARCHAR(40) NOT NULL COLLATE NOCASE"
        )
    ))?;
    let err = app.migrator().migrate(&conn).unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(&err, Error::AdoptionBlocked { unsupported, .. } if unsupported.iter().any(|u| u.contains("COLLATE on column `author.name`"))),
        "{err:?}"
    );
    assert!(
        message.contains("parts stillroom cannot recreate"),
        "{message}"
    );
    Ok(())
}

#[test]
fn exact_adoption_of_a_hand_made_database_with_a_rowid_alias() -> TestResult {
    let app = App::new("adopt-rowid")?;
    let conn = Connection::open_in_memory()?;
    // Exactly the models' declaration, except `id INTEGER PRIMARY KEY`
    // without NOT NULL (SQLite never stores NULL there).
    let mut ddl = String::new();
    for m in &app.history.migrations {
        ddl.push_str(&m.up.replace(
            "\"id\" INTEGER NOT NULL PRIMARY KEY",
            "\"id\" INTEGER PRIMARY KEY",
        ));
    }
    assert!(ddl.contains("\"id\" INTEGER PRIMARY KEY"), "{ddl}");
    conn.execute_batch(&ddl)?;
    let report = app.migrator().migrate(&conn)?;
    assert!(report.adopted.is_some_and(|a| !a.converts()));
    Ok(())
}

#[test]
fn strict_verification_refuses_an_undeclared_index_the_default_tolerates() -> TestResult {
    let app = App::new("adopt-extra-index")?;
    let conn = Connection::open_in_memory()?;
    app.migrator().migrate(&conn)?;
    conn.execute_batch("CREATE INDEX dba_book_title ON book (title)")?;
    let tolerated = app.migrator().check_schema(&conn)?;
    assert_eq!(
        tolerated
            .iter()
            .map(|d| d.describe(&Against::Models))
            .collect::<Vec<_>>(),
        ["the database has the index `dba_book_title` on (title) on `book`; the models do not"]
    );
    assert!(app.migrator().migrate(&conn).is_ok());
    let exact = app.migrator().verification(Verification::Exact);
    let err = exact.migrate(&conn).unwrap_err();
    assert!(
        matches!(&err, Error::SchemaMismatch { differences, .. } if differences.len() == 1),
        "{err:?}"
    );
    // A unique index rejects writes: never tolerated.
    conn.execute_batch(
        "DROP INDEX dba_book_title; CREATE UNIQUE INDEX dba_book_title ON book (title)",
    )?;
    assert!(app.migrator().migrate(&conn).is_err());
    Ok(())
}

// ---------------------------------------------------------------------------
// The property: a database of any schema A that another tool declared in its
// own way (not STRICT, other type spellings, UNIQUE constraints, other index
// names, defaults and NOT NULL on keys left out), holding rows, is adopted
// at A's revision and converted to A exactly, keeping every value; after the
// next revision (A -> B) it is the same database, row for row, as one that
// stillroom created.

mod property {
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;
    use rusqlite::Connection;
    use stillroom::{History, Migrator, Schema, quote_ident};

    use crate::common::TempDir;
    use crate::migration_properties::{
        Model, Scenario, Tbl, Ty, config, insert, next_migration, read_rows, scenario,
    };

    /// One of a few spellings another tool uses for `ty`; `pick` chooses.
    fn spelling(ty: Ty, pick: usize) -> &'static str {
        let names: &[&str] = match ty {
            Ty::Integer => &["INTEGER", "INT", "BIGINT"],
            Ty::Real => &["REAL", "FLOAT", "DOUBLE PRECISION"],
            Ty::Text => &["TEXT", "VARCHAR(255)", "CLOB"],
            Ty::Blob => &["BLOB", ""],
        };
        names[pick % names.len()]
    }

    /// `t` as another tool might have declared it.
    fn loose_table(t: &Tbl, model: &Model) -> Vec<String> {
        let mut parts = Vec::new();
        let keep_autoincrement = t.autoincrement && t.id.is_multiple_of(2);
        for c in &t.cols {
            let pick = t.id * 7 + c.id;
            let key = t.is_key(c.id);
            let mut def = quote_ident(&c.name);
            let ty = if keep_autoincrement && key {
                "INTEGER"
            } else {
                spelling(c.ty, pick)
            };
            if !ty.is_empty() {
                def.push(' ');
                def.push_str(ty);
            }
            // Key columns sometimes leave NOT NULL implicit.
            let implicit = key && pick.is_multiple_of(2);
            if !c.nullable && !implicit {
                def.push_str(" NOT NULL");
            }
            if keep_autoincrement && key {
                def.push_str(" PRIMARY KEY AUTOINCREMENT");
            }
            if let Some(d) = c.default.filter(|_| !pick.is_multiple_of(3)) {
                def.push_str(" DEFAULT ");
                def.push_str(d);
            }
            parts.push(def);
        }
        let name_of = |id: usize| {
            t.cols
                .iter()
                .find(|c| c.id == id)
                .map(|c| quote_ident(&c.name))
        };
        if !keep_autoincrement {
            let key: Vec<String> = t.key.iter().filter_map(|k| name_of(*k)).collect();
            parts.push(format!("PRIMARY KEY ({})", key.join(", ")));
        }
        let mut indexes = Vec::new();
        for (i, index) in t.indexes.iter().enumerate() {
            let Some(column) = name_of(index.col) else {
                continue;
            };
            if index.unique && (t.id + i).is_multiple_of(2) {
                parts.push(format!("UNIQUE ({column})"));
            } else {
                let name = if i.is_multiple_of(2) {
                    index.name.clone()
                } else {
                    format!("legacy {}", index.name)
                };
                indexes.push(format!(
                    "CREATE {}INDEX {} ON {} ({column});",
                    if index.unique { "UNIQUE " } else { "" },
                    quote_ident(&name),
                    quote_ident(&t.name)
                ));
            }
        }
        for fk in &t.fks {
            let parent = model.tables.iter().find(|p| p.id == fk.parent);
            let (Some(parent), Some(column)) = (parent, name_of(fk.col)) else {
                continue;
            };
            let Some(key) = parent
                .key
                .first()
                .and_then(|k| parent.cols.iter().find(|c| c.id == *k))
            else {
                continue;
            };
            parts.push(format!(
                "FOREIGN KEY ({column}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
                quote_ident(&parent.name),
                quote_ident(&key.name),
                fk.on_delete.as_sql(),
                fk.on_update.as_sql()
            ));
        }
        let mut out = vec![format!(
            "CREATE TABLE {} (\n  {}\n);",
            quote_ident(&t.name),
            parts.join(",\n  ")
        )];
        out.extend(indexes);
        out
    }

    fn rows_of(
        conn: &Connection,
        model: &Model,
    ) -> Result<Vec<Vec<Vec<rusqlite::types::Value>>>, String> {
        let mut out = Vec::new();
        for t in &model.tables {
            let names: Vec<&str> = t.cols.iter().map(|c| c.name.as_str()).collect();
            out.push(read_rows(conn, &t.name, &names)?);
        }
        Ok(out)
    }

    fn check(s: &Scenario) -> Result<(), String> {
        let e = |what: &'static str| move |e: rusqlite::Error| format!("{what}: {e}");
        let schema_a = s.a.schema(None)?;
        let schema_b = s.b.schema(Some(&s.a))?;
        let dir = TempDir::new("adopt-property");
        next_migration(&dir, &schema_a, "initial")?.ok_or("empty initial migration")?;
        let history = History::read(dir.path()).map_err(|e| e.to_string())?;
        let migrate = |conn: &Connection, history: &History, schema: &Schema| {
            Migrator::new(history)
                .schema(schema)
                .migrate(conn)
                .map_err(|e| e.to_string())
        };

        let reference = Connection::open_in_memory().map_err(e("open"))?;
        migrate(&reference, &history, &schema_a)?;
        let loose = Connection::open_in_memory().map_err(e("open"))?;
        let ddl: Vec<String> =
            s.a.tables
                .iter()
                .flat_map(|t| loose_table(t, &s.a))
                .collect();
        loose
            .execute_batch(&ddl.join("\n"))
            .map_err(|e| format!("{e}\n{}", ddl.join("\n")))?;
        for (t, rows) in s.a.tables.iter().zip(&s.rows) {
            insert(&reference, t, rows)?;
            insert(&loose, t, rows)?;
        }
        let report = migrate(&loose, &history, &schema_a)
            .map_err(|e| format!("adoption failed: {e}\n{}", ddl.join("\n")))?;
        if report.adopted.is_none() {
            return Err("not adopted".into());
        }
        let left = stillroom::differences(&loose, &schema_a).map_err(|e| e.to_string())?;
        if !left.is_empty() {
            return Err(format!("after adoption, differences remain: {left:?}"));
        }
        if rows_of(&loose, &s.a)? != rows_of(&reference, &s.a)? {
            return Err("the adopted database's rows differ from the reference's".into());
        }

        // The next revision, on both.
        if next_migration(&dir, &schema_b, "change")?.is_none() {
            return Ok(());
        }
        let history = History::read(dir.path()).map_err(|e| e.to_string())?;
        migrate(&reference, &history, &schema_b)?;
        migrate(&loose, &history, &schema_b).map_err(|e| format!("A -> B after adoption: {e}"))?;
        if rows_of(&loose, &s.b)? != rows_of(&reference, &s.b)? {
            return Err("after A -> B, the adopted database's rows differ".into());
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn loosely_declared_databases_are_adopted_exactly_keeping_every_row(s in scenario()) {
            check(&s).map_err(|e| TestCaseError::fail(format!("{e}\nA: {:#?}", s.a)))?;
        }
    }
}
