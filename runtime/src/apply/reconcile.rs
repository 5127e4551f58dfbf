//! A ledger that names revisions the history now calls otherwise, brought
//! in line inside the migrating transaction:
//!
//! - a revision renamed or renumbered after the database applied it (a
//!   merge of two branches puts one after the other): recognised by its
//!   text, which under the old name and parent has the checksum the ledger
//!   recorded; its row takes the new name;
//! - revisions a squash folded into one: their rows become the squashed
//!   revision's;
//! - revisions ordered before one the database already applied (the other
//!   branch's, after a merge): they run now, then the ledger follows the
//!   history's order.
//!
//! Anything else (an unknown revision, an edited file, two applied
//! revisions in the other order) is left to the ledger check's errors.

use std::collections::{BTreeMap, BTreeSet};

use super::Migrator;
use crate::apply::ledger::Applied;
use crate::history::Migration;
use crate::{Error, Result};

/// How a ledger row maps onto the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// The same revision.
    Same,
    /// The same text under another name or parent.
    Renamed,
    /// A revision a squash replaced, or the old form of the squash's own.
    Squashed,
}

/// What the ledger needs to follow the history.
#[derive(Debug)]
pub(crate) struct Plan {
    /// Each history position the database has, with the ledger rows that
    /// stand for it (several for a squash) and how they were found.
    rows: BTreeMap<usize, (Vec<Applied>, Found)>,
    /// Positions the database lacks below ones it has: to run now.
    pub(crate) holes: Vec<usize>,
}

