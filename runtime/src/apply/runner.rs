//! The runner every database shares: what an upgrade, a downgrade, a
//! stamp, an adoption and a status do, over a [`Backend`] (one database
//! inside its migrating transaction; see `dialect/backend.rs`).
//!
//! Each pass runs inside the transaction its dialect's `Migrator` opened,
//! and returns [`Pass::Done`] with whether it wrote (commit) or not (roll
//! back), or, on SQLite, [`Pass::NeedForeignKeysOff`] before running
//! anything: the transaction is started again with foreign keys off.

use std::time::Duration;

use super::{Adoption, Event, Migrator, Report, Status, Target};
use crate::dialect::backend::Backend;
use crate::history::Migration;
use crate::history::replay::Direction;
use crate::verify::Verification;
use crate::verify::compare::Difference;
use crate::{Error, Result};

/// What one pass decided.
pub(crate) enum Pass<T> {
    /// Done: commit (or roll back when nothing was written) and return.
    Done { value: T, wrote: bool },
    /// A pending migration rebuilds a table: start again with foreign keys off.
    NeedForeignKeysOff,
}

/// Applies the revisions up to `target`: follows a ledger whose revisions
/// were renamed, squashed or merged below, adopts a database made before
/// stillroom, runs what is pending, and at head verifies.
pub(crate) fn upgrade(
    migrator: &Migrator<'_>,
    db: &mut impl Backend,
    target: &Target,
    fk_off: bool,
) -> Result<Pass<Report>> {
    if let Target::Relative(k @ ..0) = target {
        return Err(Error::BadTarget {
            message: format!("`{k}` goes back: use `downgrade {k}`"),
        });
    }
    let history = &migrator.history.migrations;
    let mut applied = db.ledger_read()?;
    let mut report = Report::default();
    let mut wrote = false;
    let mut checks_foreign_keys = fk_off;
    if let Err(e) = migrator.check_ledger(&applied) {
        // Revisions renamed or renumbered by `db merge`, folded by `db
        // squash`, or put below ones this database ran first.
        let Some(plan) = migrator
            .reconcile(&applied)?
            .filter(|p| p.changes_anything())
        else {
            return Err(e);
        };
        let holes: Vec<(&Migration, Direction)> = plan
            .holes
            .iter()
            .map(|&p| (&history[p], Direction::Up))
            .collect();
        if let Some(restart) = prepare(db, &holes, fk_off)? {
            return Ok(restart);
        }
        checks_foreign_keys |= holes.iter().any(|(m, _)| m.foreign_keys_off);
        follow(migrator, db, &plan, &mut report)?;
        applied = db.ledger_read()?;
        migrator.check_ledger(&applied)?;
        wrote = true;
    }
    if applied.is_empty() && !history.is_empty() && db.has_user_tables()? {
        if !migrator.adopts_on_start() {
            return Err(Error::NotAdopted);
        }
        let Some(adoption) = adopt_in(db, migrator, fk_off)? else {
            return Ok(Pass::NeedForeignKeysOff);
        };
        checks_foreign_keys |= adoption.foreign_keys_off;
        report.adopted = Some(adoption);
        applied = db.ledger_read()?;
        wrote = true;
    }
    let current = applied.len();
    let end = migrator.resolve(target, current)?;
    if end < current {
        return Err(Error::BadTarget {
            message: format!(
                "{target} is behind the database's revision; use downgrade to go back"
            ),
        });
    }
    let pending = &history[current..end];
    let runs: Vec<(&Migration, Direction)> = pending.iter().map(|m| (m, Direction::Up)).collect();
    if let Some(restart) = prepare(db, &runs, fk_off)? {
        return Ok(restart);
    }
    // Off before we came (the caller's connection) counts too: a rebuild
    // ran without enforcement either way.
    checks_foreign_keys |= pending.iter().any(|m| m.foreign_keys_off);
    if !pending.is_empty() {
        db.ledger_create()?;
        wrote = true;
    }
    for (offset, m) in pending.iter().enumerate() {
        let ms = millis(run(migrator, db, m, Direction::Up)?);
        db.ledger_record(current + offset, m, ms, "applied")?;
        tracing::info!(revision = %m.revision, ms, "applied migration");
        report.ran.push(m.revision.clone());
    }
    if checks_foreign_keys {
        no_violations(db)?;
    }
    if end == history.len() {
        let (compared, settled) = db.settle_at_head(wrote)?;
        report.compared = compared;
        wrote |= settled;
    }
    report.current = revision_before(migrator, end);
    if report.ran.is_empty() && report.adopted.is_none() {
        tracing::debug!(revision = ?report.current, "database up to date");
    }
    Ok(Pass::Done {
        value: report,
        wrote,
    })
}

