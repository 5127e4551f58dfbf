//! The databases whose models are checked in under `models/`: hand-written
//! ones covering each mapping rule, one shaped like SQLAlchemy's
//! `create_all` output, and seeded random schemas as stillroom creates them.

use rusqlite::Connection;

use super::random;

/// One database: the SQL that creates it, and how it differs from its
/// models (the `diff` operations from it to them, with data loss allowed;
/// empty when the models are exact).
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) sql: String,
    pub(crate) differs: &'static [&'static str],
}

/// How many seeded random schemas are checked in.
pub(crate) const RANDOM_CASES: u64 = 30;

/// Every case, in name order (the order of `models/mod.rs`).
pub(crate) fn all() -> Vec<Case> {
    let mut cases: Vec<Case> = HAND_WRITTEN
        .iter()
        .map(|(name, sql, differs)| Case {
            name: (*name).to_owned(),
            sql: (*sql).to_owned(),
            differs,
        })
        .collect();
    cases.extend((0..RANDOM_CASES).map(|seed| Case {
        name: format!("random_{seed:02}"),
        sql: random::sql(&random::schema(seed)),
        differs: &[],
    }));
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

/// A new in-memory database holding `case`'s schema.
pub(crate) fn database(case: &Case) -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(&case.sql)?;
    Ok(conn)
}

type HandWritten = (&'static str, &'static str, &'static [&'static str]);

const HAND_WRITTEN: &[HandWritten] = &[
    ("strict_types", STRICT_TYPES, &[]),
    ("keys", KEYS, &[]),
    ("affinity", AFFINITY, &[]),
    ("defaults_checks", DEFAULTS_CHECKS, &[]),
    ("indexes_fks", INDEXES_FKS, &[]),
    ("names", NAMES, &[]),
    ("sqlalchemy", SQLALCHEMY, SQLALCHEMY_DIFFERS),
    (
        "unique_constraints",
        UNIQUE_CONSTRAINTS,
        UNIQUE_CONSTRAINTS_DIFFER,
    ),
    ("not_expressible", NOT_EXPRESSIBLE, NOT_EXPRESSIBLE_DIFFERS),
];

/// Every STRICT type, nullable or not; bool columns (the CHECK spelled
/// several ways) and one that only looks like one; ANY, also as a key.
const STRICT_TYPES: &str = r#"
CREATE TABLE "events" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "count" INTEGER NOT NULL,
    "ratio" REAL NOT NULL,
    "label" TEXT NOT NULL,
    "payload" BLOB NOT NULL,
    "anything" ANY NOT NULL,
    "small" INT NOT NULL,
    "maybe_count" INTEGER,
    "maybe_ratio" REAL,
    "maybe_label" TEXT,
    "maybe_payload" BLOB,
    "maybe_anything" ANY,
    "done" INTEGER NOT NULL CHECK ("done" IN (0, 1)),
    "maybe_done" INTEGER CHECK (maybe_done in (0,1)),
    "flag_int" INT NOT NULL DEFAULT 1 CHECK ("flag_int" IN (0, 1)),
    "bool_and_more" INTEGER NOT NULL CHECK (bool_and_more IN (0, 1)) CHECK (bool_and_more >= 0),
    "not_bool" INTEGER NOT NULL CHECK ("not_bool" IN (0, 1, 2))
) STRICT;
CREATE TABLE "counters" ("id" INTEGER NOT NULL PRIMARY KEY, "n" INTEGER NOT NULL DEFAULT 0) STRICT;
CREATE TABLE "blobs" ("hash" BLOB NOT NULL PRIMARY KEY, "size" INTEGER NOT NULL) STRICT;
CREATE TABLE "any_keys" ("k" ANY NOT NULL PRIMARY KEY, "v" ANY) STRICT;
"#;

