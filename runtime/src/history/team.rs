//! Working in a team: a history with two heads (two branches that each
//! added revisions) seen as its lines, and put into one line ([`merge`]);
//! a run of revisions folded into one ([`squash`]).
//!
//! stillroom's history is a line, so a merge needs no merge revision: one
//! branch's files are renumbered and re-parented after the other's, and a
//! database that applied them under their old names is recognised at its
//! next start by their text (see the runner's ledger reconciliation).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::autogenerate::diff::DiffOptions;
use crate::dialect::Dialect;
use crate::dialect::sqlite::scratch::InMemory;
use crate::history::{History, Migration};
use crate::schema::Schema;
use crate::verify::compare::compare_in;
use crate::{Error, Result};

/// Where [`merge`] and [`squash`] try a history before they write: a
/// scratch database of the history's dialect (SQLite in memory; a
/// PostgreSQL schema rolled back, `dialect/postgres/team.rs`).
pub(crate) trait Replayer {
    /// The dialect of the histories it replays.
    const DIALECT: Dialect;
    /// The schema `history`'s up parts make.
    fn schema(&mut self, history: &History) -> Result<Schema>;
    /// The up part that creates the schema `history` makes from nothing
    /// (with what models cannot declare, such as views, as hand-written
    /// statements), the down part that drops it, and what that down part
    /// loses.
    fn create_and_drop(&mut self, history: &History) -> Result<(String, String, Vec<String>)>;
    /// The models' schema as this dialect declares it.
    fn form(&self, models: &Schema) -> Result<Schema>;
    /// `sql`'s statements, as this dialect splits them.
    fn statements<'a>(&self, sql: &'a str) -> Vec<&'a str>;
}

/// A migrations directory's revisions as lines: the trunk, from the first
/// revision to where the history forks, and each branch after the fork.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lines {
    /// The revisions every branch builds on, first to last.
    pub trunk: Vec<Migration>,
    /// The branches after the trunk, each first to last, ordered by their
    /// first revision's name (none when the history is one line).
    pub branches: Vec<Vec<Migration>>,
}

impl Lines {
    /// The heads: the trunk's last revision, or each branch's last.
    pub fn heads(&self) -> Vec<&Migration> {
        if self.branches.is_empty() {
            self.trunk.last().into_iter().collect()
        } else {
            self.branches.iter().filter_map(|b| b.last()).collect()
        }
    }
}

/// The lines of `migrations` (a directory's files, in any order): one
/// line, or a trunk and the branches of one fork. Duplicate revisions,
/// missing parents and cycles are the history's usual errors; a history
/// that forks twice is refused (merge one fork at a time).
pub fn lines(migrations: Vec<Migration>, dir: &Path) -> Result<Lines> {
    let invalid = |message: String| Error::InvalidHistory {
        dir: dir.to_owned(),
        message,
    };
    let mut seen = BTreeSet::new();
    for m in &migrations {
        if !seen.insert(m.revision.as_str()) {
            return History::order(migrations.clone(), dir).map(|_| unreachable_lines());
        }
    }
    let mut children: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, m) in migrations.iter().enumerate() {
        if let Some(parent) = &m.parent
            && !seen.contains(parent.as_str())
        {
            return History::order(migrations.clone(), dir).map(|_| unreachable_lines());
        }
        children.entry(m.parent.as_deref()).or_default().push(i);
    }
    let follow = |from: usize| -> std::result::Result<Vec<usize>, usize> {
        let mut line = vec![from];
        loop {
            let last = &migrations[line[line.len() - 1]];
            match children
                .get(&Some(last.revision.as_str()))
                .map(Vec::as_slice)
            {
                None | Some([]) => return Ok(line),
                Some([one]) => line.push(*one),
                Some(_) => return Err(line[line.len() - 1]),
            }
        }
    };
    let roots = children.get(&None).cloned().unwrap_or_default();
    let (trunk, fork): (Vec<usize>, Vec<usize>) = match roots.as_slice() {
        [] if migrations.is_empty() => (Vec::new(), Vec::new()),
        [] => return History::order(migrations.clone(), dir).map(|_| unreachable_lines()),
        [root] => {
            // The trunk runs from the root to the first revision with
            // several children: the fork.
            let mut trunk = vec![*root];
            loop {
                let last = &migrations[trunk[trunk.len() - 1]];
                match children
                    .get(&Some(last.revision.as_str()))
                    .map(Vec::as_slice)
                {
                    Some([one]) => trunk.push(*one),
                    Some(many) if many.len() > 1 => break (trunk, many.to_vec()),
                    _ => break (trunk, Vec::new()),
                }
            }
        }
        many => (Vec::new(), many.to_vec()),
    };
    let mut branches = Vec::new();
    for start in fork {
        match follow(start) {
            Ok(line) => branches.push(line),
            Err(at) => {
                return Err(invalid(format!(
                    "the history forks more than once (again after `{}`); merge the branches one fork at a time, starting with the last",
                    migrations[at].revision
                )));
            }
        }
    }
    if trunk.len() + branches.iter().map(Vec::len).sum::<usize>() != migrations.len() {
        return History::order(migrations.clone(), dir).map(|_| unreachable_lines());
    }
    let mut slots: Vec<Option<Migration>> = migrations.into_iter().map(Some).collect();
    let mut take = |ids: Vec<usize>| -> Vec<Migration> {
        ids.into_iter().filter_map(|i| slots[i].take()).collect()
    };
    let trunk = take(trunk);
    let mut branches: Vec<Vec<Migration>> = branches.into_iter().map(&mut take).collect();
    branches.sort_by(|a, b| a[0].revision.cmp(&b[0].revision));
    Ok(Lines { trunk, branches })
}

