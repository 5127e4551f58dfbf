//! The global registry, explicit model sets and schema validation.
//!
//! Every model derived in this file lands in this test binary's registry, so
//! together they form one valid schema. Invalid combinations are built with
//! `ModelSet` or `Schema::new` from (copies of) these models' tables, which
//! are validated the same way as the registry.

use std::sync::LazyLock;

use rusqlite::{Connection, ErrorCode, ffi};
use stillroom::{
    Action, Column, ForeignKey, Index, Model, ModelSet, PrimaryKey, Problem, Schema, SchemaError,
    SqlType, Table,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "reg_authors")]
struct Author {
    #[model(primary_key)]
    id: i64,
    name: String,
    #[model(unique)]
    email: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "reg_books")]
struct Book {
    #[model(primary_key)]
    id: i64,
    #[model(references = "reg_authors(id)", on_delete = "cascade")]
    author_id: i64,
    #[model(
        references = "reg_authors(email)",
        on_delete = "set null",
        on_update = "cascade"
    )]
    editor_email: Option<String>,
    title: String,
}

/// Sorts before the tables it depends on (`reg_books`, and through it
/// `reg_authors`).
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "reg_a_reviews")]
struct Review {
    #[model(primary_key)]
    id: i64,
    #[model(references = "reg_books(id)", on_delete = "cascade")]
    book_id: i64,
    stars: u8,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "reg_seasons", primary_key(show, number))]
struct Season {
    show: String,
    number: i64,
}

/// A composite foreign key to a composite primary key.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(
    table = "reg_episodes",
    foreign_key(
        show,
        season,
        references = "reg_seasons(show, number)",
        on_delete = "cascade"
    ),
    index(show, season)
)]
struct RegEpisode {
    #[model(primary_key)]
    id: i64,
    show: String,
    season: i64,
}

/// Every table this file declares, sorted by name.
const TABLES: [&str; 5] = [
    "reg_a_reviews",
    "reg_authors",
    "reg_books",
    "reg_episodes",
    "reg_seasons",
];

/// This file's tables as a model set, in the given order of insertion.
fn model_set(order: &[&str]) -> ModelSet {
    order.iter().fold(ModelSet::new(), |set, name| match *name {
        "reg_a_reviews" => set.with::<Review>(),
        "reg_authors" => set.with::<Author>(),
        "reg_books" => set.with::<Book>(),
        "reg_episodes" => set.with::<RegEpisode>(),
        "reg_seasons" => set.with::<Season>(),
        other => panic!("unknown table {other}"),
    })
}

fn table_names(schema: &Schema) -> Vec<&str> {
    schema.tables().iter().map(|t| t.name.as_str()).collect()
}

// --- The global registry ------------------------------------------------------

#[test]
fn registry_holds_this_files_models_sorted_by_table_name() -> TestResult {
    let schema = stillroom::registry()?;
    let names = table_names(schema);
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "the registry is sorted by table name");
    let ours: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("reg_"))
        .collect();
    assert_eq!(ours, TABLES);
    // Each table is exactly the model's.
    assert_eq!(schema.table("reg_authors"), Some(Author::table()));
    assert_eq!(schema.table("reg_books"), Some(Book::table()));
    assert_eq!(schema.table("reg_a_reviews"), Some(Review::table()));
    assert_eq!(schema.table("reg_seasons"), Some(Season::table()));
    assert_eq!(schema.table("reg_episodes"), Some(RegEpisode::table()));
    assert_eq!(schema.table("reg_impostor"), None);
    assert_eq!(schema.table("no_such_table"), None);
    // The registry is the same schema an explicit set of the same models gives.
    let explicit = model_set(&TABLES).build()?;
    for table in explicit.tables() {
        assert_eq!(schema.table(&table.name), Some(table));
    }
    Ok(())
}

#[test]
fn registry_is_built_once() -> TestResult {
    let first = stillroom::registry()?;
    let second = stillroom::registry()?;
    assert!(
        std::ptr::eq(first, second),
        "the same &'static Schema each call"
    );
    let from_thread =
        std::thread::spawn(|| stillroom::registry().map(|s| s as *const Schema as usize)).join();
    let from_thread = from_thread.map_err(|_| "thread panicked")??;
    assert_eq!(from_thread, first as *const Schema as usize);
    Ok(())
}