impl Plan {
    /// What changed, one sentence each, for the report and the log.
    pub(crate) fn describe(&self, history: &[Migration]) -> Vec<String> {
        let mut out = Vec::new();
        for (&p, (rows, found)) in &self.rows {
            let now = &history[p].revision;
            match found {
                Found::Same => {}
                Found::Renamed => out.push(format!(
                    "recorded `{}` under its new name `{now}` (same text, renamed or renumbered)",
                    rows[0].revision
                )),
                Found::Squashed => out.push(format!(
                    "recorded {} as `{now}`, which a squash made of them",
                    rows.iter()
                        .map(|a| format!("`{}`", a.revision))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        let after = self.rows.keys().next_back().map(|&p| &history[p].revision);
        for &p in &self.holes {
            if let Some(after) = after {
                out.push(format!(
                    "applied `{}` out of order: the merged history puts it before `{after}`, which this database ran first (branches merged)",
                    history[p].revision
                ));
            }
        }
        out
    }

    /// Whether the plan changes the ledger at all.
    pub(crate) fn changes_anything(&self) -> bool {
        !self.holes.is_empty() || self.rows.values().any(|(_, f)| *f != Found::Same)
    }

    /// The ledger rows after the rewrite: each history position the
    /// database has, with when and how it was applied (a squash's: its
    /// last row's, with the durations summed).
    pub(crate) fn records(&self) -> Result<Vec<(usize, Applied)>> {
        self.rows
            .iter()
            .map(|(&p, (rows, _))| {
                let mut was = rows.last().cloned().ok_or_else(|| Error::BadTarget {
                    message: "internal: a reconciled position without a ledger row".into(),
                })?;
                was.duration_ms = rows.iter().map(|a| a.duration_ms).sum();
                Ok((p, was))
            })
            .collect()
    }
}

impl Migrator<'_> {
    /// How the ledger maps onto the history when it is not simply its first
    /// revisions; `Ok(None)` when it cannot (then the ledger check's error
    /// stands). Errors say exactly what no reconciliation can fix: a squash
    /// the database is inside of, applied revisions in another order.
    pub(crate) fn reconcile(&self, applied: &[Applied]) -> Result<Option<Plan>> {
        let history = &self.history.migrations;
        let by_name: BTreeMap<&str, usize> = history
            .iter()
            .enumerate()
            .map(|(i, m)| (m.revision.as_str(), i))
            .collect();
        let replaced_by: BTreeMap<&str, usize> = history
            .iter()
            .enumerate()
            .flat_map(|(i, m)| m.replaces.iter().map(move |r| (r.as_str(), i)))
            .collect();
        let named: BTreeSet<usize> = applied
            .iter()
            .filter_map(|a| by_name.get(a.revision.as_str()).copied())
            .collect();
        let mut rows: BTreeMap<usize, (Vec<Applied>, Found)> = BTreeMap::new();
        let mut order: Vec<usize> = Vec::new();
        for a in applied {
            let (p, found) = match by_name.get(a.revision.as_str()) {
                Some(&p) if !history[p].replaces.is_empty() => (p, Found::Squashed),
                Some(&p) if history[p].checksum == a.checksum => (p, Found::Same),
                // An edited file: the ledger check says so.
                Some(_) => return Ok(None),
                None => match replaced_by.get(a.revision.as_str()) {
                    Some(&p) => (p, Found::Squashed),
                    None => match renamed(history, &named, &rows, a) {
                        Some(p) => (p, Found::Renamed),
                        None => return Ok(None),
                    },
                },
            };
            if order.last() != Some(&p) {
                order.push(p);
            }
            rows.entry(p)
                .or_insert_with(|| (Vec::new(), found))
                .0
                .push(a.clone());
        }
        self.whole_squashes(&rows)?;
        self.in_order(&order)?;
        let top = order.iter().copied().max().unwrap_or(0);
        let holes = (0..top).filter(|p| !rows.contains_key(p)).collect();
        Ok(Some(Plan { rows, holes }))
    }

    /// A squashed revision stands for all of its range or none of it. The
    /// range is in history order and a database applies in order, so it has
    /// all of it when it has the range's last revision (the squash's own
    /// name); the rows it has of the range's start may be fewer when an
    /// earlier squash already folded them under one name.
    fn whole_squashes(&self, rows: &BTreeMap<usize, (Vec<Applied>, Found)>) -> Result<()> {
        for (&p, (got, found)) in rows {
            if *found != Found::Squashed {
                continue;
            }
            let m = &self.history.migrations[p];
            let range: Vec<&str> = m
                .replaces
                .iter()
                .map(String::as_str)
                .chain([m.revision.as_str()])
                .collect();
            let have: BTreeSet<&str> = got.iter().map(|a| a.revision.as_str()).collect();
            let reached = range.iter().rposition(|r| have.contains(r));
            let missing: Vec<&str> = range[reached.map_or(0, |i| i + 1)..].to_vec();
            if !missing.is_empty() {
                return Err(Error::LedgerMismatch {
                    message: format!(
                        "this database applied part of the revisions squashed into `{}` (up to `{}`; it lacks {}), so it cannot be recorded at the squash, and the squash cannot run on it (nothing was changed). Bring it to `{}` with a build that still has the separate files, then start this one; or keep those files until every database has passed them",
                        m.revision,
                        reached.map_or("", |i| range[i]),
                        missing
                            .iter()
                            .map(|r| format!("`{r}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        m.revision
                    ),
                });
            }
        }
        Ok(())
    }

    /// The revisions a database applied must keep the history's order.
    fn in_order(&self, order: &[usize]) -> Result<()> {
        let history = &self.history.migrations;
        for pair in order.windows(2) {
            if let [earlier, later] = pair
                && later < earlier
            {
                let (first, second) = (&history[*earlier].revision, &history[*later].revision);
                return Err(Error::LedgerMismatch {
                    message: format!(
                        "this database applied `{first}` before `{second}`, and the migrations now put `{second}` first: their order changed after both ran (nothing was changed). If the two touch different tables, record the new order with `stamp {}` and start again; if not, restore the order the files had, and order new branches after it with `db merge`",
                        history[(*earlier).max(*later)].revision
                    ),
                });
            }
        }
        Ok(())
    }
}

/// The history position, not named by any ledger row nor already taken,
/// whose text under the ledger row's name and parent has the checksum the
/// ledger recorded: the same file, renamed or renumbered.
fn renamed(
    history: &[Migration],
    named: &BTreeSet<usize>,
    taken: &BTreeMap<usize, (Vec<Applied>, Found)>,
    a: &Applied,
) -> Option<usize> {
    (0..history.len())
        .filter(|p| !named.contains(p) && !taken.contains_key(p))
        .find(|&p| crate::checksum(&as_named(&history[p].text, a)) == a.checksum)
}

/// `text` under the ledger row's name and parent.
fn as_named(text: &str, a: &Applied) -> String {
    Migration::with_header(text, &a.revision, a.parent.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_named_rewrites_only_the_two_header_values() {
        let a = Applied {
            revision: "0004_b".into(),
            parent: Some("0003_a".into()),
            checksum: String::new(),
            applied_at: String::new(),
            duration_ms: 0,
            how: "applied".into(),
        };
        let text = "-- stillroom migration\r\n-- revision:  0005_b\n-- parent: 0004_c\n-- message: b\n\n-- migrate:up\n-- revision: in the SQL\nSELECT 1;\n";
        assert_eq!(
            as_named(text, &a),
            "-- stillroom migration\r\n-- revision:  0004_b\n-- parent: 0003_a\n-- message: b\n\n-- migrate:up\n-- revision: in the SQL\nSELECT 1;\n"
        );
    }
}