/// The `History::order` error paths above always fail; this only satisfies
/// the type should one not.
fn unreachable_lines() -> Lines {
    Lines {
        trunk: Vec::new(),
        branches: Vec::new(),
    }
}

/// Options for [`merge`].
#[derive(Debug, Clone, Copy, Default)]
pub struct MergeOptions<'a> {
    /// The branch that keeps its revisions as they are (a revision of it,
    /// or the start of one); the others follow it. By default, the branch
    /// whose first revision's name sorts first.
    pub first: Option<&'a str>,
    /// The models: the merged history is checked to produce their schema.
    pub schema: Option<&'a Schema>,
}

/// A revision [`merge`] renamed and re-parented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// Its name before.
    pub from: String,
    /// Its name now.
    pub to: String,
    /// The revision it now follows.
    pub parent: String,
    /// Its file now.
    pub path: PathBuf,
}

/// What [`merge`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The revisions renamed and re-parented, in their new order.
    pub moved: Vec<Moved>,
    /// What a migration generated now would do, one operation each, when
    /// the merged history does not produce the models' schema (both
    /// branches changed one table, say); empty when it does, or when no
    /// models were given.
    pub differences: Vec<String>,
}

/// Puts a history with two heads into one line, in `dir`: the branches
/// after the first are renumbered after the last revision and re-parented,
/// one after the other (their files renamed, and their `-- revision:` and
/// `-- parent:` lines rewritten; nothing else in them changes). The merged
/// history is replayed first: if a moved revision fails after the other
/// branch's, nothing is written and the error names both. A database that
/// applied a moved revision under its old name follows at its next start.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stillroom::{Column, GenerateOptions, MergeOptions, Schema, SqlType, Table};
///
/// let dir = std::env::temp_dir().join(format!("stillroom-merge-doc-{}", std::process::id()));
/// let table = |name: &str| {
///     let mut t = Table::new(name);
///     t.columns.push(Column::new("id", SqlType::Integer));
///     t.primary_key.columns.push("id".into());
///     t
/// };
/// stillroom::generate(&dir, &Schema::new([table("a")])?, "a", GenerateOptions::default())?;
/// // Two branches each add a table on top of 0001_a.
/// let main = Schema::new([table("a"), table("b")])?;
/// stillroom::generate(&dir, &main, "b", GenerateOptions::default())?;
/// let b = std::fs::read_to_string(dir.join("0002_b.sql"))?;
/// std::fs::remove_file(dir.join("0002_b.sql"))?;
/// let both = Schema::new([table("a"), table("b"), table("c")])?;
/// stillroom::generate(&dir, &Schema::new([table("a"), table("c")])?, "c", GenerateOptions::default())?;
/// std::fs::write(dir.join("0002_b.sql"), b)?;
///
/// let merged = stillroom::merge(&dir, MergeOptions { schema: Some(&both), ..Default::default() })?;
/// assert_eq!((merged.moved[0].from.as_str(), merged.moved[0].to.as_str()), ("0002_c", "0003_c"));
/// assert!(merged.differences.is_empty());
/// assert_eq!(stillroom::History::read(&dir)?.migrations.len(), 3);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
pub fn merge(dir: &Path, options: MergeOptions<'_>) -> Result<Merged> {
    merge_with(&mut InMemory::default(), dir, options)
}