#[test]
fn registered_models_name_the_rust_types() {
    let models = stillroom::registered_models();
    let mut sorted = models.clone();
    sorted.sort();
    assert_eq!(models, sorted, "sorted by table, then Rust path");
    let expected = [
        ("reg_a_reviews", "::Review"),
        ("reg_authors", "::Author"),
        ("reg_books", "::Book"),
        ("reg_episodes", "::RegEpisode"),
        ("reg_seasons", "::Season"),
    ];
    let ours: Vec<_> = models
        .iter()
        .filter(|m| m.table.starts_with("reg_"))
        .collect();
    assert_eq!(ours.len(), expected.len(), "{ours:?}");
    for (info, (table, suffix)) in ours.iter().zip(expected) {
        assert_eq!(info.table, table);
        assert!(
            info.rust_type.ends_with(suffix),
            "{} ends with {suffix}",
            info.rust_type
        );
        assert_eq!(
            info.rust_type,
            format!("{}{suffix}", module_path!()),
            "the full path"
        );
    }
    assert!(
        !models.iter().any(|m| m.rust_type.ends_with("::Impostor")),
        "a hand-written Model impl is not registered"
    );
}

// --- Model sets -------------------------------------------------------------------

#[test]
fn model_set_builds_a_valid_schema() -> TestResult {
    let schema = model_set(&TABLES).build()?;
    assert_eq!(table_names(&schema), TABLES);
    assert!(!schema.is_empty());
    assert!(ModelSet::new().build()?.is_empty());
    assert_eq!(ModelSet::new().build()?, Schema::default());
    // A parent alone is fine; so is a parent with its children.
    assert_eq!(
        table_names(&ModelSet::new().with::<Author>().build()?),
        ["reg_authors"]
    );
    let books = ModelSet::new().with::<Book>().with::<Author>().build()?;
    assert_eq!(table_names(&books), ["reg_authors", "reg_books"]);
    Ok(())
}

#[test]
fn building_in_any_order_gives_the_same_schema_and_ddl() -> TestResult {
    let reference = model_set(&TABLES).build()?;
    let orders: [[&str; 5]; 4] = [
        [
            "reg_seasons",
            "reg_episodes",
            "reg_books",
            "reg_authors",
            "reg_a_reviews",
        ],
        [
            "reg_books",
            "reg_a_reviews",
            "reg_seasons",
            "reg_authors",
            "reg_episodes",
        ],
        [
            "reg_episodes",
            "reg_authors",
            "reg_a_reviews",
            "reg_seasons",
            "reg_books",
        ],
        [
            "reg_a_reviews",
            "reg_seasons",
            "reg_authors",
            "reg_episodes",
            "reg_books",
        ],
    ];
    for order in orders {
        let schema = model_set(&order).build()?;
        assert_eq!(schema, reference, "{order:?}");
        assert_eq!(
            schema.create_statements(),
            reference.create_statements(),
            "{order:?}"
        );
    }
    // The registry agrees, statement for statement.
    let registry = stillroom::registry()?;
    let ours = Schema::new(
        registry
            .tables()
            .iter()
            .filter(|t| t.name.starts_with("reg_"))
            .cloned(),
    )?;
    assert_eq!(ours.create_statements(), reference.create_statements());
    Ok(())
}

#[test]
fn unknown_referenced_table() {
    // Without reg_books, the review's foreign key dangles.
    let err = ModelSet::new()
        .with::<Review>()
        .with::<Author>()
        .build()
        .err();
    let err = err.unwrap_or_else(|| panic!("a dangling foreign key was accepted"));
    assert_eq!(
        err.problems,
        [Problem::UnknownReferencedTable {
            table: "reg_a_reviews".into(),
            columns: vec!["book_id".into()],
            references: "reg_books".into(),
        }]
    );
    let text = err.to_string();
    assert!(text.contains("1 problem):"), "{text}");
    assert!(
        text.contains("the foreign key `reg_a_reviews(book_id)` references table `reg_books`, which no model declares"),
        "{text}"
    );

    // Without reg_authors, both of the book's foreign keys dangle.
    let err = ModelSet::new().with::<Book>().build().err();
    let err = err.unwrap_or_else(|| panic!("dangling foreign keys were accepted"));
    assert_eq!(err.problems.len(), 2, "{err}");
    assert!(
        err.problems
            .iter()
            .all(|p| matches!(p, Problem::UnknownReferencedTable { references, .. } if references == "reg_authors")),
        "{err}"
    );
}

