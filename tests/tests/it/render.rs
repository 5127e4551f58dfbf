//! `stillroom::render`: the exact SQL text of every kind of operation, what
//! it says about foreign keys and the SQLite version it needs, views and
//! triggers set aside around a rebuild, and the rebuild's temporary name.
//! Then the rendered SQL is run on a database built from the "from" schema,
//! and the database read back must be the "to" schema.
//!
//! Every test uses its own table names so that a failure names its test.

use crate::common::{
    basic, column as col, defaulted as dflt, fk, index, optional as opt, schema, table,
};
use std::error::Error;

use rusqlite::Connection;
use stillroom::{
    Action, DiffOptions, LiveSchema, Op, Rebuild, Rendered, Schema, SqlType, Table, diff,
    introspect, render,
};

type TestResult = Result<(), Box<dyn Error>>;

const SAFE: DiffOptions = DiffOptions {
    allow_data_loss: false,
    allow_loss_of: Vec::new(),
};
const LOSSY: DiffOptions = DiffOptions {
    allow_data_loss: true,
    allow_loss_of: Vec::new(),
};

/// The SQLite versions `Rendered::requires` names.
const BASE: (u32, u32, u32) = (3, 8, 0);
const RENAME: (u32, u32, u32) = (3, 25, 0);
const DROP_COLUMN: (u32, u32, u32) = (3, 35, 0);
const STRICT: (u32, u32, u32) = (3, 37, 0);

fn rebuild_op(from: &Table, to: &Table, reasons: &[&str]) -> Op {
    Op::RebuildTable(Box::new(Rebuild {
        from: from.clone(),
        to: to.clone(),
        reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
    }))
}

/// SQL text: these lines, each ending in a newline.
fn lines(lines: &[&str]) -> String {
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Renders `ops` for a database with no views or triggers.
fn plain(ops: &[Op]) -> Rendered {
    render(ops, &LiveSchema::default())
}

/// An in-memory database with foreign keys on, holding `schema`'s tables.
fn database(schema: &Schema) -> Result<Connection, Box<dyn Error>> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    for sql in schema.create_statements() {
        conn.execute_batch(&sql)?;
    }
    Ok(conn)
}

/// Runs `rendered` the way the migration runner does: foreign keys off
/// around the transaction when it says so, checked before commit.
fn apply(conn: &Connection, rendered: &Rendered) -> TestResult {
    if rendered.foreign_keys_off {
        conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    }
    conn.execute_batch("BEGIN")?;
    let run = || -> TestResult {
        conn.execute_batch(&rendered.sql)?;
        let broken: Vec<String> = conn
            .prepare("PRAGMA foreign_key_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if broken.is_empty() {
            Ok(())
        } else {
            Err(format!("broken foreign keys in {broken:?}").into())
        }
    };
    let result = run();
    conn.execute_batch(if result.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    result.map_err(|e| format!("{e}\n--- in ---\n{}", rendered.sql).into())
}

/// Fails unless the database's schema is `expected`.
fn assert_schema(conn: &Connection, expected: &Schema) -> TestResult {
    let left = diff(&introspect(conn)?.schema, expected, LOSSY)?;
    assert!(
        left.is_empty(),
        "the database differs from the target schema: {:#?}",
        left.ops
    );
    Ok(())
}

/// Diffs the database `conn` against `to`, renders the ops for it, runs
/// them, and checks that the database is then `to`. Returns what ran.
fn migrate(
    conn: &Connection,
    to: &Schema,
    options: DiffOptions,
) -> Result<(Vec<Op>, Rendered), Box<dyn Error>> {
    let before = introspect(conn)?;
    let d = diff(&before.schema, to, options)?;
    let rendered = render(&d.ops, &before);
    apply(conn, &rendered)?;
    assert_schema(conn, to)?;
    Ok((d.ops, rendered))
}

fn count(conn: &Connection, sql: &str) -> rusqlite::Result<i64> {
    conn.query_row(sql, [], |r| r.get(0))
}

// ------------------------------------------------------ SQL of each op

#[test]
fn create_table_with_its_indexes() {
    let mut t = table(
        "r_jobs",
        &["id"],
        vec![
            col("id", SqlType::Integer),
            dflt("status", SqlType::Text, "'queued'"),
            opt("note", SqlType::Text),
        ],
    );
    t.indexes
        .push(index("ix_r_jobs_status", &["status"], false));
    t.indexes.push(index("uq_r_jobs_note", &["note"], true));
    let r = plain(&[Op::CreateTable(t)]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- create table `r_jobs`",
            "CREATE TABLE \"r_jobs\" (",
            "    \"id\" INTEGER NOT NULL PRIMARY KEY,",
            "    \"status\" TEXT NOT NULL DEFAULT 'queued',",
            "    \"note\" TEXT",
            ") STRICT;",
            "CREATE INDEX \"ix_r_jobs_status\" ON \"r_jobs\" (\"status\");",
            "CREATE UNIQUE INDEX \"uq_r_jobs_note\" ON \"r_jobs\" (\"note\");",
        ])
    );
    assert!(!r.foreign_keys_off);
    assert_eq!(r.requires, STRICT);
}

