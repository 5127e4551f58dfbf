//! The migration-file parser, its `to_text` round trip, and the checksum.
//!
//! Any text is a file someone may have put in a migrations directory: it
//! parses or is refused with an error, never a panic; what parses writes back
//! to text that parses to the same migration; and the checksum ignores
//! exactly what it says it ignores (line endings, trailing blanks).

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stillroom::{__fuzz, Error, Migration, checksum};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_checksum(&text);
    let lines = text.lines().count();
    let m = match Migration::parse(&text, Path::new("")) {
        Ok(m) => m,
        // An error points at a line of the file (or just past its end).
        Err(Error::MigrationFile { line, .. }) => {
            assert!((1..=lines + 1).contains(&line), "line {line} of {lines}");
            return;
        }
        Err(e) => panic!("not a file error: {e}"),
    };
    assert!(
        (1..=lines + 1).contains(&m.lines.0) && m.lines.1 <= lines + 1,
        "{:?} outside {lines} lines",
        m.lines
    );
    if let Some(requires) = &m.requires {
        assert!(
            __fuzz::sqlite_version_number(requires).is_ok(),
            "{requires}"
        );
    }
    let written = m.to_text();
    let again = match Migration::parse(&written, Path::new("")) {
        Ok(again) => again,
        Err(e) => panic!("to_text wrote what parse refuses: {e}\n{written}"),
    };
    // The same migration, but for where its parts start and the text
    // itself (the file as written is kept; `to_text` writes it anew).
    assert_eq!(
        Migration {
            lines: m.lines,
            text: m.text.clone(),
            ..again.clone()
        },
        m,
        "{written}"
    );
    assert_eq!(again.to_text(), written);
    // The same file under a name that agrees with its revision.
    if !m.revision.contains(['/', '\\']) {
        let _ = Migration::parse(&text, Path::new(&format!("{}.sql", m.revision)));
    }
});

fn check_checksum(text: &str) {
    let sum = checksum(text);
    assert_eq!(sum.len(), 64);
    let crlf = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n");
    assert_eq!(checksum(&crlf), sum);
    assert_eq!(checksum(&format!("{text} \t\n\n  \r\n")), sum);
}
