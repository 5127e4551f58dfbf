//! The SQL a migration would run, without a database (`--sql`).

use std::fmt::Write as _;

use super::{Migrator, Target};
use crate::ledger;
use crate::replay::Direction;
use crate::schema::quote_literal;
use crate::{Error, Result};

impl Migrator<'_> {
    /// The SQL that taking a database from `from` (`None`: base) to `to`
    /// runs, without a database: what `upgrade` or `downgrade` would execute,
    /// ledger statements and transaction included, for review or to run by
    /// hand.
    pub fn sql(&self, from: Option<&str>, to: &Target) -> Result<String> {
        let start = match from {
            Some(revision) => self.position_of(revision)? + 1,
            None => 0,
        };
        let end = self.resolve(to, start)?;
        let (steps, direction): (Vec<usize>, Direction) = if end >= start {
            ((start..end).collect(), Direction::Up)
        } else {
            ((end..start).rev().collect(), Direction::Down)
        };
        let fk_off = steps
            .iter()
            .any(|&i| self.history.migrations[i].foreign_keys_off);
        let mut out = format!(
            "-- stillroom: {} -> {}\n",
            from.unwrap_or("base"),
            end.checked_sub(1)
                .map_or("base", |i| self.history.migrations[i].revision.as_str())
        );
        if fk_off {
            out.push_str("PRAGMA foreign_keys = OFF;\n");
        }
        out.push_str("BEGIN IMMEDIATE;\n");
        let _ = writeln!(out, "{}", ledger::CREATE);
        for i in steps {
            let m = &self.history.migrations[i];
            let part = if direction == Direction::Up {
                Some(m.up.as_str())
            } else {
                m.down.as_deref()
            };
            let part = part.ok_or_else(|| Error::NoDownPart {
                revision: m.revision.clone(),
                path: m.path.clone(),
            })?;
            let _ = writeln!(
                out,
                "\n-- {} ({})\n{}",
                m.revision,
                if direction == Direction::Up {
                    "up"
                } else {
                    "down"
                },
                part.trim_end()
            );
            if direction == Direction::Up {
                let _ = writeln!(
                    out,
                    "{};",
                    fill(
                        ledger::RECORD,
                        &[
                            quote_literal(&m.revision),
                            m.parent.as_deref().map_or("NULL".to_owned(), quote_literal),
                            i.to_string(),
                            quote_literal(&m.checksum),
                            "0".to_owned(),
                            "'applied'".to_owned(),
                        ]
                    )
                );
            } else {
                let _ = writeln!(
                    out,
                    "DELETE FROM stillroom_migrations WHERE revision = {};",
                    quote_literal(&m.revision)
                );
            }
        }
        if fk_off {
            out.push_str("\n-- the runner fails here if PRAGMA foreign_key_check returns any row\nPRAGMA foreign_key_check;\n");
        }
        out.push_str("COMMIT;\n");
        if fk_off {
            out.push_str("PRAGMA foreign_keys = ON;\n");
        }
        Ok(out)
    }
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
}