#[test]
fn create_tables_with_a_foreign_key_and_not_strict() {
    let mut parent = basic("r_ct_parent");
    parent.strict = false;
    let mut child = table(
        "r_ct_child",
        &["a", "b"],
        vec![
            col("a", SqlType::Integer),
            col("b", SqlType::Text),
            col("parent_id", SqlType::Integer),
        ],
    );
    child.strict = false;
    child
        .foreign_keys
        .push(fk(&["parent_id"], "r_ct_parent", &["id"], Action::Cascade));
    child.checks.push("\"a\" > 0".into());
    let r = plain(&[Op::CreateTable(parent), Op::CreateTable(child)]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- create table `r_ct_parent`",
            "CREATE TABLE \"r_ct_parent\" (",
            "    \"id\" INTEGER NOT NULL PRIMARY KEY,",
            "    \"name\" TEXT NOT NULL",
            ");",
            "",
            "-- create table `r_ct_child`",
            "CREATE TABLE \"r_ct_child\" (",
            "    \"a\" INTEGER NOT NULL,",
            "    \"b\" TEXT NOT NULL,",
            "    \"parent_id\" INTEGER NOT NULL,",
            "    PRIMARY KEY (\"a\", \"b\"),",
            "    FOREIGN KEY (\"parent_id\") REFERENCES \"r_ct_parent\" (\"id\") ON DELETE CASCADE,",
            "    CHECK (\"a\" > 0)",
            ");",
        ])
    );
    assert!(!r.foreign_keys_off);
    assert_eq!(r.requires, BASE);
}

#[test]
fn drop_table() {
    let r = plain(&[Op::DropTable(basic("r_old"))]);
    assert_eq!(
        r.sql,
        lines(&["-- drop table `r_old`", "DROP TABLE \"r_old\";"])
    );
    assert!(!r.foreign_keys_off);
    assert_eq!(r.requires, BASE);
}

#[test]
fn rename_table() {
    let r = plain(&[Op::RenameTable {
        from: "r_a".into(),
        to: "r_b".into(),
    }]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- rename table `r_a` to `r_b`",
            "ALTER TABLE \"r_a\" RENAME TO \"r_b\";"
        ])
    );
    assert!(!r.foreign_keys_off);
    assert_eq!(r.requires, RENAME);
}

#[test]
fn add_column() {
    let r = plain(&[
        Op::AddColumn {
            table: "r_ac".into(),
            column: opt("note", SqlType::Text),
            foreign_key: None,
        },
        Op::AddColumn {
            table: "r_ac".into(),
            column: dflt("status", SqlType::Text, "'new'"),
            foreign_key: None,
        },
    ]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- add column `r_ac.note`",
            "ALTER TABLE \"r_ac\" ADD COLUMN \"note\" TEXT;",
            "",
            "-- add column `r_ac.status`",
            "ALTER TABLE \"r_ac\" ADD COLUMN \"status\" TEXT NOT NULL DEFAULT 'new';",
        ])
    );
    assert!(!r.foreign_keys_off);
    assert_eq!(r.requires, BASE);
}

#[test]
fn add_column_with_a_foreign_key() {
    let mut on_update = fk(&["group_id"], "r_groups", &["id"], Action::Cascade);
    on_update.on_update = Action::Cascade;
    let r = plain(&[
        Op::AddColumn {
            table: "r_items".into(),
            column: opt("owner_id", SqlType::Integer),
            foreign_key: Some(fk(&["owner_id"], "r_owners", &["id"], Action::SetNull)),
        },
        Op::AddColumn {
            table: "r_items".into(),
            column: opt("group_id", SqlType::Integer),
            foreign_key: Some(on_update),
        },
        Op::AddColumn {
            table: "r_items".into(),
            column: opt("tag", SqlType::Text),
            foreign_key: Some(fk(&["tag"], "r_tags", &["name"], Action::NoAction)),
        },
    ]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- add column `r_items.owner_id`",
            "ALTER TABLE \"r_items\" ADD COLUMN \"owner_id\" INTEGER REFERENCES \"r_owners\" (\"id\") ON DELETE SET NULL;",
            "",
            "-- add column `r_items.group_id`",
            "ALTER TABLE \"r_items\" ADD COLUMN \"group_id\" INTEGER REFERENCES \"r_groups\" (\"id\") ON DELETE CASCADE ON UPDATE CASCADE;",
            "",
            "-- add column `r_items.tag`",
            "ALTER TABLE \"r_items\" ADD COLUMN \"tag\" TEXT REFERENCES \"r_tags\" (\"name\");",
        ])
    );
    assert!(!r.foreign_keys_off);
}

#[test]
fn drop_column() {
    let r = plain(&[Op::DropColumn {
        table: "r_dc".into(),
        column: opt("legacy", SqlType::Text),
    }]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- drop column `r_dc.legacy`",
            "ALTER TABLE \"r_dc\" DROP COLUMN \"legacy\";"
        ])
    );
    assert!(!r.foreign_keys_off);
    assert_eq!(r.requires, DROP_COLUMN);
}

#[test]
fn rename_column() {
    let r = plain(&[Op::RenameColumn {
        table: "r_rc".into(),
        from: "name".into(),
        to: "title".into(),
    }]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- rename column `r_rc.name` to `title`",
            "ALTER TABLE \"r_rc\" RENAME COLUMN \"name\" TO \"title\";"
        ])
    );
    assert!(!r.foreign_keys_off);
    assert_eq!(r.requires, RENAME);
}

#[test]
fn create_and_drop_index() {
    let r = plain(&[
        Op::DropIndex {
            table: "r_ix".into(),
            index: index("ix_r_ix_a", &["a"], false),
        },
        Op::CreateIndex {
            table: "r_ix".into(),
            index: index("uq_r_ix_a_b", &["a", "b"], true),
        },
        Op::CreateIndex {
            table: "r_ix".into(),
            index: index("ix_r_ix_b", &["b"], false),
        },
    ]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- drop index `ix_r_ix_a`",
            "DROP INDEX \"ix_r_ix_a\";",
            "",
            "-- create index `uq_r_ix_a_b`",
            "CREATE UNIQUE INDEX \"uq_r_ix_a_b\" ON \"r_ix\" (\"a\", \"b\");",
            "",
            "-- create index `ix_r_ix_b`",
            "CREATE INDEX \"ix_r_ix_b\" ON \"r_ix\" (\"b\");",
        ])
    );
    assert!(!r.foreign_keys_off);
    assert_eq!(r.requires, BASE);
}

