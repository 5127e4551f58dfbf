//! The SQL a migration would run, without a database (`--sql`), as a script
//! for the stock `sqlite3` shell that is as safe as the runner: it stops at
//! the first error (`.bail on`), and each check the runner makes (the
//! ledger's revision, `foreign_key_check`) aborts it instead of printing. An
//! aborted script leaves its transaction uncommitted, so the shell rolls it
//! back when it exits: the database is unchanged.

use std::fmt::Write as _;

use super::ledger;
use crate::apply::{Adoption, Migrator, Target};
use crate::history::Migration;
use crate::history::replay::Direction;
use crate::schema::{quote_ident, quote_literal};
use crate::{Error, Result};

/// A script under construction.
struct Script {
    out: String,
    foreign_keys_off: bool,
    checks: usize,
}

impl Script {
    /// The script's opening: what it is, `.bail on`, foreign keys off when
    /// a step needs it, the transaction, and the ledger's tables.
    fn new(title: &str, foreign_keys_off: bool) -> Self {
        let mut out = format!(
            "-- stillroom: {title}\n-- For the sqlite3 shell: sqlite3 app.db < this.sql\n-- It stops at the first error; the transaction is then rolled back.\n.bail on\n"
        );
        if foreign_keys_off {
            out.push_str("PRAGMA foreign_keys = OFF;\n");
        }
        out.push_str("BEGIN IMMEDIATE;\n");
        let _ = writeln!(out, "{}", ledger::CREATE);
        Self {
            out,
            foreign_keys_off,
            checks: 0,
        }
    }

    /// A check that aborts the script, saying `message`, unless `condition`
    /// (an SQL expression) is true: a CHECK constraint named by the message
    /// on a temporary table, so SQLite's error is the message itself.
    fn require(&mut self, condition: &str, message: &str) {
        self.checks += 1;
        let table = quote_ident(&format!("stillroom_check_{}", self.checks));
        let _ = writeln!(
            self.out,
            "CREATE TEMP TABLE {table} (ok INTEGER CONSTRAINT {} CHECK (ok));\nINSERT INTO {table} SELECT ({condition});\nDROP TABLE temp.{table};",
            quote_ident(&format!("stillroom: {message}"))
        );
    }

    /// The ledger must hold `count` revisions, the last of them `last`.
    fn require_ledger(&mut self, count: usize, last: Option<&str>) {
        let (condition, state) = match last {
            Some(revision) => (
                format!(
                    "(SELECT count(*) FROM stillroom_migrations) = {count} AND (SELECT revision FROM stillroom_migrations ORDER BY position DESC LIMIT 1) IS {}",
                    quote_literal(revision)
                ),
                format!("at revision {revision}"),
            ),
            None => (
                "(SELECT count(*) FROM stillroom_migrations) = 0".to_owned(),
                "at base (no revision applied)".to_owned(),
            ),
        };
        self.require(
            &condition,
            &format!(
                "the database is not {state}, which this script starts from; nothing was changed"
            ),
        );
    }

    /// A part of the script, under a comment naming it.
    fn part(&mut self, label: &str, sql: &str) {
        let _ = writeln!(self.out, "\n-- {label}\n{}", sql.trim_end());
    }

    fn record(&mut self, position: usize, m: &Migration, how: &str) {
        let values = [
            quote_literal(&m.revision),
            m.parent.as_deref().map_or("NULL".to_owned(), quote_literal),
            position.to_string(),
            quote_literal(&m.checksum),
            "0".to_owned(),
            quote_literal(how),
        ];
        let _ = writeln!(self.out, "{};", fill(ledger::RECORD, &values));
    }

    /// The closing: the foreign key check (aborting), then the commit.
    fn finish(mut self) -> String {
        if self.foreign_keys_off {
            self.require(
                "NOT EXISTS (SELECT 1 FROM pragma_foreign_key_check)",
                "rows would reference rows that do not exist (run PRAGMA foreign_key_check to list them); nothing was changed",
            );
        }
        self.out.push_str("COMMIT;\n");
        if self.foreign_keys_off {
            self.out.push_str("PRAGMA foreign_keys = ON;\n");
        }
        self.out
    }
}

