//! A history a team shares: two developers each add a revision on a branch,
//! the branches meet with two heads, `merge` puts them in one line, and
//! three databases (main's, and each developer's, with rows) all reach the
//! head with every row. Then a squash, which every database follows.

use std::fs;
use std::path::Path;

use rusqlite::Connection;
use stillroom::{
    Column, Error, GenerateOptions, History, MergeOptions, Migrator, Schema, SqlType, Table,
};

use crate::common::{TempDir, TestResult, rows};

fn author(bio: bool) -> Table {
    let mut t = Table::new("author");
    t.columns.push(Column::new("id", SqlType::Integer));
    t.columns.push(Column::new("name", SqlType::Text));
    if bio {
        t.columns.push(Column {
            nullable: true,
            ..Column::new("bio", SqlType::Text)
        });
    }
    t.primary_key.columns.push("id".into());
    t
}

fn tag() -> Table {
    let mut t = Table::new("tag");
    t.columns.push(Column::new("id", SqlType::Integer));
    t.columns.push(Column::new("author_id", SqlType::Integer));
    t.columns.push(Column::new("label", SqlType::Text));
    t.primary_key.columns.push("id".into());
    t.foreign_keys.push(stillroom::ForeignKey {
        columns: vec!["author_id".into()],
        references_table: "author".into(),
        references_columns: vec!["id".into()],
        on_delete: stillroom::Action::Cascade,
        on_update: stillroom::Action::NoAction,
    });
    t
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            fs::copy(&path, to.join(name))?;
        }
    }
    Ok(())
}

fn files(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}

/// main (0001), branch A (author.bio), branch B (tag), each with a
/// database holding rows, and the directory where the branches meet.
struct Team {
    root: TempDir,
    both: Schema,
}

impl Team {
    fn new(name: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let root = TempDir::created(name)?;
        let main = root.join("main");
        stillroom::generate(
            &main,
            &Schema::new([author(false)])?,
            "authors",
            GenerateOptions::default(),
        )?;
        copy_dir(&main, &root.join("a"))?;
        copy_dir(&main, &root.join("b"))?;
        let a = Schema::new([author(true)])?;
        let b = Schema::new([author(false), tag()])?;
        stillroom::generate(
            &root.join("a"),
            &a,
            "author bio",
            GenerateOptions::default(),
        )?;
        stillroom::generate(&root.join("b"), &b, "tags", GenerateOptions::default())?;

        // Each database at its line's head, with rows.
        for (db, dir, schema) in [
            ("main.db", "main", Schema::new([author(false)])?),
            ("a.db", "a", a),
            ("b.db", "b", b),
        ] {
            let conn = Connection::open(root.join(db))?;
            Migrator::new(&History::read(&root.join(dir))?)
                .schema(&schema)
                .migrate(&conn)?;
            conn.execute_batch("INSERT INTO author (id, name) VALUES (1, 'Ann'), (2, 'Bo')")?;
        }
        Connection::open(root.join("a.db"))?
            .execute_batch("UPDATE author SET bio = 'poet' WHERE id = 1")?;
        Connection::open(root.join("b.db"))?.execute_batch(
            "INSERT INTO tag (id, author_id, label) VALUES (10, 1, 'fiction'), (11, 2, 'essays')",
        )?;

        // The branches meet: both revisions in one directory, two heads.
        let merged = root.join("merged");
        copy_dir(&root.join("a"), &merged)?;
        fs::copy(root.join("b/0002_tags.sql"), merged.join("0002_tags.sql"))?;
        Ok(Self {
            root,
            both: Schema::new([author(true), tag()])?,
        })
    }

    fn dir(&self) -> std::path::PathBuf {
        self.root.join("merged")
    }

    fn migrate(&self, db: &str) -> stillroom::Result<stillroom::Report> {
        let conn = Connection::open(self.root.join(db))?;
        Migrator::new(&History::read(&self.dir())?)
            .schema(&self.both)
            .migrate(&conn)
    }

    fn ledger(&self, db: &str) -> rusqlite::Result<Vec<Vec<String>>> {
        rows(
            &Connection::open(self.root.join(db))?,
            "SELECT revision, position FROM stillroom_migrations ORDER BY position",
        )
    }
}