#[test]
fn identifiers_are_quoted() {
    let r = plain(&[
        Op::RenameColumn {
            table: "order".into(),
            from: "select".into(),
            to: "say \"hi\"".into(),
        },
        Op::DropIndex {
            table: "order".into(),
            index: index("ix \"q\"", &["x"], false),
        },
    ]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- rename column `order.select` to `say \"hi\"`",
            "ALTER TABLE \"order\" RENAME COLUMN \"select\" TO \"say \"\"hi\"\"\";",
            "",
            "-- drop index `ix \"q\"`",
            "DROP INDEX \"ix \"\"q\"\"\";",
        ])
    );
}

// ------------------------------------------------------------- rebuilds

#[test]
fn rebuild_table() {
    let from = table(
        "r_rb",
        &["id"],
        vec![
            col("id", SqlType::Integer),
            col("name", SqlType::Text),
            opt("note", SqlType::Text),
            opt("legacy", SqlType::Blob),
        ],
    );
    let mut to = table(
        "r_rb",
        &["id"],
        vec![
            col("id", SqlType::Integer),
            col("name", SqlType::Text),
            dflt("note", SqlType::Text, "''"),
            opt("extra", SqlType::Real),
        ],
    );
    to.indexes.push(index("ix_r_rb_name", &["name"], false));
    let r = plain(&[rebuild_op(&from, &to, &["`note` becomes NOT NULL"])]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- rebuild table `r_rb` (`note` becomes NOT NULL)",
            "CREATE TABLE \"_stillroom_new_r_rb\" (",
            "    \"id\" INTEGER NOT NULL PRIMARY KEY,",
            "    \"name\" TEXT NOT NULL,",
            "    \"note\" TEXT NOT NULL DEFAULT '',",
            "    \"extra\" REAL",
            ") STRICT;",
            // New columns take their defaults; NULLs of a column that became
            // NOT NULL take its default.
            "INSERT INTO \"_stillroom_new_r_rb\" (\"id\", \"name\", \"note\") SELECT \"id\", \"name\", COALESCE(\"note\", '') FROM \"r_rb\";",
            "DROP TABLE \"r_rb\";",
            "ALTER TABLE \"_stillroom_new_r_rb\" RENAME TO \"r_rb\";",
            "CREATE INDEX \"ix_r_rb_name\" ON \"r_rb\" (\"name\");",
        ])
    );
    assert!(r.foreign_keys_off);
    assert_eq!(r.requires, STRICT);
}

#[test]
fn rebuild_into_a_plain_table_needs_no_strict_support() {
    let from = basic("r_rbp");
    let mut to = basic("r_rbp");
    to.strict = false;
    let r = plain(&[rebuild_op(&from, &to, &["stops being STRICT"])]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- rebuild table `r_rbp` (stops being STRICT)",
            "CREATE TABLE \"_stillroom_new_r_rbp\" (",
            "    \"id\" INTEGER NOT NULL PRIMARY KEY,",
            "    \"name\" TEXT NOT NULL",
            ");",
            "INSERT INTO \"_stillroom_new_r_rbp\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM \"r_rbp\";",
            "DROP TABLE \"r_rbp\";",
            "ALTER TABLE \"_stillroom_new_r_rbp\" RENAME TO \"r_rbp\";",
        ])
    );
    assert!(r.foreign_keys_off);
    assert_eq!(r.requires, BASE);
}

#[test]
fn rebuild_keeps_the_autoincrement_counter_only_between_autoincrement_tables() {
    let mut auto = basic("r_ai");
    auto.primary_key.autoincrement = true;
    let mut auto_text = auto.clone();
    auto_text.columns[1].nullable = true;
    let plain_key = basic("r_ai");

    let r = plain(&[rebuild_op(&auto, &auto_text, &["`name` becomes nullable"])]);
    assert_eq!(
        r.sql,
        lines(&[
            "-- rebuild table `r_ai` (`name` becomes nullable)",
            "CREATE TABLE \"_stillroom_new_r_ai\" (",
            "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,",
            "    \"name\" TEXT",
            ") STRICT;",
            "INSERT INTO \"_stillroom_new_r_ai\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM \"r_ai\";",
            "DELETE FROM sqlite_sequence WHERE name = '_stillroom_new_r_ai';",
            "INSERT INTO sqlite_sequence (name, seq) SELECT '_stillroom_new_r_ai', seq FROM sqlite_sequence WHERE name = 'r_ai';",
            "DROP TABLE \"r_ai\";",
            "ALTER TABLE \"_stillroom_new_r_ai\" RENAME TO \"r_ai\";",
        ])
    );
    for (from, to) in [(&auto, &plain_key), (&plain_key, &auto)] {
        let r = plain(&[rebuild_op(from, to, &["AUTOINCREMENT changes"])]);
        assert!(!r.sql.contains("sqlite_sequence"), "{}", r.sql);
    }
}

