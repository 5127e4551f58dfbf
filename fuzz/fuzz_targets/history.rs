//! A history of several fuzzed files: ordering, positions, and the next
//! revision's number.
//!
//! The input is `message\0file\0file...`: the first part is the message
//! given to `next_revision`, each other part a migration file's text. The
//! files that parse become a directory's migrations, named after their
//! revisions and sorted by name, as `History::read` finds them.

#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use stillroom::{Error, History, Migration, checksum};

const DIR: &str = "migrations";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let message = parts.next().unwrap_or_default();
    let mut migrations: Vec<Migration> = parts
        .take(32)
        .filter_map(|part| {
            let mut m = Migration::parse(part, Path::new("")).ok()?;
            m.path = Path::new(DIR).join(format!("{}.sql", m.revision));
            m.checksum = checksum(part);
            Some(m)
        })
        .collect();
    migrations.sort_by(|a, b| a.path.cmp(&b.path));
    // As read, before any check of the links (`heads` reads them so, and
    // `History`'s field is public).
    check_next(
        &History {
            migrations: migrations.clone(),
        },
        message,
    );
    if let Ok(history) = History::order(migrations, Path::new(DIR)) {
        check_order(&history);
        check_positions(&history);
        if let Some(next) = check_next(&history, message) {
            check_append(history, &next);
        }
    }
});

/// One line from the first revision to the head.
fn check_order(h: &History) {
    for (i, m) in h.migrations.iter().enumerate() {
        let parent = i.checked_sub(1).map(|p| h.migrations[p].revision.as_str());
        assert_eq!(m.parent.as_deref(), parent, "{}", m.revision);
    }
    assert_eq!(h.head(), h.migrations.last());
}

/// Every revision is found at its place, by id and by a prefix.
fn check_positions(h: &History) {
    for (i, m) in h.migrations.iter().enumerate() {
        assert_eq!(h.position(&m.revision).ok(), Some(i), "{}", m.revision);
        for end in [1, 4] {
            let Some(prefix) = m.revision.get(..end) else {
                continue;
            };
            if let Ok(p) = h.position(prefix) {
                assert!(h.migrations[p].revision.starts_with(prefix), "{prefix}");
            }
        }
    }
}

/// The next revision is new and numbered above every number; or the
/// numbering is exhausted, which is an error, not a wrap.
fn check_next(h: &History, message: &str) -> Option<String> {
    let next = match h.next_revision(message) {
        Ok(next) => next,
        Err(Error::NumberingExhausted { .. }) => return None,
        Err(e) => panic!("next_revision: {e}"),
    };
    let number = |r: &str| -> Option<u128> {
        let digits = r.split('_').next()?;
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())?
    };
    let n = number(&next).unwrap_or_else(|| panic!("`{next}` has no number"));
    for m in &h.migrations {
        assert_ne!(m.revision, next);
        if let Some(old) = number(&m.revision) {
            assert!(n > old, "`{next}` is not numbered after `{}`", m.revision);
        }
    }
    Some(next)
}

/// A file written for the next revision, on top of the head, extends the
/// history.
fn check_append(mut h: History, next: &str) {
    let path: PathBuf = Path::new(DIR).join(format!("{next}.sql"));
    let new = Migration {
        revision: next.to_owned(),
        parent: h.head().map(|m| m.revision.clone()),
        message: "next".to_owned(),
        dialect: Default::default(),
        requires: None,
        foreign_keys_off: false,
        data_loss: Vec::new(),
        down_data_loss: Vec::new(),
        replaces: Vec::new(),
        up: String::new(),
        down: None,
        path: path.clone(),
        lines: (0, 0),
        checksum: String::new(),
        text: Default::default(),
    };
    let parsed = match Migration::parse(&new.to_text(), &path) {
        Ok(parsed) => parsed,
        Err(e) => panic!("the next revision's file does not parse: {e}"),
    };
    h.migrations.push(parsed);
    match History::order(h.migrations, Path::new(DIR)) {
        Ok(extended) => assert_eq!(extended.head().map(|m| m.revision.as_str()), Some(next)),
        Err(e) => panic!("the next revision does not extend the history: {e}"),
    }
}