/// A copy of `Book`'s table with its first foreign key (to `reg_authors(id)`)
/// changed by `edit`.
fn book_with(edit: impl FnOnce(&mut Table)) -> Table {
    let mut table = Book::table().clone();
    edit(&mut table);
    table
}

fn problems(tables: impl IntoIterator<Item = Table>) -> Vec<Problem> {
    match Schema::new(tables) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems,
    }
}

#[test]
fn unknown_referenced_column() {
    let book = book_with(|t| t.foreign_keys[0].references_columns = vec!["nope".into()]);
    let found = problems([Author::table().clone(), book]);
    assert_eq!(
        found,
        [Problem::UnknownReferencedColumn {
            table: "reg_books".into(),
            references: "reg_authors".into(),
            column: "nope".into(),
        }]
    );
    assert!(
        found[0].to_string().contains(
            "references `reg_authors.nope`, but table `reg_authors` has no column `nope`"
        )
    );
}

#[test]
fn foreign_key_target_must_be_unique() {
    // `name` is neither the key nor unique; `email` (unique) is fine.
    let book = book_with(|t| {
        t.foreign_keys[0].columns = vec!["title".into()];
        t.foreign_keys[0].references_columns = vec!["name".into()];
    });
    let found = problems([Author::table().clone(), book]);
    assert_eq!(
        found,
        [Problem::ForeignKeyTargetNotUnique {
            table: "reg_books".into(),
            references: "reg_authors".into(),
            columns: vec!["name".into()],
        }]
    );
    assert!(
        found[0]
            .to_string()
            .contains("neither its primary key nor unique"),
        "{}",
        found[0]
    );

    // Half of a composite key is not unique either.
    let mut episode = RegEpisode::table().clone();
    episode.foreign_keys[0].columns = vec!["show".into()];
    episode.foreign_keys[0].references_columns = vec!["show".into()];
    let found = problems([Season::table().clone(), episode]);
    assert!(
        matches!(found.as_slice(), [Problem::ForeignKeyTargetNotUnique { references, columns, .. }]
            if references == "reg_seasons" && columns == &["show"]),
        "{found:?}"
    );

    // The whole composite key, in either order, is.
    let mut episode = RegEpisode::table().clone();
    episode.foreign_keys[0].columns = vec!["season".into(), "show".into()];
    episode.foreign_keys[0].references_columns = vec!["number".into(), "show".into()];
    assert!(problems([Season::table().clone(), episode]).is_empty());
}

#[test]
fn foreign_key_type_mismatch() {
    let book = book_with(|t| {
        let column = t.columns.iter_mut().find(|c| c.name == "author_id");
        if let Some(column) = column {
            column.sql_type = SqlType::Text;
        }
    });
    let found = problems([Author::table().clone(), book]);
    assert_eq!(
        found,
        [Problem::ForeignKeyTypeMismatch {
            table: "reg_books".into(),
            column: "author_id".into(),
            sql_type: SqlType::Text,
            references: "reg_authors.id".into(),
            references_type: SqlType::Integer,
        }]
    );
    assert!(found[0].to_string().contains(
        "`reg_books.author_id` is TEXT but references `reg_authors.id`, which is INTEGER"
    ));
}

#[test]
fn set_null_on_a_not_null_column() {
    let book = book_with(|t| t.foreign_keys[0].on_delete = Action::SetNull);
    let found = problems([Author::table().clone(), book]);
    assert_eq!(
        found,
        [Problem::SetNullOnNotNull {
            table: "reg_books".into(),
            column: "author_id".into()
        }]
    );
    assert!(
        found[0]
            .to_string()
            .contains("uses SET NULL, but the column is NOT NULL")
    );
    // ON UPDATE SET NULL too; on the nullable editor_email it is fine (the
    // model itself declares it).
    let book = book_with(|t| t.foreign_keys[0].on_update = Action::SetNull);
    assert_eq!(problems([Author::table().clone(), book]).len(), 1);
    assert_eq!(Book::table().foreign_keys[1].on_delete, Action::SetNull);
}

/// A `Model` written by hand over a copy of `Author`'s table. Unlike a derived
/// model it is not submitted to the registry, so this binary's registry stays
/// valid while a model set can hold two Rust types claiming one table.
///
/// It implements the trait's hidden methods; only `table()` is used here.
struct Impostor;