#[test]
fn rebuild_sets_views_and_triggers_aside() -> TestResult {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE TABLE r_vt (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, n INTEGER NOT NULL) STRICT;
         CREATE TABLE r_vt_log (id INTEGER NOT NULL PRIMARY KEY, msg TEXT NOT NULL) STRICT;
         CREATE TABLE r_vt_other (id INTEGER NOT NULL PRIMARY KEY) STRICT;
         CREATE INDEX ix_r_vt_name ON r_vt (name);
         CREATE VIEW r_vt_names AS SELECT name FROM r_vt;
         CREATE VIEW r_vt_names_upper AS SELECT upper(name) AS u FROM r_vt_names;
         CREATE VIEW r_vt_other_ids AS SELECT id FROM r_vt_other;
         CREATE TRIGGER r_vt_logged AFTER INSERT ON r_vt BEGIN INSERT INTO r_vt_log (msg) VALUES (new.name); END;
         CREATE TRIGGER r_vt_other_logged AFTER INSERT ON r_vt_other BEGIN INSERT INTO r_vt_log (msg) VALUES ('other'); END;
         INSERT INTO r_vt (id, name, n) VALUES (1, 'a', 10), (2, 'b', 20);",
    )?;
    let before = introspect(&conn)?;
    let mut to_vt = table(
        "r_vt",
        &["id"],
        vec![
            col("id", SqlType::Integer),
            col("name", SqlType::Text),
            col("n", SqlType::Text),
        ],
    );
    to_vt.indexes.push(index("ix_r_vt_name", &["name"], false));
    let log = table(
        "r_vt_log",
        &["id"],
        vec![col("id", SqlType::Integer), col("msg", SqlType::Text)],
    );
    let to = schema([
        to_vt,
        log,
        table("r_vt_other", &["id"], vec![col("id", SqlType::Integer)]),
    ])?;

    let d = diff(&before.schema, &to, SAFE)?;
    let r = render(&d.ops, &before);
    assert_eq!(
        r.sql,
        lines(&[
            "-- rebuild table `r_vt` (`n` type INTEGER -> TEXT)",
            "CREATE TABLE \"_stillroom_new_r_vt\" (",
            "    \"id\" INTEGER NOT NULL PRIMARY KEY,",
            "    \"name\" TEXT NOT NULL,",
            "    \"n\" TEXT NOT NULL",
            ") STRICT;",
            "INSERT INTO \"_stillroom_new_r_vt\" (\"id\", \"name\", \"n\") SELECT \"id\", \"name\", \"n\" FROM \"r_vt\";",
            // The table's trigger, the view on it and the view on that view;
            // not the other table's view or trigger.
            "DROP TRIGGER \"r_vt_logged\";",
            "DROP VIEW \"r_vt_names_upper\";",
            "DROP VIEW \"r_vt_names\";",
            "DROP TABLE \"r_vt\";",
            "ALTER TABLE \"_stillroom_new_r_vt\" RENAME TO \"r_vt\";",
            "CREATE INDEX \"ix_r_vt_name\" ON \"r_vt\" (\"name\");",
            "CREATE VIEW r_vt_names AS SELECT name FROM r_vt;",
            "CREATE VIEW r_vt_names_upper AS SELECT upper(name) AS u FROM r_vt_names;",
            "CREATE TRIGGER r_vt_logged AFTER INSERT ON r_vt BEGIN INSERT INTO r_vt_log (msg) VALUES (new.name); END;",
        ])
    );
    assert!(r.foreign_keys_off);
    assert_eq!(r.requires, STRICT);

    let logged = count(&conn, "SELECT count(*) FROM r_vt_log")?;
    apply(&conn, &r)?;
    assert_schema(&conn, &to)?;
    let after = introspect(&conn)?;
    assert_eq!(after.views, before.views);
    assert_eq!(after.triggers, before.triggers);
    // The rows were copied (not logged by the trigger), and the trigger
    // works on the new table.
    assert_eq!(count(&conn, "SELECT count(*) FROM r_vt_log")?, logged);
    conn.execute("INSERT INTO r_vt (id, name, n) VALUES (3, 'c', '30')", [])?;
    assert_eq!(count(&conn, "SELECT count(*) FROM r_vt_names_upper")?, 3);
    assert_eq!(count(&conn, "SELECT count(*) FROM r_vt_log")?, logged + 1);
    Ok(())
}

#[test]
fn drop_column_sets_aside_the_views_that_name_it() -> TestResult {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE TABLE r_dcv (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, legacy TEXT) STRICT;
         CREATE VIEW r_dcv_named AS SELECT id, name AS legacy FROM r_dcv;
         CREATE VIEW r_dcv_plain AS SELECT id FROM r_dcv;",
    )?;
    let before = introspect(&conn)?;
    let to = schema([basic("r_dcv")])?;
    let d = diff(&before.schema, &to, LOSSY)?;
    let r = render(&d.ops, &before);
    assert_eq!(
        r.sql,
        lines(&[
            "-- drop column `r_dcv.legacy`",
            "DROP VIEW \"r_dcv_named\";",
            "ALTER TABLE \"r_dcv\" DROP COLUMN \"legacy\";",
            "CREATE VIEW r_dcv_named AS SELECT id, name AS legacy FROM r_dcv;",
        ])
    );
    assert!(!r.foreign_keys_off);
    assert_eq!(r.requires, DROP_COLUMN);
    apply(&conn, &r)?;
    assert_schema(&conn, &to)?;
    assert_eq!(introspect(&conn)?.views, before.views);
    Ok(())
}