/// The rowid alias `id INTEGER PRIMARY KEY` (nullable as written, never
/// NULL), AUTOINCREMENT, a composite key in another order than its columns.
const KEYS: &str = r#"
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL);
CREATE TABLE episodes (
    slug TEXT NOT NULL,
    episode INTEGER NOT NULL,
    season INTEGER NOT NULL,
    title TEXT,
    PRIMARY KEY (slug, season, episode)
) STRICT;
CREATE TABLE codes (code TEXT NOT NULL PRIMARY KEY, note TEXT) STRICT;
"#;

/// Every common spelling of a type on a plain table, SQLite's affinity
/// examples first, then the NUMERIC-affinity names ORMs write.
const AFFINITY: &str = r#"
CREATE TABLE spellings (
    id INTEGER PRIMARY KEY,
    a_int INT,
    a_integer INTEGER,
    a_tinyint TINYINT,
    a_smallint SMALLINT,
    a_mediumint MEDIUMINT,
    a_bigint BIGINT NOT NULL,
    a_unsigned UNSIGNED BIG INT,
    a_int2 INT2,
    a_int8 INT8,
    b_character CHARACTER(20),
    b_varchar VARCHAR(255) NOT NULL,
    b_varying VARYING CHARACTER(255),
    b_nchar NCHAR(55),
    b_native NATIVE CHARACTER(70),
    b_nvarchar NVARCHAR(100),
    b_text TEXT,
    b_clob CLOB,
    c_blob BLOB,
    d_real REAL,
    d_double DOUBLE,
    d_double_precision DOUBLE PRECISION,
    d_float FLOAT NOT NULL,
    e_numeric NUMERIC,
    e_decimal DECIMAL(10,5),
    e_boolean BOOLEAN,
    e_date DATE,
    e_datetime DATETIME NOT NULL,
    e_timestamp TIMESTAMP,
    e_time TIME,
    e_json JSON,
    e_money MONEY,
    e_string STRING,
    e_uuid UUID,
    f_boolean_checked BOOLEAN NOT NULL CHECK (f_boolean_checked IN (0, 1)),
    f_tinyint_bool TINYINT(1) NOT NULL DEFAULT 0 CHECK (f_tinyint_bool IN (0, 1)),
    f_any ANY
);
"#;

/// Defaults holding quotes, backslashes, `"#`, parentheses, CURRENT_TIMESTAMP,
/// signed and hex numbers and blobs; CHECKs with quotes, backslashes and a
/// comment; table CHECKs, one named; lines too long for one line.
const DEFAULTS_CHECKS: &str = r##"
CREATE TABLE notes (
    id INTEGER NOT NULL PRIMARY KEY,
    title TEXT NOT NULL DEFAULT 'untitled' CHECK (length(title) > 0),
    quoted TEXT NOT NULL DEFAULT 'say "hi"' CHECK (quoted <> 'a"b'),
    apostrophe TEXT NOT NULL DEFAULT 'it''s',
    backslash TEXT NOT NULL DEFAULT 'C:\temp\' CHECK (backslash NOT LIKE '%\%\%'),
    hashes TEXT NOT NULL DEFAULT '"#',
    lowered TEXT NOT NULL DEFAULT (lower('ABC')),
    nested INTEGER DEFAULT ((1 + 2) * 3),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    created_paren TEXT NOT NULL DEFAULT (CURRENT_TIMESTAMP),
    negative INTEGER NOT NULL DEFAULT -1 CHECK (negative < 0 /* always */),
    spaced INTEGER NOT NULL DEFAULT - 1,
    commented INTEGER NOT NULL DEFAULT (7 /* seven */),
    hex INTEGER NOT NULL DEFAULT 0x1F,
    ratio REAL NOT NULL DEFAULT +2.5e3,
    bytes BLOB NOT NULL DEFAULT X'00FF',
    absent TEXT DEFAULT NULL,
    yes INTEGER NOT NULL DEFAULT TRUE,
    a_column_whose_name_goes_on_long_enough_that_its_field_cannot_stay_on_one_line ANY,
    wordy TEXT DEFAULT 'words' CHECK (wordy IS NULL OR (length(wordy) BETWEEN 3 AND 300 AND wordy NOT LIKE '% %')),
    CHECK (title <> quoted),
    CONSTRAINT negative_not_zero CHECK (negative <> 0)
) STRICT;
"##;