/// [`merge`], trying the merged history on `replayer`'s database.
pub(crate) fn merge_with<R: Replayer>(
    replayer: &mut R,
    dir: &Path,
    options: MergeOptions<'_>,
) -> Result<Merged> {
    let all = lines(Migration::read_dir(dir)?, dir)?;
    if all.branches.len() < 2 {
        return Err(Error::BadTarget {
            message: format!(
                "the migrations in {} are one line already: there is nothing to merge",
                dir.display()
            ),
        });
    }
    let mut branches = all.branches.clone();
    if let Some(first) = options.first {
        let at = branches
            .iter()
            .position(|b| {
                b.iter()
                    .any(|m| m.revision == first || m.revision.starts_with(first))
            })
            .ok_or_else(|| Error::BadTarget {
                message: format!(
                    "no branch has a revision `{first}`; the branches start with {}",
                    branches
                        .iter()
                        .map(|b| format!("`{}`", b[0].revision))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            })?;
        let keep = branches.remove(at);
        branches.insert(0, keep);
    }
    let everything: Vec<&Migration> = all.trunk.iter().chain(branches.iter().flatten()).collect();
    let width = everything
        .iter()
        .filter_map(|m| number_of(&m.revision).map(str::len))
        .max()
        .unwrap_or(4)
        .max(4);
    // The moved revisions are numbered on from the kept line's last.
    let mut next = all
        .trunk
        .iter()
        .chain(&branches[0])
        .filter_map(|m| number_of(&m.revision)?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let mut parent = branches[0]
        .last()
        .map(|m| m.revision.clone())
        .unwrap_or_default();
    let mut moved = Vec::new();
    let mut rewritten = Vec::new();
    for m in branches.iter().skip(1).flatten() {
        next = next.checked_add(1).ok_or_else(|| Error::BadTarget {
            message: "the revision numbering is exhausted; renumber the revisions by hand".into(),
        })?;
        let rest = number_of(&m.revision).map_or(format!("_{}", m.revision), |n| {
            m.revision[n.len()..].to_owned()
        });
        let to = format!("{next:0width$}{rest}");
        let path = dir.join(format!("{to}.sql"));
        let text = Migration::with_header(&m.text, &to, Some(&parent));
        let mut renamed = Migration::parse(&text, &path)?;
        renamed.checksum = crate::checksum(&text);
        moved.push(Moved {
            from: m.revision.clone(),
            to: to.clone(),
            parent: parent.clone(),
            path: path.clone(),
        });
        rewritten.push((m.path.clone(), renamed));
        parent = to;
    }
    let mut merged: Vec<Migration> = all
        .trunk
        .iter()
        .chain(branches[0].iter())
        .cloned()
        .collect();
    merged.extend(rewritten.iter().map(|(_, m)| m.clone()));
    let history = History::order(merged, dir)?;
    expect_dialect::<R>(&history, "merge")?;
    let differences = check(replayer, &history, options.schema)?;
    // Every new file first, then the old names no new file took (a moved
    // revision's new name may be another one's old name).
    for (_, m) in &rewritten {
        write_file(&m.path, &m.text)?;
    }
    for (old, _) in &rewritten {
        if !rewritten.iter().any(|(_, m)| &m.path == old) {
            fs::remove_file(old).map_err(|source| Error::Io {
                path: old.clone(),
                source,
            })?;
        }
    }
    Ok(Merged { moved, differences })
}

/// Refuses a history of another dialect than the replayer's; a PostgreSQL
/// history given to the SQLite functions says where its own are.
fn expect_dialect<R: Replayer>(history: &History, what: &str) -> Result<()> {
    match history.migrations.first() {
        Some(m) if m.dialect == Dialect::Postgres && R::DIALECT == Dialect::Sqlite => {
            Err(Error::Unsupported {
                message: format!(
                    "the migrations in {} are for PostgreSQL, and `stillroom::{what}` tries a history on SQLite: use `stillroom::postgres::{what}`, which tries it on a PostgreSQL server (on the command line, `db {what}` with `--database postgres://...`); nothing was written",
                    m.path.parent().unwrap_or(&m.path).display()
                ),
            })
        }
        _ => history.expect_dialect(R::DIALECT),
    }
}

/// Replays `history` (a merged one) and compares it with the models, if
/// given: what a migration generated now would do. A revision that fails
/// is the error, naming it.
fn check<R: Replayer>(
    replayer: &mut R,
    history: &History,
    schema: Option<&Schema>,
) -> Result<Vec<String>> {
    let replayed = replayer
        .schema(history)
        .map_err(|e| Error::BranchesConflict {
            detail: e.to_string(),
        })?;
    let Some(schema) = schema else {
        return Ok(Vec::new());
    };
    let d = crate::autogenerate::diff::diff_in(
        R::DIALECT,
        &replayed,
        &replayer.form(schema)?,
        DiffOptions::ALLOW_LOSS,
    )?;
    Ok(d.ops.iter().map(ToString::to_string).collect())
}

/// The digits a revision starts with (`0007` of `0007_author_bio`).
fn number_of(revision: &str) -> Option<&str> {
    let first = revision.split('_').next()?;
    (!first.is_empty() && first.bytes().all(|b| b.is_ascii_digit())).then_some(first)
}

/// Writes `text` to `path` through a temporary file renamed into place.
fn write_file(path: &Path, text: &str) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let partial = path.with_extension("sql.partial");
    fs::write(&partial, text).map_err(io(&partial))?;
    fs::rename(&partial, path).map_err(io(path))
}

/// What [`squash`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Squashed {
    /// The squashed revision's file (it keeps the name of the range's last
    /// revision, so the revisions after it need no change).
    pub path: PathBuf,
    /// The revisions folded into it and deleted.
    pub replaces: Vec<String>,
    /// Statements of the range that change data rather than the schema,
    /// kept in the file as comments for review (a squash from the first
    /// revision creates the schema directly, where they may or may not
    /// still matter), one line each naming its revision.
    pub flagged: Vec<String>,
}