#[test]
fn two_heads_merge_into_one_line_and_every_database_follows_with_its_rows() -> TestResult {
    let team = Team::new("team-merge")?;
    let dir = team.dir();
    // Two heads: reading the history is refused, with the way out.
    let err = History::read(&dir).map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("`db merge`"), "{err}");
    let lines = stillroom::lines(stillroom::Migration::read_dir(&dir)?, &dir)?;
    assert_eq!(lines.trunk.len(), 1);
    assert_eq!(
        lines
            .heads()
            .iter()
            .map(|m| m.revision.as_str())
            .collect::<Vec<_>>(),
        ["0002_author_bio", "0002_tags"]
    );

    let merged = stillroom::merge(
        &dir,
        MergeOptions {
            first: None,
            schema: Some(&team.both),
        },
    )?;
    assert_eq!(merged.moved.len(), 1);
    let moved = &merged.moved[0];
    assert_eq!(
        (
            moved.from.as_str(),
            moved.to.as_str(),
            moved.parent.as_str()
        ),
        ("0002_tags", "0003_tags", "0002_author_bio")
    );
    assert!(merged.differences.is_empty(), "{:?}", merged.differences);
    assert_eq!(
        files(&dir)?,
        ["0001_authors.sql", "0002_author_bio.sql", "0003_tags.sql"]
    );
    // Only the revision and parent lines changed.
    let before = fs::read_to_string(team.root.join("b/0002_tags.sql"))?;
    let after = fs::read_to_string(dir.join("0003_tags.sql"))?;
    let differing: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(x, y)| x != y)
        .collect();
    assert_eq!(
        differing,
        [
            ("-- revision: 0002_tags", "-- revision: 0003_tags"),
            ("-- parent: 0001_authors", "-- parent: 0002_author_bio")
        ]
    );

    let head = [
        vec!["Text(\"0001_authors\")".to_owned(), "Integer(0)".to_owned()],
        vec![
            "Text(\"0002_author_bio\")".to_owned(),
            "Integer(1)".to_owned(),
        ],
        vec!["Text(\"0003_tags\")".to_owned(), "Integer(2)".to_owned()],
    ];
    // Main's database applies both; branch A's applies the tags.
    assert_eq!(
        team.migrate("main.db")?.ran,
        ["0002_author_bio", "0003_tags"]
    );
    assert_eq!(team.migrate("a.db")?.ran, ["0003_tags"]);
    // Branch B's applied the tags as 0002_tags: its row follows the rename,
    // and the author bio, which the line now puts first, runs now.
    let report = team.migrate("b.db")?;
    assert_eq!(report.ran, ["0002_author_bio"]);
    assert_eq!(
        report.reconciled,
        [
            "recorded `0002_tags` under its new name `0003_tags` (same text, renamed or renumbered)",
            "applied `0002_author_bio` out of order: the merged history puts it before `0003_tags`, which this database ran first (branches merged)",
        ]
    );
    for db in ["main.db", "a.db", "b.db"] {
        assert_eq!(team.ledger(db)?, head, "{db}");
        assert!(
            team.migrate(db)?.ran.is_empty(),
            "{db}: a second start has nothing to do"
        );
    }
    // Every row is where it was.
    let authors = |db: &str| {
        rows(
            &Connection::open(team.root.join(db))?,
            "SELECT id, name, bio FROM author ORDER BY id",
        )
    };
    assert_eq!(
        authors("a.db")?[0],
        ["Integer(1)", "Text(\"Ann\")", "Text(\"poet\")"]
    );
    assert_eq!(authors("b.db")?.len(), 2);
    assert_eq!(
        rows(
            &Connection::open(team.root.join("b.db"))?,
            "SELECT id, label FROM tag ORDER BY id"
        )?,
        [
            ["Integer(10)", "Text(\"fiction\")"],
            ["Integer(11)", "Text(\"essays\")"]
        ]
    );
    Ok(())
}

#[test]
fn applied_revisions_put_in_another_order_are_named_not_run() -> TestResult {
    let team = Team::new("team-reorder")?;
    let dir = team.dir();
    let keep = team.root.join("kept");
    copy_dir(&dir, &keep)?;
    stillroom::merge(
        &dir,
        MergeOptions {
            first: None,
            schema: Some(&team.both),
        },
    )?;
    team.migrate("main.db")?;
    // Another copy of the branches, merged the other way round: the tags
    // first. Main's database applied the bio first.
    let other = stillroom::merge(
        &keep,
        MergeOptions {
            first: Some("0002_tags"),
            schema: Some(&team.both),
        },
    )?;
    assert_eq!(other.moved[0].to, "0003_author_bio");
    let conn = Connection::open(team.root.join("main.db"))?;
    let before = rows(
        &conn,
        "SELECT * FROM stillroom_migrations ORDER BY position",
    )?;
    let err = Migrator::new(&History::read(&keep)?)
        .schema(&team.both)
        .migrate(&conn)
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::LedgerMismatch { .. }), "{err:?}");
    assert!(
        message.contains("applied `0003_author_bio` before `0002_tags`")
            && message.contains("their order changed after both ran"),
        "{message}"
    );
    assert_eq!(
        rows(
            &conn,
            "SELECT * FROM stillroom_migrations ORDER BY position"
        )?,
        before
    );
    Ok(())
}