/// Runs the `down` parts from the database's revision back to `target`
/// (exclusive), newest first, refusing one that loses data unless allowed.
pub(crate) fn downgrade(
    migrator: &Migrator<'_>,
    db: &mut impl Backend,
    target: &Target,
    fk_off: bool,
) -> Result<Pass<Report>> {
    if let Target::Relative(k @ 1..) = target {
        return Err(Error::BadTarget {
            message: format!("`{k:+}` goes forward: use `upgrade {k:+}`"),
        });
    }
    let applied = db.ledger_read()?;
    if let Err(e) = migrator.check_ledger(&applied) {
        if migrator
            .reconcile(&applied)?
            .is_some_and(|p| p.changes_anything())
        {
            return Err(Error::LedgerMismatch {
                message: "the ledger names revisions that were renamed, renumbered or squashed since they ran, or lacks ones a merge put before them: run `upgrade` (or start the application) first, which brings the ledger in line, then downgrade (nothing was changed)".to_owned(),
            });
        }
        return Err(e);
    }
    let current = applied.len();
    let end = migrator.resolve(target, current)?;
    if end > current {
        return Err(Error::BadTarget {
            message: format!("{target} is ahead of the database's revision; use upgrade"),
        });
    }
    let steps = &migrator.history.migrations[end..current];
    migrator.check_down_losses(steps)?;
    let runs: Vec<(&Migration, Direction)> = steps.iter().map(|m| (m, Direction::Down)).collect();
    if let Some(restart) = prepare(db, &runs, fk_off)? {
        return Ok(restart);
    }
    let mut report = Report::default();
    for m in steps.iter().rev() {
        let elapsed = run(migrator, db, m, Direction::Down)?;
        tracing::info!(revision = %m.revision, ms = elapsed.as_millis(), "reverted migration");
        report.ran.push(m.revision.clone());
    }
    if fk_off {
        no_violations(db)?;
    }
    db.ledger_truncate(end)?;
    report.current = revision_before(migrator, end);
    Ok(Pass::Done {
        value: report,
        wrote: !steps.is_empty(),
    })
}

/// Records `target` as the database's revision without running anything:
/// the ledger then lists exactly the revisions up to it (those it did not
/// record already, with the same text, as `stamped`).
pub(crate) fn stamp(
    migrator: &Migrator<'_>,
    db: &mut impl Backend,
    target: &Target,
) -> Result<Pass<Report>> {
    let history = &migrator.history.migrations;
    db.ledger_create()?;
    let applied = db.ledger_read()?;
    let position = migrator.resolve(target, applied.len().min(history.len()))?;
    db.ledger_truncate(0)?;
    for (i, m) in history[..position].iter().enumerate() {
        let kept = applied
            .iter()
            .find(|a| a.revision == m.revision && a.checksum == m.checksum);
        db.ledger_record(
            i,
            m,
            kept.map_or(0, |a| a.duration_ms),
            kept.map_or("stamped", |a| a.how.as_str()),
        )?;
    }
    Ok(Pass::Done {
        value: Report {
            current: revision_before(migrator, position),
            ..Report::default()
        },
        wrote: true,
    })
}

/// The ledger takes the current checksum of `revision` (an applied
/// migration edited after it ran, the edit reviewed); nothing runs.
pub(crate) fn accept_edited(
    migrator: &Migrator<'_>,
    db: &mut impl Backend,
    revision: &str,
) -> Result<Pass<()>> {
    let m = &migrator.history.migrations[migrator.history.position(revision)?];
    if db.ledger_exists()? && db.ledger_accept_checksum(&m.revision, &m.checksum)? {
        tracing::info!(revision = %m.revision, checksum = %m.checksum, "accepted the edited migration");
        Ok(Pass::Done {
            value: (),
            wrote: true,
        })
    } else {
        Err(Error::BadTarget {
            message: format!(
                "revision `{revision}` is not applied to this database, so there is nothing to accept"
            ),
        })
    }
}

/// Adopts a database made before stillroom (tables, no ledger) at the
/// revision whose schema it has, converting it first when it differs only
/// in declaration; runs nothing else.
pub(crate) fn adopt(
    migrator: &Migrator<'_>,
    db: &mut impl Backend,
    fk_off: bool,
) -> Result<Pass<Report>> {
    adoptable(migrator, db)?;
    let Some(adoption) = adopt_in(db, migrator, fk_off)? else {
        return Ok(Pass::NeedForeignKeysOff);
    };
    if adoption.foreign_keys_off {
        no_violations(db)?;
    }
    Ok(Pass::Done {
        value: Report {
            current: Some(adoption.revision.clone()),
            adopted: Some(adoption),
            ..Report::default()
        },
        wrote: true,
    })
}

/// How the database would be adopted; changes nothing (the caller rolls
/// back).
pub(crate) fn adoption_plan(migrator: &Migrator<'_>, db: &mut impl Backend) -> Result<Adoption> {
    adoptable(migrator, db)?;
    db.adoption_plan()
}

/// A database to adopt has tables, no ledger, and a history to adopt it at.
fn adoptable(migrator: &Migrator<'_>, db: &mut impl Backend) -> Result<()> {
    if db.ledger_exists()? {
        return Err(Error::AlreadyAdopted);
    }
    if migrator.history.migrations.is_empty() || !db.has_user_tables()? {
        return Err(Error::NothingToAdopt);
    }
    Ok(())
}