/// Folds the revisions from `from` (default: the first) to `to` into one,
/// in `dir`. From the first revision, its up part creates the schema the
/// range ends with directly, and the range's data statements are kept as
/// comments for review; from a later revision, its parts are the range's
/// parts one after the other. The file keeps the name of the range's last
/// revision and lists the others in `-- replaces:`; the replayed history
/// must produce the same schema as before, or nothing is written. A
/// database that applied the whole range is recorded at the squashed
/// revision at its next start; one before the range runs it.
pub fn squash(dir: &Path, to: &str, from: Option<&str>) -> Result<Squashed> {
    squash_with(&mut InMemory::default(), dir, to, from)
}

/// [`squash`], trying the squashed history on `replayer`'s database.
pub(crate) fn squash_with<R: Replayer>(
    replayer: &mut R,
    dir: &Path,
    to: &str,
    from: Option<&str>,
) -> Result<Squashed> {
    let history = History::read(dir)?;
    expect_dialect::<R>(&history, "squash")?;
    let j = history.position(to)?;
    let i = match from {
        Some(from) => history.position(from)?,
        None => 0,
    };
    if i >= j {
        return Err(Error::BadTarget {
            message: format!(
                "a squash needs at least two revisions, from `{}` to `{}` in history order",
                history.migrations[i].revision, history.migrations[j].revision
            ),
        });
    }
    let range = &history.migrations[i..=j];
    let last = &history.migrations[j];
    let mut squashed = Migration {
        revision: last.revision.clone(),
        parent: history.migrations[i].parent.clone(),
        message: format!("squash of {} to {}", range[0].revision, last.revision),
        dialect: R::DIALECT,
        requires: range.iter().filter_map(|m| m.requires.clone()).max(),
        foreign_keys_off: range.iter().any(|m| m.foreign_keys_off),
        data_loss: Vec::new(),
        down_data_loss: range
            .iter()
            .flat_map(|m| m.down_data_loss.clone())
            .collect(),
        // A revision of the range that is itself a squash stands for the
        // revisions it replaced, which databases may still have by name.
        replaces: range
            .iter()
            .flat_map(|m| {
                let own = (m.revision != last.revision).then(|| m.revision.clone());
                m.replaces.iter().cloned().chain(own)
            })
            .collect(),
        up: String::new(),
        down: None,
        path: last.path.clone(),
        lines: (0, 0),
        checksum: String::new(),
        text: Default::default(),
    };
    let mut flagged = Vec::new();
    if i == 0 {
        from_scratch(replayer, &history, j, &mut squashed, &mut flagged)?;
    } else {
        squashed.up = range
            .iter()
            .map(|m| format!("-- from `{}`\n{}", m.revision, m.up.trim_end()))
            .collect::<Vec<_>>()
            .join("\n\n")
            + "\n";
        squashed.down = range
            .iter()
            .rev()
            .map(|m| {
                m.down
                    .as_ref()
                    .map(|d| format!("-- from `{}`\n{}", m.revision, d.trim_end()))
            })
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.join("\n\n") + "\n");
    }
    let text = squashed.to_text();
    let parsed = Migration::parse(&text, &squashed.path)?;
    let mut after: Vec<Migration> = history.migrations[..i].to_vec();
    after.push(Migration {
        checksum: crate::checksum(&text),
        ..parsed
    });
    after.extend(history.migrations[j + 1..].iter().cloned());
    let squashed_history = History::order(after, dir)?;
    let before = replayer.schema(&history)?;
    let now = replayer
        .schema(&squashed_history)
        .map_err(|e| Error::GeneratedMigration {
            problem: "the squashed history does not run".into(),
            details: vec![e.to_string()],
        })?;
    let differences = compare_in(R::DIALECT, &now, &before);
    if !differences.is_empty() {
        return Err(Error::GeneratedMigration {
            problem: "the squashed history does not produce the schema the history did".into(),
            details: differences
                .iter()
                .map(|d| d.describe(&crate::Against::Revision(last.revision.clone())))
                .collect(),
        });
    }
    write_file(&squashed.path, &text)?;
    for m in &range[..range.len() - 1] {
        fs::remove_file(&m.path).map_err(|source| Error::Io {
            path: m.path.clone(),
            source,
        })?;
    }
    Ok(Squashed {
        path: squashed.path,
        replaces: squashed.replaces,
        flagged,
    })
}