#[test]
fn a_merge_whose_branches_conflict_writes_nothing() -> TestResult {
    let team = Team::new("team-conflict")?;
    let dir = team.dir();
    // Both branches add `author.bio`.
    let clash = fs::read_to_string(dir.join("0002_author_bio.sql"))?
        .replace("0002_author_bio", "0002_bio_too")
        .replace("-- message: author bio", "-- message: bio too");
    fs::write(dir.join("0002_bio_too.sql"), clash)?;
    fs::remove_file(dir.join("0002_tags.sql"))?;
    let before = files(&dir)?;
    let err = stillroom::merge(&dir, MergeOptions::default()).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::BranchesConflict { .. }), "{err:?}");
    assert!(
        message.contains("duplicate column name: bio") && message.contains("0003_bio_too"),
        "{message}"
    );
    assert_eq!(files(&dir)?, before);
    Ok(())
}

#[test]
fn a_squash_from_the_first_revision_is_followed_by_every_database() -> TestResult {
    let team = Team::new("team-squash")?;
    let dir = team.dir();
    stillroom::merge(&dir, MergeOptions::default())?;
    team.migrate("main.db")?;
    // A database left at the first revision, from before the squash.
    let behind = team.root.join("behind.db");
    Migrator::new(&History {
        migrations: History::read(&dir)?.migrations[..1].to_vec(),
    })
    .schema(&Schema::new([author(false)])?)
    .migrate(&Connection::open(&behind)?)?;

    let squashed = stillroom::squash(&dir, "0003", None)?;
    assert_eq!(squashed.replaces, ["0001_authors", "0002_author_bio"]);
    assert_eq!(files(&dir)?, ["0003_tags.sql"]);
    let text = fs::read_to_string(&squashed.path)?;
    assert!(
        text.contains("-- replaces: 0001_authors, 0002_author_bio\n")
            && text.contains("-- parent: none\n"),
        "{text}"
    );

    // Main's database applied all three: recorded at the squash.
    let report = team.migrate("main.db")?;
    assert!(report.ran.is_empty());
    assert_eq!(
        report.reconciled,
        [
            "recorded `0001_authors`, `0002_author_bio`, `0003_tags` as `0003_tags`, which a squash made of them"
        ]
    );
    assert_eq!(
        team.ledger("main.db")?,
        [["Text(\"0003_tags\")", "Integer(0)"]]
    );
    assert_eq!(
        rows(
            &Connection::open(team.root.join("main.db"))?,
            "SELECT count(*) FROM author"
        )?,
        [["Integer(2)"]]
    );
    // A new database runs the squash; one inside the range is refused.
    let fresh = Connection::open_in_memory()?;
    let history = History::read(&dir)?;
    assert_eq!(
        Migrator::new(&history)
            .schema(&team.both)
            .migrate(&fresh)?
            .ran,
        ["0003_tags"]
    );
    let err = Migrator::new(&history)
        .schema(&team.both)
        .migrate(&Connection::open(&behind)?)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("applied part of the revisions squashed into `0003_tags`"),
        "{err}"
    );
    Ok(())
}

#[test]
fn a_squash_of_later_revisions_keeps_their_statements_in_order() -> TestResult {
    let team = Team::new("team-squash-later")?;
    let dir = team.dir();
    stillroom::merge(&dir, MergeOptions::default())?;
    team.migrate("a.db")?;
    let squashed = stillroom::squash(&dir, "0003_tags", Some("0002"))?;
    assert_eq!(squashed.replaces, ["0002_author_bio"]);
    let text = fs::read_to_string(&squashed.path)?;
    let bio = text.find("-- from `0002_author_bio`").ok_or("bio part")?;
    let tags = text.find("-- from `0003_tags`").ok_or("tags part")?;
    assert!(bio < tags, "{text}");
    // The database at the head is recorded at the squash; main's (at 0001)
    // runs it.
    assert!(team.migrate("a.db")?.ran.is_empty());
    assert_eq!(team.migrate("main.db")?.ran, ["0003_tags"]);
    assert!(
        stillroom::differences(&Connection::open(team.root.join("main.db"))?, &team.both)?
            .is_empty()
    );
    Ok(())
}