/// Converts and records an adoption. `None`: the conversion needs foreign
/// keys off, which they are not (start again).
fn adopt_in(
    db: &mut impl Backend,
    migrator: &Migrator<'_>,
    fk_off: bool,
) -> Result<Option<Adoption>> {
    let adoption = db.adoption_plan()?;
    if adoption.foreign_keys_off && db.restart_with_foreign_keys_off(fk_off)? {
        return Ok(None);
    }
    db.convert(&adoption)?;
    db.ledger_create()?;
    for (i, m) in migrator.history.migrations[..adoption.position]
        .iter()
        .enumerate()
    {
        db.ledger_record(i, m, 0, "adopted")?;
    }
    for line in crate::verify::compare::summary(&adoption.differences) {
        tracing::info!(revision = %adoption.revision, "converted {line}");
    }
    tracing::info!(
        revision = %adoption.revision,
        converted = adoption.differences.len(),
        "adopted a database made before stillroom"
    );
    Ok(Some(adoption))
}

/// Brings the ledger in line with the history (renamed revisions,
/// squashes), running the revisions a merge ordered before ones the
/// database applied first; says what it did in the report and the log.
fn follow(
    migrator: &Migrator<'_>,
    db: &mut impl Backend,
    plan: &super::reconcile::Plan,
    report: &mut Report,
) -> Result<()> {
    let history = &migrator.history.migrations;
    report.reconciled = plan.describe(history);
    db.ledger_truncate(0)?;
    for (p, was) in plan.records()? {
        db.ledger_rerecord(p, &history[p], &was)?;
    }
    for &p in &plan.holes {
        let m = &history[p];
        let ms = millis(run(migrator, db, m, Direction::Up)?);
        db.ledger_record(p, m, ms, "applied")?;
        report.ran.push(m.revision.clone());
    }
    for line in &report.reconciled {
        tracing::info!("ledger: {line}");
    }
    Ok(())
}

/// Where the database is, what is pending, and (at head) how it differs
/// from the models. Reads only.
pub(crate) fn status(migrator: &Migrator<'_>, db: &mut impl Backend) -> Result<Status> {
    let history = &migrator.history.migrations;
    let applied = db.ledger_read()?;
    let problem = migrator.check_ledger(&applied).err().map(|e| e.to_string());
    let pending = if problem.is_some() {
        Vec::new()
    } else {
        migrator.revisions(applied.len().min(history.len())..history.len())
    };
    let differences = if problem.is_none() && pending.is_empty() {
        Some(db.differences(migrator.models()?)?)
    } else {
        None
    };
    Ok(Status {
        current: applied.last().map(|a| a.revision.clone()),
        head: history.last().map(|m| m.revision.clone()),
        pending,
        applied,
        problem,
        differences,
    })
}

/// Compares the live schema with the models now (see
/// [`Migrator::check_schema`]); a database with revisions pending is
/// [`Error::Behind`].
pub(crate) fn check_schema(
    migrator: &Migrator<'_>,
    db: &mut impl Backend,
) -> Result<Vec<Difference>> {
    let history = &migrator.history.migrations;
    let applied = db.ledger_read()?;
    if migrator.check_ledger(&applied).is_ok() && applied.len() < history.len() {
        return Err(Error::Behind {
            current: applied.last().map(|a| a.revision.clone()),
            pending: migrator.revisions(applied.len()..history.len()),
        });
    }
    let verification = match migrator.verification {
        Verification::Off => Verification::default(),
        other => other,
    };
    let models = migrator.models()?;
    crate::verify::judge(db.differences(models)?, models, verification)
}

/// Refuses parts the database cannot run, before anything runs; `Some`
/// when the transaction must start again with foreign keys off first.
fn prepare<T>(
    db: &mut impl Backend,
    parts: &[(&Migration, Direction)],
    fk_off: bool,
) -> Result<Option<Pass<T>>> {
    db.check_parts(parts)?;
    if parts.iter().any(|(m, _)| m.foreign_keys_off) && db.restart_with_foreign_keys_off(fk_off)? {
        return Ok(Some(Pass::NeedForeignKeysOff));
    }
    Ok(None)
}

/// Runs one part of `m`, telling the progress callback and `tracing` how
/// it goes.
fn run(
    migrator: &Migrator<'_>,
    db: &mut impl Backend,
    m: &Migration,
    direction: Direction,
) -> Result<Duration> {
    let _span = tracing::info_span!(
        "revision",
        revision = %m.revision,
        part = if direction == Direction::Up { "up" } else { "down" }
    )
    .entered();
    migrator.tell(Event::Starting {
        migration: m,
        direction,
    });
    let elapsed = db.run(m, direction)?;
    migrator.tell(Event::Finished {
        migration: m,
        direction,
        elapsed,
    });
    Ok(elapsed)
}

fn no_violations(db: &mut impl Backend) -> Result<()> {
    let violations = db.foreign_key_violations()?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::ForeignKeyViolations { violations })
    }
}

fn millis(elapsed: Duration) -> i64 {
    i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
}

/// The revision at `end` (the number applied), or `None` at base.
fn revision_before(migrator: &Migrator<'_>, end: usize) -> Option<String> {
    end.checked_sub(1)
        .map(|i| migrator.history.migrations[i].revision.clone())
}