/// A squash from the first revision: the up part creates the schema at
/// revision `j` (tables, indexes, views, triggers), the down part drops it;
/// the range's data statements become comments, flagged.
fn from_scratch<R: Replayer>(
    replayer: &mut R,
    history: &History,
    j: usize,
    squashed: &mut Migration,
    flagged: &mut Vec<String>,
) -> Result<()> {
    let upto = History {
        migrations: history.migrations[..=j].to_vec(),
    };
    let (mut up, down, down_data_loss) = replayer.create_and_drop(&upto)?;
    let mut notes = String::new();
    for m in &history.migrations[..=j] {
        // A Rust step may seed rows a new database needs, or only move
        // rows between tables the squash creates directly: for review.
        for step in m.rust_steps(crate::Direction::Up) {
            flagged.push(format!("`{}`: Rust step `{}`", m.revision, step.name));
            notes.push_str(&format!(
                "-- from `{}`:\n-- -- rust: {}\n",
                m.revision, step.name
            ));
        }
        for statement in replayer.statements(&m.up) {
            // The first word after any comments.
            let first = crate::dialect::sqlite::sql_text::tokenize(statement)
                .first()
                .map(|t| t.source().to_ascii_uppercase())
                .unwrap_or_default();
            if matches!(
                first.as_str(),
                "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "WITH"
            ) && !is_rebuild_copy(statement)
            {
                flagged.push(format!("`{}`: {}", m.revision, one_line(statement)));
                notes.push_str(&format!("-- from `{}`:\n", m.revision));
                for line in statement.lines() {
                    notes.push_str(&format!("-- {line}\n"));
                }
            }
        }
    }
    if !notes.is_empty() {
        up.push_str("\n-- Data statements and Rust steps of the squashed revisions, for review: a new\n-- database gets none of them unless you uncomment those that still matter.\n");
        up.push_str(&notes);
    }
    squashed.up = up;
    squashed.down = Some(down);
    squashed.down_data_loss = down_data_loss;
    squashed.foreign_keys_off = false;
    Ok(())
}