impl Model for Impostor {
    type Key = i64;

    fn table() -> &'static Table {
        static TABLE: LazyLock<Table> = LazyLock::new(|| Author::table().clone());
        &TABLE
    }

    fn from_row(_: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self)
    }

    fn __statements() -> &'static stillroom::__private::Statements {
        static STATEMENTS: LazyLock<stillroom::__private::Statements> =
            LazyLock::new(|| stillroom::__private::Statements::new(Impostor::table()));
        &STATEMENTS
    }

    fn __from_row_ordered(_: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self)
    }

    fn __bind_columns(&self, _: &mut rusqlite::Statement<'_>) -> rusqlite::Result<()> {
        Ok(())
    }

    fn __bind_key(_: &i64, _: &mut rusqlite::Statement<'_>) -> rusqlite::Result<()> {
        Ok(())
    }

    fn __bind_own_key(&self, _: &mut rusqlite::Statement<'_>) -> rusqlite::Result<()> {
        Ok(())
    }
}

#[test]
fn duplicate_table_names_every_rust_type() {
    let err = ModelSet::new()
        .with::<Author>()
        .with::<Book>()
        .with::<Impostor>()
        .build()
        .err();
    let err = err.unwrap_or_else(|| panic!("two models claiming one table were accepted"));
    let author = format!("{}::Author", module_path!());
    let impostor = format!("{}::Impostor", module_path!());
    let duplicate = Problem::DuplicateTable {
        table: "reg_authors".into(),
        models: vec![author.clone(), impostor.clone()],
    };
    assert_eq!(err.problems.first(), Some(&duplicate), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("table `reg_authors` is declared by more than one model"),
        "{text}"
    );
    assert!(text.contains(&format!("({author}, {impostor})")), "{text}");

    // In insertion order the other way round, the same error.
    let again = ModelSet::new()
        .with::<Impostor>()
        .with::<Book>()
        .with::<Author>()
        .build()
        .err();
    assert_eq!(again.map(|e| e.problems), Some(err.problems));

    // The same model twice is a duplicate too.
    let twice = ModelSet::new()
        .with::<Season>()
        .with::<Season>()
        .build()
        .err();
    let season = format!("{}::Season", module_path!());
    assert_eq!(
        twice.map(|e| e.problems),
        Some(vec![Problem::DuplicateTable {
            table: "reg_seasons".into(),
            models: vec![season.clone(), season]
        }])
    );

    // Tables without a Rust type (Schema::new) are named by table alone.
    let found = problems([Season::table().clone(), Season::table().clone()]);
    assert_eq!(
        found,
        [Problem::DuplicateTable {
            table: "reg_seasons".into(),
            models: Vec::new()
        }]
    );
    assert_eq!(
        found[0].to_string(),
        "table `reg_seasons` is declared more than once; rename one of them"
    );
}

/// Two models claiming one table is one problem. Today the table's indexes
/// are also reported as `DuplicateIndex` (tables `reg_authors, reg_authors`),
/// whose advice ("give one an explicit `name`") does not fit: the fix is a
/// distinct table name, which renames the default index as well.
#[test]

