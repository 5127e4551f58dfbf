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
                    ledger::RECORD
                        .replace("?1", &quote_literal(&m.revision))
                        .replace(
                            "?2",
                            &m.parent.as_deref().map_or("NULL".to_owned(), quote_literal)
                        )
                        .replace("?3", &i.to_string())
                        .replace("?4", &quote_literal(&m.checksum))
                        .replace("?5", "0")
                        .replace("?6", "'applied'")
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