#[test]
fn a_second_squash_over_a_first_is_followed_by_databases_from_before_either() -> TestResult {
    let team = Team::new("team-squash-twice")?;
    let dir = team.dir();
    stillroom::merge(&dir, MergeOptions::default())?;
    // A fourth revision, so that a squash leaves something after it.
    let mut colored = tag();
    colored.columns.push(Column {
        nullable: true,
        ..Column::new("color", SqlType::Text)
    });
    let four = Schema::new([author(true), colored])?;
    stillroom::generate(&dir, &four, "tag color", GenerateOptions::default())?;
    let at_head = |db: &str| -> stillroom::Result<()> {
        Migrator::new(&History::read(&dir)?)
            .schema(&four)
            .migrate(&Connection::open(team.root.join(db))?)
            .map(|_| ())
    };
    // Every database at the head of the separate files; `one.db` at the
    // first revision only.
    for db in ["old.db", "mid.db"] {
        at_head(db)?;
        Connection::open(team.root.join(db))?
            .execute_batch("INSERT INTO author (id, name) VALUES (1, 'Ann'), (2, 'Bo')")?;
    }
    Migrator::new(&History {
        migrations: History::read(&dir)?.migrations[..1].to_vec(),
    })
    .schema(&Schema::new([author(false)])?)
    .migrate(&Connection::open(team.root.join("one.db"))?)?;

    // The first squash, which `mid.db` follows; `old.db` sleeps through it.
    stillroom::squash(&dir, "0002", None)?;
    at_head("mid.db")?;
    assert_eq!(
        team.ledger("mid.db")?
            .iter()
            .map(|r| r[0].as_str())
            .collect::<Vec<_>>(),
        [
            "Text(\"0002_author_bio\")",
            "Text(\"0003_tags\")",
            "Text(\"0004_tag_color\")"
        ]
    );

    // Each later squash folds the one before: it stands for every revision
    // that one replaced.
    let second = stillroom::squash(&dir, "0003", None)?;
    assert_eq!(second.replaces, ["0001_authors", "0002_author_bio"]);
    let third = stillroom::squash(&dir, "0004", None)?;
    assert_eq!(
        third.replaces,
        ["0001_authors", "0002_author_bio", "0003_tags"]
    );
    for db in ["old.db", "mid.db"] {
        at_head(db)?;
        assert_eq!(
            team.ledger(db)?,
            [["Text(\"0004_tag_color\")", "Integer(0)"]],
            "{db}"
        );
        assert_eq!(
            rows(
                &Connection::open(team.root.join(db))?,
                "SELECT count(*) FROM author"
            )?,
            [["Integer(2)"]]
        );
    }
    // A database inside the range is refused, told what it lacks, and
    // left as it was.
    let one = Connection::open(team.root.join("one.db"))?;
    let before = rows(&one, "SELECT revision, checksum FROM stillroom_migrations")?;
    let err = Migrator::new(&History::read(&dir)?)
        .schema(&four)
        .migrate(&one)
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(
            "up to `0001_authors`; it lacks `0002_author_bio`, `0003_tags`, `0004_tag_color`"
        ),
        "{message}"
    );
    assert_eq!(
        rows(&one, "SELECT revision, checksum FROM stillroom_migrations")?,
        before
    );
    Ok(())
}

#[test]
fn three_branches_one_with_two_revisions_merge_into_one_line() -> TestResult {
    let team = Team::new("team-three")?;
    let dir = team.dir();
    // A third branch from 0001 with two revisions: a `note` table, then a
    // column on it.
    let c = team.root.join("c");
    copy_dir(&team.root.join("main"), &c)?;
    let note = |body: bool| {
        let mut t = Table::new("note");
        t.columns.push(Column::new("id", SqlType::Integer));
        if body {
            t.columns.push(Column {
                nullable: true,
                ..Column::new("body", SqlType::Text)
            });
        }
        t.primary_key.columns.push("id".into());
        t
    };
    stillroom::generate(
        &c,
        &Schema::new([author(false), note(false)])?,
        "notes",
        GenerateOptions::default(),
    )?;
    stillroom::generate(
        &c,
        &Schema::new([author(false), note(true)])?,
        "note body",
        GenerateOptions::default(),
    )?;
    for file in ["0002_notes.sql", "0003_note_body.sql"] {
        fs::copy(c.join(file), dir.join(file))?;
    }
    let lines = stillroom::lines(stillroom::Migration::read_dir(&dir)?, &dir)?;
    assert_eq!(lines.heads().len(), 3);

    let all = Schema::new([author(true), tag(), note(true)])?;
    let merged = stillroom::merge(
        &dir,
        MergeOptions {
            first: None,
            schema: Some(&all),
        },
    )?;
    let moves: Vec<(&str, &str, &str)> = merged
        .moved
        .iter()
        .map(|m| (m.from.as_str(), m.to.as_str(), m.parent.as_str()))
        .collect();
    assert_eq!(
        moves,
        [
            ("0002_notes", "0003_notes", "0002_author_bio"),
            ("0003_note_body", "0004_note_body", "0003_notes"),
            ("0002_tags", "0005_tags", "0004_note_body"),
        ]
    );
    assert!(merged.differences.is_empty(), "{:?}", merged.differences);
    let history = History::read(&dir)?;
    assert_eq!(history.migrations.len(), 5);
    assert!(
        Migrator::new(&history)
            .schema(&all)
            .migrate(&Connection::open_in_memory()?)?
            .ran
            .len()
            == 5
    );
    Ok(())
}