/// Whether `sql` is the copy step of a generated table rebuild (`INSERT
/// INTO "_stillroom_new_t" ... SELECT ... FROM "t"`): it moves rows between
/// two forms of a table, which a squash that creates the final form
/// directly has no use for.
fn is_rebuild_copy(sql: &str) -> bool {
    matches!(
        crate::dialect::sqlite::sql_text::tokenize(sql).as_slice(),
        [insert, into, table, ..]
            if insert.source().eq_ignore_ascii_case("INSERT")
                && into.source().eq_ignore_ascii_case("INTO")
                && table.name().starts_with("_stillroom_new_")
    )
}

fn one_line(sql: &str) -> String {
    let joined: Vec<&str> = sql.split_whitespace().collect();
    let text = joined.join(" ");
    if text.chars().count() > 80 {
        format!("{}...", text.chars().take(77).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuilds_copy_is_not_a_data_statement_to_review() {
        assert!(is_rebuild_copy(
            "INSERT INTO \"_stillroom_new_job\" (\"id\") SELECT \"id\" FROM \"job\""
        ));
        assert!(is_rebuild_copy(
            "-- copy\ninsert into _stillroom_new_job_2 select * from job"
        ));
        assert!(!is_rebuild_copy("INSERT INTO \"job\" (\"id\") VALUES (1)"));
        assert!(!is_rebuild_copy("UPDATE \"_stillroom_new_job\" SET x = 1"));
    }

    #[test]
    fn a_squash_flags_hand_written_data_even_after_a_comment_and_not_a_rebuilds_copy() -> Result<()>
    {
        let first = Migration::parse(
            "-- stillroom migration\n-- revision: 0001_a\n-- parent: none\n-- message: a\n\n-- migrate:up\nCREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT);\n-- seed the defaults\nINSERT INTO t VALUES (1, 'x');\n",
            Path::new("0001_a.sql"),
        )?;
        let second = Migration::parse(
            "-- stillroom migration\n-- revision: 0002_b\n-- parent: 0001_a\n-- message: b\n-- foreign-keys: off\n\n-- migrate:up\n-- rust: seed_more\nCREATE TABLE \"_stillroom_new_t\" (id INTEGER PRIMARY KEY, x TEXT NOT NULL DEFAULT '');\nINSERT INTO \"_stillroom_new_t\" (id, x) SELECT id, coalesce(x, '') FROM t;\nDROP TABLE t;\nALTER TABLE \"_stillroom_new_t\" RENAME TO t;\n",
            Path::new("0002_b.sql"),
        )?;
        let history = History {
            migrations: vec![first, second.clone()],
        };
        let mut squashed = second;
        let mut flagged = Vec::new();
        from_scratch(
            &mut InMemory::default(),
            &history,
            1,
            &mut squashed,
            &mut flagged,
        )?;
        assert_eq!(
            flagged,
            [
                "`0001_a`: INSERT INTO t VALUES (1, 'x')",
                "`0002_b`: Rust step `seed_more`"
            ]
        );
        assert!(
            squashed.up.contains("-- -- rust: seed_more\n"),
            "{}",
            squashed.up
        );
        assert!(squashed.rust_steps(crate::Direction::Up).is_empty());
        assert!(
            squashed.up.contains("-- INSERT INTO t VALUES (1, 'x')"),
            "{}",
            squashed.up
        );
        assert!(!squashed.up.contains("_stillroom_new_t"), "{}", squashed.up);
        Ok(())
    }
}