/// Indexes with stillroom's names (on a field, or on the struct when the
/// field has one already) and others; foreign keys with actions, composite,
/// self-referencing, to a parent's implicit key, to names in another case,
/// and two on one column.
const INDEXES_FKS: &str = r#"
CREATE TABLE "parents" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "code" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "version" INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX "uq_parents_code" ON "parents" ("code");
CREATE UNIQUE INDEX "uq_parents_region_version" ON "parents" ("region", "version");
CREATE INDEX "ix_parents_region" ON "parents" ("region");
CREATE INDEX "parents_by_version" ON "parents" ("version", "region");
CREATE INDEX "ix_parents_code" ON "parents" ("code");
CREATE TABLE "children" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "parent_id" INTEGER NOT NULL REFERENCES "parents" ("id") ON DELETE CASCADE ON UPDATE RESTRICT,
    "parent_code" TEXT REFERENCES "parents" ("code") ON DELETE SET NULL,
    "region" TEXT,
    "version" INTEGER,
    "next_id" INTEGER REFERENCES "children" ("id") ON DELETE SET DEFAULT,
    "implicit" INTEGER REFERENCES "parents",
    "shouted" INTEGER REFERENCES "PARENTS" ("ID"),
    FOREIGN KEY ("region", "version") REFERENCES "parents" ("region", "version") ON DELETE CASCADE ON UPDATE CASCADE,
    FOREIGN KEY ("parent_id") REFERENCES "parents" ("id")
) STRICT;
CREATE INDEX "Children By Parent" ON "children" ("parent_id", "id");
CREATE INDEX "children_by_parent_code_region_version_and_next_so_the_list_wraps" ON "children" ("parent_code", "region", "version", "next_id");
CREATE UNIQUE INDEX "uq_children_region_version" ON "children" ("version", "region");
"#;

/// Keyword and odd names: raw identifiers, sanitised ones with `column`,
/// collisions, struct names that would shadow the prelude or collide.
const NAMES: &str = r#"
CREATE TABLE "order" (
    "select" TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "type" TEXT,
    "Self" TEXT,
    "crate" INTEGER,
    "fn" INTEGER,
    "Order Date" TEXT,
    "order_date" TEXT,
    "first-name" TEXT,
    "1st" INTEGER,
    "CamelCase" TEXT,
    "a b" TEXT,
    "a_b" TEXT,
    "prénom" TEXT,
    "_" TEXT,
    "x""q" TEXT,
    "back\slash" TEXT,
    "value" ANY,
    "gen" INTEGER,
    PRIMARY KEY ("select", "from")
) STRICT;
CREATE INDEX "ix_order_type" ON "order" ("type");
CREATE INDEX "ix_order_Order Date" ON "order" ("Order Date");
CREATE UNIQUE INDEX "uq_order_x""q" ON "order" ("x""q");
CREATE TABLE "option" ("id" INTEGER NOT NULL PRIMARY KEY, "String" TEXT NOT NULL) STRICT;
CREATE TABLE "user roles" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "order_select" TEXT,
    "order_from" TEXT,
    FOREIGN KEY ("order_select", "order_from") REFERENCES "order" ("select", "from")
) STRICT;
CREATE TABLE "userRoles" ("id" INTEGER NOT NULL PRIMARY KEY) STRICT;
CREATE TABLE "2fa" ("id" INTEGER NOT NULL PRIMARY KEY) STRICT;
CREATE TABLE "HTTPLog" ("id" INTEGER NOT NULL PRIMARY KEY) STRICT;
CREATE TABLE "match" ("self" TEXT NOT NULL PRIMARY KEY) STRICT;
"#;