#[test]
fn rebuild_temp_name_avoids_existing_tables() -> TestResult {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE TABLE r_tc (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL) STRICT;
         CREATE TABLE _stillroom_new_r_tc (x TEXT);
         CREATE TABLE \"_STILLROOM_NEW_R_TC_2\" (x TEXT);
         INSERT INTO _stillroom_new_r_tc (x) VALUES ('keep me');
         INSERT INTO r_tc (id, name) VALUES (1, 'a');",
    )?;
    let before = introspect(&conn)?;
    let from = before.schema.table("r_tc").ok_or("no table r_tc")?.clone();
    let mut to = from.clone();
    to.strict = false;
    let r = render(&[rebuild_op(&from, &to, &["stops being STRICT"])], &before);
    assert_eq!(
        r.sql,
        lines(&[
            "-- rebuild table `r_tc` (stops being STRICT)",
            "CREATE TABLE \"_stillroom_new_r_tc_3\" (",
            "    \"id\" INTEGER NOT NULL PRIMARY KEY,",
            "    \"name\" TEXT NOT NULL",
            ");",
            "INSERT INTO \"_stillroom_new_r_tc_3\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM \"r_tc\";",
            "DROP TABLE \"r_tc\";",
            "ALTER TABLE \"_stillroom_new_r_tc_3\" RENAME TO \"r_tc\";",
        ])
    );
    apply(&conn, &r)?;
    let kept: String = conn.query_row("SELECT x FROM _stillroom_new_r_tc", [], |r| r.get(0))?;
    assert_eq!(kept, "keep me");
    let name: String = conn.query_row("SELECT name FROM r_tc WHERE id = 1", [], |r| r.get(0))?;
    assert_eq!(name, "a");
    assert!(
        !introspect(&conn)?
            .schema
            .table("r_tc")
            .ok_or("no table r_tc")?
            .strict
    );
    Ok(())
}

#[test]
fn two_rebuilds_of_one_render_get_their_own_temp_names() {
    let a = basic("r_two");
    let mut b = a.clone();
    b.strict = false;
    let r = plain(&[
        rebuild_op(&a, &b, &["stops being STRICT"]),
        rebuild_op(&b, &a, &["becomes STRICT"]),
    ]);
    assert!(r.sql.contains("CREATE TABLE \"_stillroom_new_r_two\" ("));
    assert!(r.sql.contains("CREATE TABLE \"_stillroom_new_r_two_2\" ("));
}

// ------------------------------------------------- flags over op lists

#[test]
fn foreign_keys_off_only_for_rebuilds() {
    let t = basic("r_fk");
    let others = vec![
        Op::CreateTable(t.clone()),
        Op::RenameTable {
            from: "r_fk".into(),
            to: "r_fk2".into(),
        },
        Op::AddColumn {
            table: "r_fk2".into(),
            column: opt("note", SqlType::Text),
            foreign_key: None,
        },
        Op::RenameColumn {
            table: "r_fk2".into(),
            from: "note".into(),
            to: "memo".into(),
        },
        Op::CreateIndex {
            table: "r_fk2".into(),
            index: index("ix_r_fk2_memo", &["memo"], false),
        },
        Op::DropIndex {
            table: "r_fk2".into(),
            index: index("ix_r_fk2_memo", &["memo"], false),
        },
        Op::DropColumn {
            table: "r_fk2".into(),
            column: opt("memo", SqlType::Text),
        },
        Op::DropTable(basic("r_fk2")),
    ];
    let r = plain(&others);
    assert!(!r.foreign_keys_off);
    // The highest version any of them needs.
    assert_eq!(r.requires, STRICT);
    let mut with_rebuild = others;
    let mut loose = basic("r_fk3");
    loose.strict = false;
    with_rebuild.push(rebuild_op(&basic("r_fk3"), &loose, &["stops being STRICT"]));
    assert!(plain(&with_rebuild).foreign_keys_off);
}

#[test]
fn requires_is_the_newest_feature_used() {
    let rename = Op::RenameColumn {
        table: "r_v".into(),
        from: "a".into(),
        to: "b".into(),
    };
    let drop = Op::DropColumn {
        table: "r_v".into(),
        column: opt("c", SqlType::Text),
    };
    let mut loose = basic("r_v2");
    loose.strict = false;
    assert_eq!(plain(&[]).requires, BASE);
    assert_eq!(plain(&[]).sql, "");
    assert_eq!(plain(&[Op::CreateTable(loose)]).requires, BASE);
    assert_eq!(plain(std::slice::from_ref(&rename)).requires, RENAME);
    assert_eq!(plain(&[drop.clone(), rename.clone()]).requires, DROP_COLUMN);
    assert_eq!(
        plain(&[rename, drop, Op::CreateTable(basic("r_v3"))]).requires,
        STRICT
    );
}

// ------------------------------- rendered SQL run on a real database

#[test]
fn round_trip_create_tables() -> TestResult {
    let parent = basic("rt_ct_parent");
    let mut child = basic("rt_ct_child");
    child.columns.push(opt("parent_id", SqlType::Integer));
    child
        .foreign_keys
        .push(fk(&["parent_id"], "rt_ct_parent", &["id"], Action::SetNull));
    child
        .indexes
        .push(index("ix_rt_ct_child_parent_id", &["parent_id"], false));
    let conn = database(&Schema::default())?;
    migrate(&conn, &schema([parent, child])?, SAFE)?;
    Ok(())
}

#[test]
fn round_trip_drop_tables() -> TestResult {
    let parent = basic("rt_dt_parent");
    let mut child = basic("rt_dt_child");
    child.columns.push(col("parent_id", SqlType::Integer));
    child
        .foreign_keys
        .push(fk(&["parent_id"], "rt_dt_parent", &["id"], Action::Cascade));
    let kept = basic("rt_dt_kept");
    let conn = database(&schema([parent, child, kept.clone()])?)?;
    conn.execute_batch(
        "INSERT INTO rt_dt_parent VALUES (1, 'p');
         INSERT INTO rt_dt_child VALUES (1, 'c', 1);
         INSERT INTO rt_dt_kept VALUES (1, 'k');",
    )?;
    migrate(&conn, &schema([kept])?, LOSSY)?;
    assert_eq!(count(&conn, "SELECT count(*) FROM rt_dt_kept")?, 1);
    Ok(())
}