fn duplicate_table_is_not_also_reported_as_duplicate_indexes() {
    let err = ModelSet::new()
        .with::<Author>()
        .with::<Impostor>()
        .build()
        .err();
    let problems = err.map(|e| e.problems).unwrap_or_default();
    assert!(
        !problems
            .iter()
            .any(|p| matches!(p, Problem::DuplicateIndex { .. })),
        "{problems:?}"
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn every_problem_is_listed_in_one_error() {
    let orphan = {
        let mut t = Table::new("reg_orphans");
        t.columns.push(Column::new("id", SqlType::Integer));
        t.columns.push(Column::new("ghost_id", SqlType::Integer));
        t.primary_key.columns.push("id".into());
        t.foreign_keys.push(ForeignKey {
            columns: vec!["ghost_id".into()],
            references_table: "reg_ghosts".into(),
            references_columns: vec!["id".into()],
            on_delete: Action::Cascade,
            on_update: Action::NoAction,
        });
        t
    };
    let book = book_with(|t| t.foreign_keys[0].on_delete = Action::SetNull);
    let tables = vec![
        orphan,
        Season::table().clone(),
        book,
        Author::table().clone(),
        Season::table().clone(),
    ];
    let err = Schema::new(tables.clone())
        .err()
        .unwrap_or_else(|| panic!("three problems accepted"));
    let expected = [
        Problem::DuplicateTable {
            table: "reg_seasons".into(),
            models: Vec::new(),
        },
        Problem::SetNullOnNotNull {
            table: "reg_books".into(),
            column: "author_id".into(),
        },
        Problem::UnknownReferencedTable {
            table: "reg_orphans".into(),
            columns: vec!["ghost_id".into()],
            references: "reg_ghosts".into(),
        },
    ];
    assert_eq!(
        err.problems, expected,
        "all three, duplicates first, then in table order"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("the models do not form a valid schema (3 problems):"),
        "{text}"
    );
    for problem in &expected {
        assert!(
            text.contains(&format!("\n  - {problem}")),
            "{text}\n  lacks: {problem}"
        );
    }
    assert_eq!(text.lines().count(), 4, "{text}");

    // Deterministic: the same error whatever the order of the tables.
    let mut reversed = tables;
    reversed.reverse();
    assert_eq!(Schema::new(reversed).err(), Some(err.clone()));
    // SchemaError is a std error, and converts into stillroom::Error.
    let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
    assert_eq!(boxed.to_string(), text);
    let converted = stillroom::Error::from(err);
    assert!(converted.sqlite_error().is_none());
    assert_eq!(converted.to_string(), text);
}

// --- DDL from a schema ---------------------------------------------------------------

#[test]
fn schema_ddl_creates_parents_first_and_enforces_foreign_keys() -> TestResult {
    let schema = model_set(&TABLES).build()?;
    let statements = schema.create_statements();
    let created: Vec<&str> = statements
        .iter()
        .filter_map(|s| s.strip_prefix("CREATE TABLE \"")?.split('"').next())
        .collect();
    let position = |name: &str| {
        created
            .iter()
            .position(|c| *c == name)
            .unwrap_or(usize::MAX)
    };
    assert_eq!(created.len(), TABLES.len(), "{created:?}");
    assert!(
        position("reg_authors") < position("reg_books"),
        "{created:?}"
    );
    assert!(
        position("reg_books") < position("reg_a_reviews"),
        "{created:?}"
    );
    assert!(
        position("reg_seasons") < position("reg_episodes"),
        "{created:?}"
    );
    // Each table's indexes follow it.
    let index = statements
        .iter()
        .position(|s| s.contains("\"uq_reg_authors_email\""))
        .unwrap_or(usize::MAX);
    let authors = statements
        .iter()
        .position(|s| s.starts_with("CREATE TABLE \"reg_authors\""))
        .unwrap_or(0);
    assert_eq!(index, authors + 1, "{statements:#?}");

    let conn = Connection::open_in_memory()?;
    stillroom::configure(&conn)?;
    for sql in &statements {
        conn.execute(sql, [])?;
    }
    let fk_list: i64 = conn.query_row(
        "SELECT count(*) FROM pragma_foreign_key_list('reg_books')",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(fk_list, 2);

    Author {
        id: 1,
        name: "Ann".into(),
        email: "ann@example.com".into(),
    }
    .insert(&conn)?;
    Book {
        id: 1,
        author_id: 1,
        editor_email: Some("ann@example.com".into()),
        title: "T".into(),
    }
    .insert(&conn)?;
    Review {
        id: 1,
        book_id: 1,
        stars: 5,
    }
    .insert(&conn)?;
    Season {
        show: "s".into(),
        number: 1,
    }
    .insert(&conn)?;
    RegEpisode {
        id: 1,
        show: "s".into(),
        season: 1,
    }
    .insert(&conn)?;

    let err = Review {
        id: 2,
        book_id: 42,
        stars: 1,
    }
    .insert(&conn)
    .err()
    .ok_or("dangling review accepted")?;
    let code = match err.sqlite_error() {
        Some(rusqlite::Error::SqliteFailure(e, _)) => Some((e.code, e.extended_code)),
        _ => None,
    };
    assert_eq!(
        code,
        Some((
            ErrorCode::ConstraintViolation,
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY
        ))
    );
    let err = RegEpisode {
        id: 2,
        show: "s".into(),
        season: 2,
    }
    .insert(&conn)
    .err();
    assert!(err.is_some(), "the composite foreign key is enforced");

    // ON UPDATE CASCADE on the email, then ON DELETE CASCADE down two levels.
    conn.execute(
        "UPDATE reg_authors SET email = 'ann@new.example' WHERE id = 1",
        [],
    )?;
    assert_eq!(
        Book::get(&conn, 1)?.and_then(|b| b.editor_email),
        Some("ann@new.example".into())
    );
    assert!(Author::delete_by_key(&conn, 1)?);
    assert_eq!((Book::count(&conn)?, Review::count(&conn)?), (0, 0));
    assert!(Season::delete_by_key(&conn, ("s".to_owned(), 1))?);
    assert_eq!(RegEpisode::count(&conn)?, 0);
    let violations: i64 =
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })?;
    assert_eq!(violations, 0);
    Ok(())
}

// --- Schema::new from hand-built tables ---------------------------------------------

/// `Author`'s table written out by hand.
fn authors_by_hand() -> Table {
    let mut t = Table::new("reg_authors");
    t.columns.push(Column::new("id", SqlType::Integer));
    t.columns.push(Column::new("name", SqlType::Text));
    t.columns.push(Column::new("email", SqlType::Text));
    t.primary_key = PrimaryKey {
        columns: vec!["id".into()],
        autoincrement: false,
    };
    t.indexes.push(Index {
        name: Index::default_name("reg_authors", &["email"], true),
        columns: vec!["email".into()],
        unique: true,
    });
    t
}

#[test]
fn schema_new_from_hand_built_tables() -> TestResult {
    assert_eq!(
        &authors_by_hand(),
        Author::table(),
        "the derive builds the table one would write by hand"
    );

    let mut notes = Table::new("notes");
    notes.columns.push(Column::new("id", SqlType::Integer));
    let mut author = Column::new("author_id", SqlType::Integer);
    author.nullable = true;
    notes.columns.push(author);
    let mut body = Column::new("body", SqlType::Text);
    body.default = Some("''".into());
    body.checks.push("length(\"body\") < 1000".into());
    notes.columns.push(body);
    notes.primary_key = PrimaryKey {
        columns: vec!["id".into()],
        autoincrement: true,
    };
    notes.foreign_keys.push(ForeignKey {
        columns: vec!["author_id".into()],
        references_table: "reg_authors".into(),
        references_columns: vec!["id".into()],
        on_delete: Action::SetNull,
        on_update: Action::NoAction,
    });
    notes.checks.push("\"id\" > 0".into());

    let schema = Schema::new([notes.clone(), authors_by_hand()])?;
    assert_eq!(table_names(&schema), ["notes", "reg_authors"]);
    assert_eq!(schema.table("notes"), Some(&notes));
    // Equal to a schema mixing the derived table and the hand-built one.
    let mixed = Schema::new([Author::table().clone(), notes])?;
    assert_eq!(schema, mixed);

    let statements = schema.create_statements();
    assert!(
        statements[0].starts_with("CREATE TABLE \"reg_authors\""),
        "parents first: {statements:#?}"
    );
    let conn = Connection::open_in_memory()?;
    stillroom::configure(&conn)?;
    for sql in &statements {
        conn.execute(sql, [])?;
    }
    conn.execute(
        "INSERT INTO reg_authors (id, name, email) VALUES (1, 'a', 'a@x')",
        [],
    )?;
    conn.execute("INSERT INTO notes (author_id) VALUES (1)", [])?;
    conn.execute("DELETE FROM reg_authors", [])?;
    let (author, body): (Option<i64>, String) =
        conn.query_row("SELECT author_id, body FROM notes", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    assert_eq!(
        (author, body.as_str()),
        (None, ""),
        "SET NULL and the default applied"
    );
    let too_long = conn.execute("INSERT INTO notes (body) VALUES (?1)", ["x".repeat(2000)]);
    assert!(too_long.is_err(), "the column CHECK is in the DDL");

    // Hand-built tables are validated like models.
    let mut bad = Table::new("sqlite_mine");
    bad.columns.push(Column::new("a", SqlType::Integer));
    let err: SchemaError = Schema::new([bad])
        .err()
        .ok_or("reserved name and missing key accepted")?;
    assert_eq!(
        err.problems,
        [
            Problem::ReservedTableName {
                table: "sqlite_mine".into()
            },
            Problem::NoPrimaryKey {
                table: "sqlite_mine".into()
            }
        ]
    );
    Ok(())
}