/// A small app's tables as SQLAlchemy 2's `metadata.create_all()` writes
/// them for SQLite (its spacing, tabs and trailing blanks included): plain
/// tables, `INTEGER NOT NULL` keys in a PRIMARY KEY clause, VARCHAR(n),
/// BOOLEAN (with and without `create_constraint`), DATETIME, FLOAT, an
/// unnamed UNIQUE constraint, a foreign key and an `index=True` index.
pub(crate) const SQLALCHEMY: &str = "
CREATE TABLE users (
\tid INTEGER NOT NULL, 
\tname VARCHAR(40) NOT NULL, 
\temail VARCHAR(120), 
\tis_admin BOOLEAN NOT NULL, 
\tcreated_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL, 
\tPRIMARY KEY (id), 
\tUNIQUE (email)
);
CREATE TABLE posts (
\tid INTEGER NOT NULL, 
\tuser_id INTEGER NOT NULL, 
\ttitle VARCHAR(200) NOT NULL, 
\tscore FLOAT, 
\tpublished BOOLEAN NOT NULL, 
\tpublished_at DATETIME, 
\tPRIMARY KEY (id), 
\tCHECK (published IN (0, 1)), 
\tFOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_posts_user_id ON posts (user_id);
";

/// The unnamed UNIQUE constraint of `users.email`.
const SQLALCHEMY_DIFFERS: &[&str] =
    &["rebuild table `users` (replace UNIQUE constraints with unique indexes)"];

/// Unnamed UNIQUE constraints: on a column, on two, repeated, repeating a
/// named unique index, and one whose stillroom name another index has.
const UNIQUE_CONSTRAINTS: &str = r#"
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    org TEXT NOT NULL,
    handle TEXT NOT NULL,
    UNIQUE (org, handle)
);
CREATE TABLE members (id INTEGER PRIMARY KEY, login TEXT UNIQUE, UNIQUE (login));
CREATE TABLE taken (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
CREATE UNIQUE INDEX uq_taken_code ON taken (code);
CREATE TABLE clash (id INTEGER PRIMARY KEY, k TEXT UNIQUE);
CREATE INDEX uq_clash_k ON accounts (org);
"#;

const UNIQUE_CONSTRAINTS_DIFFER: &[&str] = &[
    "rebuild table `accounts` (replace UNIQUE constraints with unique indexes)",
    "rebuild table `clash` (replace UNIQUE constraints with unique indexes)",
    "rebuild table `members` (replace UNIQUE constraints with unique indexes)",
    "rebuild table `taken` (replace UNIQUE constraints with unique indexes)",
];

/// What a model cannot declare: WITHOUT ROWID, COLLATE, a generated
/// column, a column without a type, two CHECKs on one column, a nullable
/// key, expression and partial indexes, a foreign key to a name
/// `references` cannot hold, views, triggers, a virtual table.
const NOT_EXPRESSIBLE: &str = r#"
CREATE TABLE kv (k TEXT NOT NULL PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT COLLATE NOCASE,
    full_name TEXT GENERATED ALWAYS AS (name || '!') VIRTUAL,
    anything,
    score INTEGER CHECK (score >= 0) CHECK (score <= 100),
    nickname TEXT DEFAULT "dq"
);
CREATE TABLE legacy (code TEXT PRIMARY KEY, n INTEGER);
CREATE INDEX people_lower ON people (lower(name));
CREATE INDEX people_scored ON people (score) WHERE score > 0;
CREATE TABLE "we""ird" (id INTEGER PRIMARY KEY);
CREATE TABLE refs (id INTEGER PRIMARY KEY, w INTEGER REFERENCES "we""ird" (id));
CREATE VIEW adults AS SELECT * FROM people WHERE score > 17;
CREATE TRIGGER people_touch AFTER UPDATE ON people BEGIN
    UPDATE people SET score = score WHERE id = NEW.id;
END;
CREATE VIRTUAL TABLE docs USING fts5(body);
"#;

/// The nullable key, the untyped column, the second CHECK, the
/// double-quoted default and the foreign key the notes name (WITHOUT ROWID,
/// COLLATE and the rest are not compared).
const NOT_EXPRESSIBLE_DIFFERS: &[&str] = &[
    "rebuild table `legacy` (`code` becomes NOT NULL)",
    "rebuild table `people` (`score` checks change; `nickname` default changes; table checks change)",
    "rebuild table `refs` (foreign keys change)",
];