#[test]
fn round_trip_rename_table_with_child_and_index() -> TestResult {
    let mut old = basic("rt_rt_old");
    old.indexes
        .push(index("ix_rt_rt_old_name", &["name"], false));
    let mut child = basic("rt_rt_child");
    child.columns.push(col("owner_id", SqlType::Integer));
    child
        .foreign_keys
        .push(fk(&["owner_id"], "rt_rt_old", &["id"], Action::Cascade));
    let conn = database(&schema([old, child.clone()])?)?;
    conn.execute_batch(
        "INSERT INTO rt_rt_old VALUES (1, 'a');
         INSERT INTO rt_rt_child VALUES (1, 'c', 1);",
    )?;

    let mut new = basic("rt_rt_new");
    new.renamed_from = Some("rt_rt_old".into());
    new.indexes
        .push(index("ix_rt_rt_new_name", &["name"], false));
    child.foreign_keys[0].references_table = "rt_rt_new".into();
    let (ops, r) = migrate(&conn, &schema([new, child])?, SAFE)?;
    assert_eq!(ops.len(), 3, "{ops:?}");
    assert_eq!(
        r.sql,
        lines(&[
            "-- rename table `rt_rt_old` to `rt_rt_new`",
            "ALTER TABLE \"rt_rt_old\" RENAME TO \"rt_rt_new\";",
            "",
            "-- drop index `ix_rt_rt_old_name`",
            "DROP INDEX \"ix_rt_rt_old_name\";",
            "",
            "-- create index `ix_rt_rt_new_name`",
            "CREATE INDEX \"ix_rt_rt_new_name\" ON \"rt_rt_new\" (\"name\");",
        ])
    );
    assert!(!r.foreign_keys_off);
    // The rows stayed, and so did the child's reference to them.
    conn.execute("DELETE FROM rt_rt_new WHERE id = 1", [])?;
    assert_eq!(count(&conn, "SELECT count(*) FROM rt_rt_child")?, 0);
    Ok(())
}

#[test]
fn round_trip_add_columns() -> TestResult {
    let old = basic("rt_ac");
    let conn = database(&schema([old.clone()])?)?;
    conn.execute("INSERT INTO rt_ac VALUES (1, 'a')", [])?;
    let mut new = old;
    new.columns.push(opt("note", SqlType::Text));
    new.columns.push(dflt("tries", SqlType::Integer, "3"));
    new.indexes.push(index("ix_rt_ac_note", &["note"], false));
    let (ops, r) = migrate(&conn, &schema([new])?, SAFE)?;
    assert_eq!(ops.len(), 3, "{ops:?}");
    assert!(!r.foreign_keys_off);
    assert_eq!(count(&conn, "SELECT tries FROM rt_ac WHERE id = 1")?, 3);
    Ok(())
}

#[test]
fn round_trip_add_column_with_a_foreign_key() -> TestResult {
    // Built by hand: the op as diff means to produce it.
    let owner = basic("rt_afk_owner");
    let item = basic("rt_afk_item");
    let conn = database(&schema([owner.clone(), item.clone()])?)?;
    conn.execute_batch(
        "INSERT INTO rt_afk_owner VALUES (1, 'o');
         INSERT INTO rt_afk_item VALUES (1, 'i');",
    )?;
    let key = fk(&["owner_id"], "rt_afk_owner", &["id"], Action::SetNull);
    let mut new_item = item;
    new_item.columns.push(opt("owner_id", SqlType::Integer));
    new_item.foreign_keys.push(key.clone());
    let to = schema([owner, new_item])?;
    let before = introspect(&conn)?;
    let r = render(
        &[Op::AddColumn {
            table: "rt_afk_item".into(),
            column: opt("owner_id", SqlType::Integer),
            foreign_key: Some(key),
        }],
        &before,
    );
    apply(&conn, &r)?;
    assert_schema(&conn, &to)?;
    conn.execute("UPDATE rt_afk_item SET owner_id = 1", [])?;
    conn.execute("DELETE FROM rt_afk_owner", [])?;
    let owner_id: Option<i64> =
        conn.query_row("SELECT owner_id FROM rt_afk_item", [], |r| r.get(0))?;
    assert_eq!(owner_id, None, "ON DELETE SET NULL applies");
    Ok(())
}

#[test]
fn round_trip_drop_column_with_its_index() -> TestResult {
    let mut old = basic("rt_dc");
    let mut legacy = opt("legacy", SqlType::Text);
    legacy.checks.push("\"legacy\" <> ''".into());
    old.columns.push(legacy);
    old.indexes
        .push(index("ix_rt_dc_legacy", &["legacy"], false));
    let conn = database(&schema([old])?)?;
    conn.execute("INSERT INTO rt_dc VALUES (1, 'a', 'x')", [])?;
    let (ops, r) = migrate(&conn, &schema([basic("rt_dc")])?, LOSSY)?;
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert!(!r.foreign_keys_off);
    assert_eq!(r.requires, DROP_COLUMN);
    Ok(())
}