impl Migrator<'_> {
    /// The SQL that taking a database from `from` (`None`: base) to `to`
    /// runs, without a database: what `upgrade` or `downgrade` would execute,
    /// ledger statements and transaction included, as a script for the
    /// `sqlite3` shell that aborts (changing nothing) on the first error, if
    /// the database is not at `from`, or if foreign keys would break.
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-sql-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::{Migrator, Target};
    ///
    /// // `db upgrade --sql`: the script for a new database, for a DBA to run.
    /// let script = Migrator::new(&history).sql(None, &Target::Head)?;
    /// assert!(script.starts_with("-- stillroom: base -> 0001_initial\n"));
    /// assert!(script.contains("CREATE TABLE \"note\""));
    /// assert!(script.ends_with("COMMIT;\n"));
    ///
    /// // `db downgrade --sql base`, from the head:
    /// let back = Migrator::new(&history).sql(Some("0001_initial"), &Target::Base)?;
    /// assert!(back.contains("DROP TABLE \"note\""));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn sql(&self, from: Option<&str>, to: &Target) -> Result<String> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        let start = match from {
            Some(revision) => self.position_of(revision)? + 1,
            None => 0,
        };
        // The script checks the ledger for the full id, not a prefix of it.
        let from = start
            .checked_sub(1)
            .map(|i| self.history.migrations[i].revision.as_str());
        let end = self.resolve(to, start)?;
        let (steps, direction): (Vec<usize>, Direction) = if end >= start {
            ((start..end).collect(), Direction::Up)
        } else {
            ((end..start).rev().collect(), Direction::Down)
        };
        let migrations = &self.history.migrations;
        let fk_off = steps.iter().any(|&i| migrations[i].foreign_keys_off);
        let title = format!(
            "{} -> {}",
            from.unwrap_or("base"),
            end.checked_sub(1)
                .map_or("base", |i| migrations[i].revision.as_str())
        );
        // A Rust step runs only in a program: no script can hold it.
        if let Some((m, step)) = steps.iter().find_map(|&i| {
            let m = &migrations[i];
            Some((m, m.rust_steps(direction).first()?.name))
        }) {
            return Err(Error::OfflineStep {
                revision: m.revision.clone(),
                step: step.to_owned(),
            });
        }
        let mut script = Script::new(&title, fk_off);
        script.require_ledger(start, from);
        for i in steps {
            let m = &migrations[i];
            if direction == Direction::Up {
                script.part(&format!("{} (up)", m.revision), &m.up);
                script.record(i, m, "applied");
            } else {
                let down = m.down.as_deref().ok_or_else(|| Error::NoDownPart {
                    revision: m.revision.clone(),
                    path: m.path.clone(),
                })?;
                let losses: String = m
                    .down_data_loss
                    .iter()
                    .map(|loss| format!("-- loses: {loss}\n"))
                    .collect();
                script.part(
                    &format!("{} (down)", m.revision),
                    &format!("{losses}{down}"),
                );
                let _ = writeln!(
                    script.out,
                    "DELETE FROM stillroom_migrations WHERE revision = {};",
                    quote_literal(&m.revision)
                );
            }
        }
        Ok(script.finish())
    }
}

/// The script that carries out `adoption` by hand: the conversion and the
/// ledger's rows, aborting (changing nothing) if the database already has a
/// ledger, on the first error, or if foreign keys would break.
pub(crate) fn adoption_sql(adoption: &Adoption, migrations: &[Migration]) -> String {
    let against = crate::Against::Revision(adoption.revision.clone());
    let mut script = Script::new(
        &format!("adopt the existing database at {}", adoption.revision),
        adoption.foreign_keys_off,
    );
    script.require_ledger(0, None);
    let mut notes = String::new();
    for d in &adoption.differences {
        let _ = writeln!(notes, "-- converts: {}", d.describe(&against));
    }
    for part in &adoption.not_compared {
        let _ = writeln!(notes, "-- not compared (kept as it is): {part}");
    }
    if adoption.converts() {
        script.part(
            &format!("conversion to the schema of {}", adoption.revision),
            &format!("{notes}{}", adoption.sql),
        );
    } else {
        script.part(
            &format!(
                "the database is the schema of {} exactly",
                adoption.revision
            ),
            &notes,
        );
    }
    for (i, m) in migrations[..adoption.position].iter().enumerate() {
        script.record(i, m, "adopted");
    }
    script.finish()
}

/// `sql` with each `?N` replaced by `values[N - 1]`, in one pass (so a value
/// that itself contains `?2` is left alone).
fn fill(sql: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(sql.len() + 64);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        let digit = chars
            .peek()
            .and_then(|d| d.to_digit(10))
            .and_then(|d| usize::try_from(d).ok());
        match (c, digit) {
            ('?', Some(n)) if (1..=values.len()).contains(&n) => {
                chars.next();
                out.push_str(&values[n - 1]);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fill_does_not_rescan_values() {
        let values = ["'a?2'".to_owned(), "NULL".to_owned()];
        assert_eq!(
            super::fill("VALUES (?1, ?2)", &values),
            "VALUES ('a?2', NULL)"
        );
    }

    #[test]
    fn a_prefix_of_the_starting_revision_is_resolved() -> crate::Result<()> {
        let text = "-- stillroom migration\n-- revision: 0001_initial\n-- parent: none\n\n-- migrate:up\nCREATE TABLE t (x);\n\n-- migrate:down\nDROP TABLE t;\n";
        let m = crate::Migration::parse(text, std::path::Path::new("0001_initial.sql"))?;
        let history = crate::History {
            migrations: vec![m],
        };
        let script = super::Migrator::new(&history).sql(Some("0001"), &super::Target::Base)?;
        assert!(
            script.starts_with("-- stillroom: 0001_initial -> base\n"),
            "{script}"
        );
        assert!(script.contains("IS '0001_initial'"), "{script}");
        Ok(())
    }
}
