//! The SQLite version a migration `requires`, read from a header a person
//! may have typed, so with checked arithmetic and an error that says what a
//! version looks like.

/// An SQLite version: 3.x.y. SQLite numbers its versions `3xxxyyy`
/// (`sqlite3_libversion_number`, 3.37.0 is 3037000), so x and y are below
/// 1000; its major version is 3 and its authors keep it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SqliteVersion {
    minor: u16,
    patch: u16,
}

/// The versions stillroom writes into `requires`, named in errors as a
/// reminder of the form: `render.rs` asks for 3.8.0 at least and 3.37.0 at
/// most (STRICT); keep this in step with it.
const WRITTEN: &str = "stillroom writes 3.8.0 up to 3.37.0";

impl SqliteVersion {
    /// Reads `3.37.0`, `3.37` or `3` (missing parts are 0). The error says
    /// why `text` is not a version, what one looks like, and which SQLite
    /// this program runs, for a message that starts with the header line.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        Self::read(text).map_err(|why| {
            format!(
                "is not a version of SQLite: {why}. SQLite's versions are 3.x.y with x and y below 1000, like `3.37.0` ({WRITTEN}; this program runs SQLite {})",
                rusqlite::version()
            )
        })
    }

    fn read(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("it is empty".into());
        }
        let parts: Vec<&str> = text.split('.').map(str::trim).collect();
        let [major, rest @ ..] = parts.as_slice() else {
            return Err("it is empty".into());
        };
        if rest.len() > 2 {
            return Err("it has more than three parts".into());
        }
        if *major != "3" {
            return Err(match did_you_mean(major, rest) {
                Some(guess) => {
                    format!("its first part is `{major}`, not 3 (did you mean `{guess}`?)")
                }
                None => format!("its first part is `{major}`, not 3"),
            });
        }
        let minor = rest.first().map_or(Ok(0), |p| part(p))?;
        let patch = rest.get(1).map_or(Ok(0), |p| part(p))?;
        Ok(Self { minor, patch })
    }

    /// The number SQLite gives this version (3.37.0 is 3037000), to compare
    /// with `sqlite3_libversion_number`.
    pub(crate) fn number(self) -> i32 {
        // Both parts are below 1000, so this is at most 3_999_999.
        3_000_000 + 1_000 * i32::from(self.minor) + i32::from(self.patch)
    }
}

/// A minor or patch part: digits, below 1000.
fn part(text: &str) -> Result<u16, String> {
    if text.is_empty() {
        return Err("a part is empty".into());
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` is not a number"));
    }
    // Too many digits for u16 is as much "above 999" as 1000 is.
    text.parse::<u16>()
        .ok()
        .filter(|n| *n < 1000)
        .ok_or_else(|| format!("`{text}` is above 999"))
}

/// `3037.0` and `337` are 3.37.0 with the first dot left out.
fn did_you_mean(major: &str, rest: &[&str]) -> Option<String> {
    let minor = part(major.strip_prefix('3')?).ok()?;
    let patch = match rest {
        [] => 0,
        [patch] => part(patch).ok()?,
        _ => return None,
    };
    Some(format!("3.{minor}.{patch}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_and_numbers_them_as_sqlite_does() -> Result<(), String> {
        assert_eq!(SqliteVersion::parse("3.37.0")?.number(), 3_037_000);
        assert_eq!(SqliteVersion::parse("3.8")?.number(), 3_008_000);
        assert_eq!(SqliteVersion::parse("3")?.number(), 3_000_000);
        assert_eq!(SqliteVersion::parse("3.999.999")?.number(), 3_999_999);
        assert_eq!(SqliteVersion::parse(" 3 . 45 . 1 ")?.number(), 3_045_001);
        Ok(())
    }

    #[test]
    fn refuses_what_is_not_a_version_and_says_why() {
        let cases = [
            (
                "3037.0",
                "first part is `3037`, not 3 (did you mean `3.37.0`?)",
            ),
            ("3037", "did you mean `3.37.0`?"),
            ("337.2", "did you mean `3.37.2`?"),
            ("99.0.0", "first part is `99`, not 3"),
            ("4294967296.0.0", "first part is `4294967296`, not 3"),
            ("3.1000", "`1000` is above 999"),
            (
                "3.37.99999999999999999999",
                "`99999999999999999999` is above 999",
            ),
            ("3.37.0.1", "more than three parts"),
            ("3..1", "a part is empty"),
            ("three", "first part is `three`, not 3"),
            ("3.+1", "`+1` is not a number"),
            ("", "it is empty"),
        ];
        for (text, why) in cases {
            let err = SqliteVersion::parse(text).map(|_| ()).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
            assert!(err.contains("like `3.37.0`"), "{text}: {err}");
        }
    }
}