#[test]
fn round_trip_rename_column_keeps_values_and_index() -> TestResult {
    let mut old = basic("rt_rc");
    old.indexes.push(index("rt_rc_name_idx", &["name"], false));
    let conn = database(&schema([old])?)?;
    conn.execute("INSERT INTO rt_rc VALUES (1, 'kept')", [])?;
    let mut title = col("title", SqlType::Text);
    title.renamed_from = Some("name".into());
    let mut new = table("rt_rc", &["id"], vec![col("id", SqlType::Integer), title]);
    new.indexes.push(index("rt_rc_name_idx", &["title"], false));
    let (ops, r) = migrate(&conn, &schema([new])?, SAFE)?;
    assert_eq!(ops.len(), 1, "{ops:?}");
    assert_eq!(r.requires, RENAME);
    let title: String = conn.query_row("SELECT title FROM rt_rc", [], |r| r.get(0))?;
    assert_eq!(title, "kept");
    Ok(())
}

#[test]
fn round_trip_index_changes() -> TestResult {
    let mut old = basic("rt_ix");
    old.columns.push(col("site", SqlType::Text));
    old.indexes.push(index("ix_rt_ix_name", &["name"], false));
    old.indexes.push(index("ix_rt_ix_site", &["site"], false));
    let conn = database(&schema([old.clone()])?)?;
    let mut new = old;
    new.indexes = vec![
        index("ix_rt_ix_site", &["site"], true),
        index("uq_rt_ix_site_name", &["site", "name"], true),
    ];
    let (ops, r) = migrate(&conn, &schema([new])?, SAFE)?;
    assert_eq!(ops.len(), 4, "{ops:?}");
    assert!(!r.foreign_keys_off);
    Ok(())
}

#[test]
fn round_trip_rebuild_fills_nulls_and_converts() -> TestResult {
    let mut old = basic("rt_rb");
    old.columns.push(opt("note", SqlType::Text));
    old.columns.push(col("n", SqlType::Integer));
    let conn = database(&schema([old])?)?;
    conn.execute_batch("INSERT INTO rt_rb VALUES (1, 'a', NULL, 5), (2, 'b', 'set', 6);")?;
    let mut new = basic("rt_rb");
    new.columns.push(dflt("note", SqlType::Text, "'none'"));
    new.columns.push(col("n", SqlType::Text));
    let (_, r) = migrate(&conn, &schema([new])?, LOSSY)?;
    assert!(r.foreign_keys_off);
    assert!(r.sql.contains("COALESCE(\"note\", 'none')"), "{}", r.sql);
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT note, n FROM rt_rb ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    assert_eq!(
        rows,
        [
            ("none".to_owned(), "5".to_owned()),
            ("set".to_owned(), "6".to_owned())
        ]
    );
    Ok(())
}

#[test]
fn round_trip_rename_then_rebuild_copies_under_the_new_name() -> TestResult {
    let mut old = basic("rt_rr");
    old.columns.push(col("n", SqlType::Integer));
    let conn = database(&schema([old])?)?;
    conn.execute("INSERT INTO rt_rr VALUES (1, 'kept', 7)", [])?;
    let mut title = col("title", SqlType::Text);
    title.renamed_from = Some("name".into());
    let new = table(
        "rt_rr",
        &["id"],
        vec![col("id", SqlType::Integer), title, col("n", SqlType::Text)],
    );
    let (_, r) = migrate(&conn, &schema([new])?, SAFE)?;
    assert_eq!(
        r.sql,
        lines(&[
            "-- rename column `rt_rr.name` to `title`",
            "ALTER TABLE \"rt_rr\" RENAME COLUMN \"name\" TO \"title\";",
            "",
            "-- rebuild table `rt_rr` (`n` type INTEGER -> TEXT)",
            "CREATE TABLE \"_stillroom_new_rt_rr\" (",
            "    \"id\" INTEGER NOT NULL PRIMARY KEY,",
            "    \"title\" TEXT NOT NULL,",
            "    \"n\" TEXT NOT NULL",
            ") STRICT;",
            "INSERT INTO \"_stillroom_new_rt_rr\" (\"id\", \"title\", \"n\") SELECT \"id\", \"title\", \"n\" FROM \"rt_rr\";",
            "DROP TABLE \"rt_rr\";",
            "ALTER TABLE \"_stillroom_new_rt_rr\" RENAME TO \"rt_rr\";",
        ])
    );
    let title: String = conn.query_row("SELECT title FROM rt_rr", [], |r| r.get(0))?;
    assert_eq!(title, "kept");
    Ok(())
}

#[test]
fn round_trip_primary_key_grows_and_strict_goes() -> TestResult {
    let old = table(
        "rt_pk",
        &["slug"],
        vec![col("slug", SqlType::Text), col("season", SqlType::Integer)],
    );
    let conn = database(&schema([old])?)?;
    conn.execute("INSERT INTO rt_pk VALUES ('a', 1)", [])?;
    let mut new = table(
        "rt_pk",
        &["slug", "season"],
        vec![col("slug", SqlType::Text), col("season", SqlType::Integer)],
    );
    new.strict = false;
    let (_, r) = migrate(&conn, &schema([new])?, SAFE)?;
    assert!(r.foreign_keys_off);
    assert_eq!(r.requires, BASE);
    conn.execute("INSERT INTO rt_pk VALUES ('a', 2)", [])?;
    assert_eq!(count(&conn, "SELECT count(*) FROM rt_pk")?, 2);
    Ok(())
}

#[test]
fn round_trip_rebuilt_parent_keeps_its_children() -> TestResult {
    let parent = basic("rt_rp_parent");
    let mut child = basic("rt_rp_child");
    child.columns.push(col("parent_id", SqlType::Integer));
    child
        .foreign_keys
        .push(fk(&["parent_id"], "rt_rp_parent", &["id"], Action::Cascade));
    let conn = database(&schema([parent, child.clone()])?)?;
    conn.execute_batch(
        "INSERT INTO rt_rp_parent VALUES (1, 'p');
         INSERT INTO rt_rp_child VALUES (1, 'c', 1);",
    )?;
    let mut new_parent = basic("rt_rp_parent");
    new_parent.columns[1].nullable = true;
    let (_, r) = migrate(&conn, &schema([new_parent, child])?, SAFE)?;
    assert!(r.foreign_keys_off);
    // Dropping the old parent did not cascade to the child.
    assert_eq!(count(&conn, "SELECT count(*) FROM rt_rp_child")?, 1);
    conn.execute("DELETE FROM rt_rp_parent", [])?;
    assert_eq!(count(&conn, "SELECT count(*) FROM rt_rp_child")?, 0);
    Ok(())
}

#[test]
fn round_trip_rebuild_keeps_the_autoincrement_counter() -> TestResult {
    let mut old = basic("rt_ai");
    old.primary_key.autoincrement = true;
    let conn = database(&schema([old.clone()])?)?;
    conn.execute_batch(
        "INSERT INTO rt_ai (name) VALUES ('a'), ('b'), ('c');
         DELETE FROM rt_ai WHERE id = 3;",
    )?;
    let mut new = old;
    new.columns[1].nullable = true;
    let (_, r) = migrate(&conn, &schema([new])?, SAFE)?;
    assert!(r.sql.contains("sqlite_sequence"), "{}", r.sql);
    conn.execute("INSERT INTO rt_ai (name) VALUES ('d')", [])?;
    let id: i64 = conn.query_row("SELECT id FROM rt_ai WHERE name = 'd'", [], |r| r.get(0))?;
    assert_eq!(id, 4, "the id of a deleted row is not handed out again");
    Ok(())
}

/// A table renamed, one of its columns renamed and the table rebuilt, all
/// in one migration, with a view and a trigger on it.
fn renamed_and_rebuilt(
    view: &str,
    trigger: &str,
) -> Result<(Connection, Schema, LiveSchema), Box<dyn Error>> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(&format!(
        "CREATE TABLE r_rv_old (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, n INTEGER NOT NULL) STRICT;
         CREATE TABLE r_rv_log (id INTEGER NOT NULL PRIMARY KEY, msg TEXT NOT NULL) STRICT;
         {view};
         {trigger};
         INSERT INTO r_rv_old VALUES (1, 'a', 1);"
    ))?;
    let before = introspect(&conn)?;
    let mut title = col("title", SqlType::Text);
    title.renamed_from = Some("name".into());
    let mut new = table(
        "r_rv_new",
        &["id"],
        vec![col("id", SqlType::Integer), title, col("n", SqlType::Text)],
    );
    new.renamed_from = Some("r_rv_old".into());
    let log = table(
        "r_rv_log",
        &["id"],
        vec![col("id", SqlType::Integer), col("msg", SqlType::Text)],
    );
    Ok((conn, schema([new, log])?, before))
}

#[test]
fn renames_before_a_rebuild_respell_the_views_and_triggers_set_aside() -> TestResult {
    let (conn, to, before) = renamed_and_rebuilt(
        "CREATE VIEW r_rv_view AS SELECT name, n FROM r_rv_old",
        "CREATE TRIGGER r_rv_trg AFTER UPDATE OF name ON r_rv_old BEGIN INSERT INTO r_rv_log (msg) VALUES ('changed'); END",
    )?;
    let d = diff(&before.schema, &to, SAFE)?;
    let summary: Vec<String> = d.ops.iter().map(ToString::to_string).collect();
    assert_eq!(
        summary,
        [
            "rename table `r_rv_old` to `r_rv_new`",
            "rename column `r_rv_new.name` to `title`",
            "rebuild table `r_rv_new` (`n` type INTEGER -> TEXT)",
        ]
    );
    let r = render(&d.ops, &before);
    assert!(
        r.sql
            .contains("CREATE VIEW r_rv_view AS SELECT \"title\", n FROM \"r_rv_new\";\n"),
        "{}",
        r.sql
    );
    assert!(
        r.sql.contains(
            "CREATE TRIGGER r_rv_trg AFTER UPDATE OF \"title\" ON \"r_rv_new\" BEGIN INSERT INTO r_rv_log (msg) VALUES ('changed'); END;\n"
        ),
        "{}",
        r.sql
    );
    apply(&conn, &r)?;
    assert_schema(&conn, &to)?;
    let after = introspect(&conn)?;
    assert_eq!(after.views.len(), 1);
    assert_eq!(after.triggers.len(), 1);
    conn.execute("UPDATE r_rv_new SET title = 'b'", [])?;
    assert_eq!(count(&conn, "SELECT count(*) FROM r_rv_log")?, 1);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM r_rv_view WHERE title = 'b'")?,
        1
    );
    Ok(())
}

#[test]
fn renames_before_a_rebuild_respell_qualified_names() -> TestResult {
    let (conn, to, before) = renamed_and_rebuilt(
        "CREATE VIEW r_rv_view AS SELECT r_rv_old.name AS label FROM r_rv_old",
        "CREATE TRIGGER r_rv_trg AFTER UPDATE ON r_rv_old BEGIN INSERT INTO r_rv_log (msg) VALUES (new.name); END",
    )?;
    let d = diff(&before.schema, &to, SAFE)?;
    let r = render(&d.ops, &before);
    apply(&conn, &r)?;
    assert_schema(&conn, &to)?;
    conn.execute("UPDATE r_rv_new SET title = 'b'", [])?;
    let msg: String = conn.query_row("SELECT msg FROM r_rv_log", [], |r| r.get(0))?;
    assert_eq!(msg, "b");
    let label: String = conn.query_row("SELECT label FROM r_rv_view", [], |r| r.get(0))?;
    assert_eq!(label, "b");
    Ok(())
}
