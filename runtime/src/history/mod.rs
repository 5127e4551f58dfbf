//! Migration files: one `.sql` file per revision, with a small header a
//! person can read and a machine can check, and an `up` and a `down` part.
//!
//! ```sql
//! -- stillroom migration
//! -- revision: 0002_add_site
//! -- parent: 0001_initial
//! -- message: add site
//! -- requires: SQLite 3.37.0
//! -- foreign-keys: off
//! -- data-loss: drops column `jobs.legacy` and its values
//!
//! -- migrate:up
//! ALTER TABLE "jobs" ADD COLUMN "site" TEXT;
//!
//! -- migrate:down
//! ALTER TABLE "jobs" DROP COLUMN "site";
//! ```
//!
//! `foreign-keys: off` (written for table rebuilds) makes the runner turn
//! foreign key enforcement off around the migration's transaction and check
//! every foreign key before commit. `data-loss` lines say what the migration
//! loses; they are there only when data loss was allowed. `down-data-loss`
//! lines say what its down part loses or changes: a downgrade past it is
//! refused unless data loss is allowed.

pub(crate) mod embedded;
pub(crate) mod replay;
pub(crate) mod team;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::apply::step::StepMarker;
use crate::dialect::Dialect;
use crate::dialect::sqlite::version::SqliteVersion;
use crate::history::replay::Direction;
use crate::{Error, Result};

const MAGIC: &str = "-- stillroom migration";
const UP: &str = "-- migrate:up";
const DOWN: &str = "-- migrate:down";

/// One stored migration.
///
/// ```
/// use std::path::Path;
/// use stillroom::Migration;
///
/// let text = "\
/// -- stillroom migration
/// -- revision: 0002_seed_tags
/// -- parent: 0001_initial
/// -- message: seed tags
///
/// -- migrate:up
/// INSERT INTO tag (name) VALUES ('rust');
///
/// -- migrate:down
/// DELETE FROM tag WHERE name = 'rust';
/// ";
/// let m = Migration::parse(text, Path::new("migrations/0002_seed_tags.sql"))?;
/// assert_eq!(m.parent.as_deref(), Some("0001_initial"));
/// assert_eq!(m.up, "INSERT INTO tag (name) VALUES ('rust');\n");
/// assert_eq!(m.lines, (7, 10)); // where each part starts, for error messages
/// assert_eq!(m.to_text(), text);
/// # Ok::<(), stillroom::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The revision id (the file name without `.sql`).
    pub revision: String,
    /// The revision it applies on top of; `None` for the first.
    pub parent: Option<String>,
    /// What it does, in the author's words.
    pub message: String,
    /// The database it is written for (`-- dialect: postgres`; SQLite when
    /// the header does not say).
    pub dialect: Dialect,
    /// The oldest SQLite version it needs, as written (`3.37.0`).
    pub requires: Option<String>,
    /// Whether foreign key enforcement must be off while it runs.
    pub foreign_keys_off: bool,
    /// What its `up` part loses, one sentence each (only when data loss was
    /// allowed).
    pub data_loss: Vec<String>,
    /// What its `down` part loses or changes, one sentence each: a
    /// downgrade past it is refused unless data loss is allowed.
    pub down_data_loss: Vec<String>,
    /// The revisions a squash folded into this one (it carries the name of
    /// the range's last): a database that applied them is at this revision.
    pub replaces: Vec<String>,
    /// The `up` SQL.
    pub up: String,
    /// The `down` SQL; `None` when the file has no down part.
    pub down: Option<String>,
    /// Where it was read from (empty for one not yet written).
    pub path: PathBuf,
    /// The 1-based line of the file where `up` and `down` start, to point
    /// errors at the right line.
    pub lines: (usize, usize),
    /// The [`checksum`](crate::checksum) of the file's text.
    pub checksum: String,
    /// The file's text, as written (the embedded text, borrowed, for a
    /// migration embedded in the binary). A revision renamed or renumbered
    /// since a database applied it is recognised by it.
    pub text: Cow<'static, str>,
}

impl Migration {
    /// Every `.sql` file of `dir`, parsed, in file-name order, not yet
    /// checked as a history (see [`History::read`]). A directory that does
    /// not exist has none.
    pub fn read_dir(dir: &Path) -> Result<Vec<Self>> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(Error::Io {
                    path: dir.to_owned(),
                    source,
                });
            }
        };
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|source| Error::Io {
                    path: dir.to_owned(),
                    source,
                })?
                .path();
            if path.extension().is_some_and(|e| e == "sql") {
                paths.push(path);
            }
        }
        paths.sort();
        let mut migrations = Vec::with_capacity(paths.len());
        for path in paths {
            let text = read_text(&path)?;
            let mut migration = Migration::parse_fields(&text, &path)?;
            migration.checksum = crate::checksum(&text);
            migration.text = Cow::Owned(text);
            migrations.push(migration);
        }
        Ok(migrations)
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        let mut out = format!("{MAGIC}\n-- revision: {}\n", self.revision);
        let _ = writeln!(
            out,
            "-- parent: {}",
            self.parent.as_deref().unwrap_or("none")
        );
        let _ = writeln!(out, "-- message: {}", escape(&self.message));
        if self.dialect != Dialect::Sqlite {
            let _ = writeln!(out, "-- dialect: {}", self.dialect.header_name());
        }
        if let Some(requires) = &self.requires {
            let _ = writeln!(out, "-- requires: SQLite {requires}");
        }
        if self.foreign_keys_off {
            out.push_str("-- foreign-keys: off\n");
        }
        for loss in &self.data_loss {
            let _ = writeln!(out, "-- data-loss: {}", escape(loss));
        }
        for loss in &self.down_data_loss {
            let _ = writeln!(out, "-- down-data-loss: {}", escape(loss));
        }
        if !self.replaces.is_empty() {
            let _ = writeln!(out, "-- replaces: {}", self.replaces.join(", "));
        }
        let _ = write!(out, "\n{UP}\n{}", self.up);
        if let Some(down) = &self.down {
            let _ = write!(out, "\n{DOWN}\n{down}");
        }
        out
    }

    /// Parses a migration file's text; `path` names it in errors.
    ///
    /// ```
    /// use std::path::Path;
    /// use stillroom::{Error, Migration};
    ///
    /// let path = Path::new("migrations/0002_tags.sql");
    /// let err = Migration::parse("CREATE TABLE tag (name TEXT);\n", path).unwrap_err();
    /// assert!(matches!(err, Error::MigrationFile { line: 1, .. }));
    /// assert!(err.to_string().starts_with(
    ///     "migrations/0002_tags.sql:1: the file does not start with `-- stillroom migration`"
    /// ));
    /// ```
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let mut m = Self::parse_fields(text, path)?;
        m.text = Cow::Owned(text.to_owned());
        Ok(m)
    }

    /// `text` (a migration file's) with its `-- revision:` and `-- parent:`
    /// header values replaced, every other byte as written: the same file,
    /// renamed or re-parented.
    pub(crate) fn with_header(text: &str, revision: &str, parent: Option<&str>) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        let mut in_header = true;
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            let ending = &line[body.len()..];
            if body.trim_end() == UP {
                in_header = false;
            }
            let value_at = |key: &str| -> Option<usize> {
                let rest = body
                    .strip_prefix("-- ")?
                    .strip_prefix(key)?
                    .strip_prefix(':')?;
                Some(body.len() - rest.trim_start().len())
            };
            match (in_header, value_at("revision"), value_at("parent")) {
                (true, Some(at), _) => {
                    out.push_str(&body[..at]);
                    out.push_str(revision);
                }
                (true, None, Some(at)) => {
                    out.push_str(&body[..at]);
                    out.push_str(parent.unwrap_or("none"));
                }
                _ => out.push_str(body),
            }
            out.push_str(ending);
        }
        out
    }

    /// Parses `text` whose lifetime is the program's (an embedded file),
    /// keeping it borrowed.
    pub(crate) fn parse_static(text: &'static str, path: &Path) -> Result<Self> {
        let mut m = Self::parse_fields(text, path)?;
        m.text = Cow::Borrowed(text);
        Ok(m)
    }

    /// Everything but `text`.
    fn parse_fields(text: &str, path: &Path) -> Result<Self> {
        let bad = |line: usize, message: String| Error::MigrationFile {
            path: path.to_owned(),
            line,
            message,
        };
        let mut m = Migration {
            revision: String::new(),
            parent: None,
            message: String::new(),
            dialect: Default::default(),
            requires: None,
            foreign_keys_off: false,
            data_loss: Vec::new(),
            down_data_loss: Vec::new(),
            replaces: Vec::new(),
            up: String::new(),
            down: None,
            path: path.to_owned(),
            lines: (0, 0),
            checksum: String::new(),
            text: Cow::Borrowed(""),
        };
        let lines: Vec<&str> = text.lines().collect();
        if lines.first().map(|l| l.trim_end()) != Some(MAGIC) {
            let (line, message) = not_a_header(text, &lines);
            return Err(bad(line, message));
        }
        let (mut revision, mut parent) = (None, None);
        let mut revision_line = 1;
        let mut i = 1;
        while i < lines.len() && lines[i].trim_end() != UP {
            let line = lines[i].trim_end();
            if let Some((key, value)) = header_entry(line) {
                match key {
                    // An empty id would only fail later, as a file name that
                    // disagrees or a parent no file has.
                    "revision" | "parent" if value.is_empty() => {
                        let what = if key == "revision" {
                            "the revision id: the file name without `.sql`"
                        } else {
                            "the revision this one applies on top of, or `none` for the first"
                        };
                        return Err(bad(i + 1, format!("`-- {key}:` is empty; write {what}")));
                    }
                    // `-- parent: none` marks the first revision, so a
                    // revision named `none` could never be a parent.
                    "revision" if value == "none" => {
                        return Err(bad(
                            i + 1,
                            "`-- revision: none`: `none` is what `-- parent:` says of the first revision, so it cannot name one; choose another id (and file name)".into(),
                        ));
                    }
                    "revision" => {
                        revision = Some(value.to_owned());
                        revision_line = i + 1;
                    }
                    "parent" => parent = Some(value.to_owned()),
                    "message" => m.message = unescape(value),
                    "requires" => {
                        let version = value.trim_start_matches("SQLite").trim();
                        if let Err(why) = SqliteVersion::parse(version) {
                            return Err(bad(i + 1, format!("`requires: {value}` {why}")));
                        }
                        m.requires = Some(version.to_owned());
                    }
                    "dialect" => {
                        m.dialect = value.parse().map_err(|why: String| bad(i + 1, why))?;
                    }
                    "foreign-keys" if value == "off" => m.foreign_keys_off = true,
                    "foreign-keys" => {
                        return Err(bad(
                            i + 1,
                            format!("`foreign-keys: {value}`: the only value is `off`"),
                        ));
                    }
                    "data-loss" => m.data_loss.push(unescape(value)),
                    "down-data-loss" => m.down_data_loss.push(unescape(value)),
                    "replaces" => m.replaces.extend(
                        value
                            .split(',')
                            .map(str::trim)
                            .filter(|r| !r.is_empty())
                            .map(str::to_owned),
                    ),
                    other => {
                        return Err(bad(
                            i + 1,
                            format!(
                                "unknown header `{other}`; the header knows revision, parent, message, dialect, requires, foreign-keys, data-loss, down-data-loss and replaces"
                            ),
                        ));
                    }
                }
            } else if !line.is_empty() && !line.starts_with("--") {
                return Err(bad(
                    i + 1,
                    format!("SQL before `{UP}`; put statements after that line"),
                ));
            }
            i += 1;
        }
        if i == lines.len() {
            return Err(bad(
                i,
                format!("no `{UP}` line; every migration has an up part that starts with it"),
            ));
        }
        m.revision =
            revision.ok_or_else(|| bad(1, "the header has no `-- revision:` line".into()))?;
        let parent = parent.ok_or_else(|| {
            bad(
                1,
                "the header has no `-- parent:` line (write `none` for the first revision)".into(),
            )
        })?;
        m.parent = (parent != "none").then_some(parent);
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if !stem.is_empty() && stem != m.revision {
            return Err(bad(
                revision_line,
                format!(
                    "the header says revision `{}` but the file is named `{stem}.sql`; the two must agree",
                    m.revision
                ),
            ));
        }
        let body = &lines[i + 1..];
        let down_at = body.iter().position(|l| l.trim_end() == DOWN);
        if let Some(second) =
            down_at.and_then(|d| body[d + 1..].iter().position(|l| l.trim_end() == DOWN))
        {
            return Err(bad(
                i + down_at.unwrap_or(0) + second + 3,
                format!("a second `{DOWN}` line"),
            ));
        }
        if let Some(second) = body.iter().position(|l| l.trim_end() == UP) {
            return Err(bad(i + second + 2, format!("a second `{UP}` line")));
        }
        // A part is the file's text between its marker lines, sliced, not
        // copied line by line (this runs for every file at every startup);
        // its trailing blank lines separate it from the next part.
        let join = |ls: &[&str]| match (ls.first(), ls.last()) {
            (Some(first), Some(last)) => {
                let start = first.as_ptr() as usize - text.as_ptr() as usize;
                let end = last.as_ptr() as usize - text.as_ptr() as usize + last.len();
                let part = text[start..end].trim_end();
                if part.is_empty() {
                    String::new()
                } else {
                    format!("{part}\n")
                }
            }
            _ => String::new(),
        };
        match down_at {
            Some(d) => {
                m.up = join(&body[..d]);
                m.down = Some(join(&body[d + 1..]));
                m.lines = (i + 2, i + d + 3);
            }
            None => {
                m.up = join(body);
                m.lines = (i + 2, 0);
            }
        }
        // Rust step markers (`-- rust: NAME`), checked only where a part
        // may have one: this runs for every file at every startup.
        for (part, first) in [(Some(&m.up), m.lines.0), (m.down.as_ref(), m.lines.1)] {
            if let Some(part) = part.filter(|p| p.contains("rust:")) {
                crate::apply::step::check_part(part, first, m.dialect)
                    .map_err(|(line, why)| bad(line, why))?;
            }
        }
        Ok(m)
    }

    /// The Rust steps a part marks (`-- rust: NAME` lines), in order, with
    /// their lines in the file.
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// use std::path::Path;
    /// use stillroom::{Direction, Migration, StepMarker};
    ///
    /// let text = "-- stillroom migration
    /// -- revision: 0004_tags
    /// -- parent: 0003_x
    /// -- message: tags
    ///
    /// -- migrate:up
    /// CREATE TABLE tag (id INTEGER PRIMARY KEY, job_id INTEGER, label TEXT);
    /// -- rust: move_tags
    ///
    /// -- migrate:down
    /// DROP TABLE tag;
    /// ";
    /// let m = Migration::parse(text, Path::new("0004_tags.sql"))?;
    /// assert_eq!(m.rust_steps(Direction::Up), [StepMarker { name: "move_tags", line: 8 }]);
    /// assert_eq!(m.rust_steps(Direction::Down), []);
    /// # Ok(())
    /// # }
    /// ```
    pub fn rust_steps(&self, direction: Direction) -> Vec<StepMarker<'_>> {
        let (part, first) = match direction {
            Direction::Up => (Some(&self.up), self.lines.0),
            Direction::Down => (self.down.as_ref(), self.lines.1),
        };
        let Some(part) = part.filter(|p| p.contains("rust:")) else {
            return Vec::new();
        };
        crate::apply::step::markers(part)
            .into_iter()
            .map(|(line, name)| StepMarker {
                name,
                line: first.max(1).saturating_add(line - 1),
            })
            .collect()
    }
}

/// Why a file's text does not start with the header, and the line to
/// point at: empty, a byte order mark, a header further down, or not a
/// migration at all.
fn not_a_header(text: &str, lines: &[&str]) -> (usize, String) {
    if text.trim().is_empty() {
        return (
            1,
            format!(
                "the file is empty; a migration starts with `{MAGIC}` (`db revision -m MESSAGE` writes one), so write it or delete the file"
            ),
        );
    }
    if text.starts_with('\u{feff}') {
        return (
            1,
            "the file starts with a byte order mark (U+FEFF, which some editors add); save it as UTF-8 without one".to_owned(),
        );
    }
    if let Some(at) = lines.iter().position(|l| l.trim() == MAGIC) {
        return (
            at + 1,
            format!(
                "`{MAGIC}` is on line {}: the header must be the file's first lines; move it, and the header lines after it, to the top",
                at + 1
            ),
        );
    }
    (
        1,
        format!(
            "the file does not start with `{MAGIC}`: it is not a stillroom migration. If it holds SQL meant to run, put it in a migration (`db revision -m MESSAGE` writes one); otherwise move it out of the migrations directory"
        ),
    )
}

/// A file's text, or where it is not UTF-8.
fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::MigrationFile {
            path: path.to_owned(),
            line,
            message: format!("the file is not UTF-8 (at byte {at}); save it as UTF-8"),
        }
    })
}

/// A header value on one line: a backslash, a line break or a carriage
/// return (a column default can hold them) written as `\\`, `\n`, `\r`.
fn escape(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains(['\\', '\n', '\r']) {
        return value.into();
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.into()
}

/// The inverse of [`escape`]; a backslash before anything else is kept.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `-- key: value` with a key of lower-case letters and dashes.
fn header_entry(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("-- ")?;
    let (key, value) = rest.split_once(':')?;
    let is_key = !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-');
    is_key.then(|| (key, value.trim()))
}

/// A directory's migrations, checked and put in order from the first.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] #[model(table = "note")] struct First { #[model(primary_key)] id: i64, body: String }
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, #[model(index)] body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-history-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &stillroom::ModelSet::new().with::<First>().build()?, "initial", Default::default())?;
/// # stillroom::generate(&dir, &schema, "index note body", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// use stillroom::History;
///
/// let history = History::read(&dir)?;
/// let revisions: Vec<&str> = history.migrations.iter().map(|m| m.revision.as_str()).collect();
/// assert_eq!(revisions, ["0001_initial", "0002_index_note_body"]);
/// assert_eq!(history.head().map(|m| m.revision.as_str()), Some("0002_index_note_body"));
/// assert_eq!(history.position("0002")?, 1); // the start of one revision is enough
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The migrations from the first to the head.
    pub migrations: Vec<Migration>,
}

impl History {
    /// The database its files are written for (SQLite for an empty one).
    ///
    /// ```
    /// assert_eq!(stillroom::History::default().dialect(), stillroom::Dialect::Sqlite);
    /// ```
    pub fn dialect(&self) -> Dialect {
        self.migrations
            .first()
            .map_or(Dialect::Sqlite, |m| m.dialect)
    }

    /// Fails, saying how to go on, unless the history is for `dialect`.
    pub(crate) fn expect_dialect(&self, dialect: Dialect) -> Result<()> {
        match self.migrations.first() {
            Some(m) if m.dialect != dialect => Err(Error::WrongDialect {
                path: m.path.clone(),
                written_for: m.dialect,
                running_on: dialect,
            }),
            _ => Ok(()),
        }
    }

    /// Reads and checks every `.sql` file in `dir`. A directory that does not
    /// exist is an empty history.
    ///
    /// Errors name the files: a malformed header, two files claiming one
    /// revision, a parent no file has, two revisions with one parent (two
    /// heads, as after merging two branches), more than one first revision.
    pub fn read(dir: &Path) -> Result<Self> {
        Self::order(Migration::read_dir(dir)?, dir)
    }

    /// Checks the links between `migrations` and orders them from the first.
    ///
    /// ```
    /// use std::path::Path;
    /// use stillroom::{Error, History, Migration};
    ///
    /// let file = |revision: &str, parent: &str| {
    ///     let text = format!(
    ///         "-- stillroom migration\n-- revision: {revision}\n-- parent: {parent}\n\n-- migrate:up\n"
    ///     );
    ///     Migration::parse(&text, &Path::new("migrations").join(format!("{revision}.sql")))
    /// };
    /// // Two branches, merged, each added a revision on top of the first.
    /// let migrations = vec![
    ///     file("0001_initial", "none")?,
    ///     file("0002_add_tags", "0001_initial")?,
    ///     file("0002_add_site", "0001_initial")?,
    /// ];
    /// let err = History::order(migrations, Path::new("migrations")).unwrap_err();
    /// assert!(matches!(err, Error::InvalidHistory { .. }));
    /// assert!(err.to_string().contains("two heads"));
    /// # Ok::<(), stillroom::Error>(())
    /// ```
    pub fn order(migrations: Vec<Migration>, dir: &Path) -> Result<Self> {
        // One database per history: a file of another dialect is a mistake
        // (copied from another project, or left from before a move).
        if let Some(first) = migrations.first()
            && let Some(other) = migrations.iter().find(|m| m.dialect != first.dialect)
        {
            return Err(Error::InvalidHistory {
                dir: dir.to_owned(),
                message: format!(
                    "{} is written for {} and {} for {}: a history is for one database. Keep the files of the database this application targets (a move to another database starts a new history, generated from the models)",
                    first.path.display(),
                    first.dialect,
                    other.path.display(),
                    other.dialect
                ),
            });
        }
        // The usual case, checked in one pass: the files, in name order, are
        // already one line of distinct revisions. (This runs at every start.)
        let mut seen = std::collections::HashSet::with_capacity(migrations.len());
        let in_line = migrations.iter().enumerate().all(|(i, m)| {
            let parent = if i == 0 {
                None
            } else {
                Some(migrations[i - 1].revision.as_str())
            };
            m.parent.as_deref() == parent && seen.insert(m.revision.as_str())
        });
        if in_line {
            return Ok(Self { migrations });
        }
        let invalid = |message: String| Error::InvalidHistory {
            dir: dir.to_owned(),
            message,
        };
        let mut by_id: BTreeMap<&str, &Migration> = BTreeMap::new();
        for m in &migrations {
            if let Some(other) = by_id.insert(&m.revision, m) {
                return Err(invalid(format!(
                    "revision `{}` is claimed by both {} and {}; rename one of them (file name and `-- revision:`)",
                    m.revision,
                    other.path.display(),
                    m.path.display()
                )));
            }
        }
        // Each revision's one child, by index; a second child is two heads.
        let mut child: BTreeMap<Option<&str>, usize> = BTreeMap::new();
        for (i, m) in migrations.iter().enumerate() {
            if let Some(parent) = &m.parent
                && !by_id.contains_key(parent.as_str())
            {
                return Err(invalid(format!(
                    "{} names parent revision `{parent}`, which no file in the directory has; restore that file or correct `-- parent:`",
                    m.path.display()
                )));
            }
            if let Some(first) = child.insert(m.parent.as_deref(), i) {
                let after = m.parent.as_deref().map_or_else(
                    || "as the first revision".to_owned(),
                    |p| format!("on top of `{p}`"),
                );
                return Err(invalid(format!(
                    "two heads: {} and {} both apply {after} (as after merging two branches); keep one line: `db merge` renumbers and re-parents one branch's files after the other's and checks the result (`stillroom::merge`)",
                    migrations[first].path.display(),
                    m.path.display()
                )));
            }
        }
        // Walk the chain from the first revision, then move the migrations
        // into that order.
        let mut order = Vec::with_capacity(migrations.len());
        let mut next = child.get(&None).copied();
        while let Some(i) = next {
            order.push(i);
            next = child.get(&Some(migrations[i].revision.as_str())).copied();
        }
        if order.len() != migrations.len() {
            let stuck: Vec<String> = (0..migrations.len())
                .filter(|i| !order.contains(i))
                .map(|i| migrations[i].path.display().to_string())
                .collect();
            return Err(invalid(format!(
                "the parents of {} form a cycle, so none of them follows from the first revision; each `-- parent:` must name an earlier revision",
                stuck.join(", ")
            )));
        }
        drop((child, by_id));
        let mut slots: Vec<Option<Migration>> = migrations.into_iter().map(Some).collect();
        let ordered = order.into_iter().filter_map(|i| slots[i].take()).collect();
        Ok(Self {
            migrations: ordered,
        })
    }

    /// The position of `revision`: an id, or the start of exactly one id
    /// (`0002` for `0002_add_site`).
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-position-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// assert_eq!(history.position("0001_initial")?, 0);
    /// assert_eq!(history.position("0001")?, 0);
    /// let err = history.position("0009").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "no revision `0009` in the migrations; they are `0001_initial`"
    /// );
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn position(&self, revision: &str) -> Result<usize> {
        let ms = &self.migrations;
        if let Some(i) = ms.iter().position(|m| m.revision == revision) {
            return Ok(i);
        }
        let matches: Vec<usize> = (0..ms.len())
            .filter(|&i| ms[i].revision.starts_with(revision))
            .collect();
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::BadTarget {
                message: format!(
                    "no revision `{revision}` in the migrations; they are {}",
                    self.listing(0..ms.len())
                ),
            }),
            many => Err(Error::BadTarget {
                message: format!(
                    "`{revision}` is the start of several revisions ({}); write more of it",
                    many.iter()
                        .map(|&i| format!("`{}`", ms[i].revision))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }

    /// The revisions in `range`, named for a message: all of them when
    /// there are a few, else the first and last three.
    fn listing(&self, range: std::ops::Range<usize>) -> String {
        let names: Vec<String> = self.migrations[range]
            .iter()
            .map(|m| format!("`{}`", m.revision))
            .collect();
        match names.len() {
            0 => "none (the directory holds no migration)".to_owned(),
            n if n <= 8 => names.join(", "),
            n => format!(
                "{}, ... {} (`history` lists all {n})",
                names[..3].join(", "),
                names[n - 3..].join(", ")
            ),
        }
    }

    /// The last revision, if any.
    pub fn head(&self) -> Option<&Migration> {
        self.migrations.last()
    }

    /// The file name for a new revision after these: the next number and a
    /// slug of `message` (`0003_add_client_task`). The number is one more
    /// than the largest a revision starts with, zero-padded as wide as the
    /// widest (at least four digits), so the new file sorts after the others.
    ///
    /// Fails with [`Error::NumberingExhausted`] when a revision's number is
    /// the largest stillroom counts to (`u64::MAX`) or beyond.
    ///
    /// ```
    /// let history = stillroom::History::default();
    /// assert_eq!(history.next_revision("Add client task!")?, "0001_add_client_task");
    /// # Ok::<(), stillroom::Error>(())
    /// ```
    pub fn next_revision(&self, message: &str) -> Result<String> {
        let mut largest: Option<(u64, &Migration)> = None;
        let mut width = 4;
        for m in &self.migrations {
            let Some(digits) = leading_number(&m.revision) else {
                continue;
            };
            width = width.max(digits.len());
            let n = digits
                .parse::<u64>()
                .map_err(|_| numbering_exhausted(m, digits))?;
            if largest.is_none_or(|(max, _)| n > max) {
                largest = Some((n, m));
            }
        }
        let number = match largest {
            None => 1,
            Some((n, m)) => n
                .checked_add(1)
                .ok_or_else(|| numbering_exhausted(m, &n.to_string()))?,
        };
        let slug = slug(message);
        Ok(if slug.is_empty() {
            format!("{number:0width$}")
        } else {
            format!("{number:0width$}_{slug}")
        })
    }
}

/// The number a revision starts with: its digits before the first `_`
/// (`0003` for `0003_add_site`), if that is all digits.
fn leading_number(revision: &str) -> Option<&str> {
    let first = revision.split('_').next()?;
    let digits = !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit());
    digits.then_some(first)
}

fn numbering_exhausted(m: &Migration, number: &str) -> Error {
    Error::NumberingExhausted {
        revision: m.revision.clone(),
        path: m.path.clone(),
        number: number.to_owned(),
    }
}

/// `message` as a file name part: lower-case ASCII letters and digits,
/// single underscores between words, at most 48 characters.
fn slug(message: &str) -> String {
    let mut slug: String = message
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while slug.contains("__") {
        slug = slug.replace("__", "_");
    }
    let slug: String = slug.trim_matches('_').chars().take(48).collect();
    slug.trim_end_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migration(revision: &str, parent: Option<&str>) -> Migration {
        Migration {
            revision: revision.into(),
            parent: parent.map(Into::into),
            message: "m".into(),
            dialect: Default::default(),
            requires: Some("3.37.0".into()),
            foreign_keys_off: true,
            data_loss: vec!["drops column `a.b` and its values".into()],
            down_data_loss: vec!["drops table `a` and all its rows".into()],
            replaces: Vec::new(),
            up: "CREATE TABLE a (b TEXT);\n".into(),
            down: Some("DROP TABLE a;\n".into()),
            path: PathBuf::from(format!("{revision}.sql")),
            lines: (0, 0),
            checksum: String::new(),
            text: Default::default(),
        }
    }

    #[test]
    fn text_round_trips() -> Result<()> {
        let m = migration("0001_init", None);
        let text = m.to_text();
        assert!(
            text.starts_with("-- stillroom migration\n-- revision: 0001_init\n-- parent: none\n"),
            "{text}"
        );
        let back = Migration::parse(&text, Path::new("0001_init.sql"))?;
        assert_eq!(back.lines, (11, 14));
        assert_eq!(back.text, text);
        assert_eq!(
            Migration {
                lines: (0, 0),
                text: Default::default(),
                ..back
            },
            m
        );
        Ok(())
    }

    #[test]
    fn header_errors_name_the_line() {
        let cases = [
            ("CREATE TABLE x (a);", "does not start with"),
            (
                "-- stillroom migration\n-- revision: 0001\n-- parnet: none\n-- migrate:up\n",
                "unknown header `parnet`",
            ),
            (
                "-- stillroom migration\n-- revision: 0001\n-- parent: none\n",
                "no `-- migrate:up` line",
            ),
            (
                "-- stillroom migration\n-- parent: none\n-- migrate:up\n",
                "no `-- revision:` line",
            ),
            (
                "-- stillroom migration\n-- revision: 0009\n-- parent: none\n-- migrate:up\n",
                "file is named `0001.sql`",
            ),
            (
                "-- stillroom migration\n-- revision: 0001\n-- parent: none\nDROP TABLE x;\n-- migrate:up\n",
                "SQL before",
            ),
        ];
        for (text, expected) in cases {
            let err = Migration::parse(text, Path::new("0001.sql"))
                .map(|_| ())
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{err}");
            assert!(err.contains("0001.sql"), "{err}");
        }
    }

    #[test]
    fn history_orders_and_finds_heads() -> Result<()> {
        let dir = Path::new("migrations");
        let h = History::order(
            vec![
                migration("0002_b", Some("0001_a")),
                migration("0001_a", None),
            ],
            dir,
        )?;
        assert_eq!(h.head().map(|m| m.revision.as_str()), Some("0002_b"));
        assert_eq!(h.next_revision("Add client task!")?, "0003_add_client_task");

        let two_heads = History::order(
            vec![
                migration("0001_a", None),
                migration("0002_b", Some("0001_a")),
                migration("0002_c", Some("0001_a")),
            ],
            dir,
        );
        let err = two_heads.map(|_| ()).unwrap_err().to_string();
        assert!(
            err.contains("two heads") && err.contains("0002_b.sql") && err.contains("0002_c.sql"),
            "{err}"
        );

        let missing = History::order(vec![migration("0002_b", Some("0001_a"))], dir)
            .map(|_| ())
            .unwrap_err();
        assert!(
            missing.to_string().contains("parent revision `0001_a`"),
            "{missing}"
        );

        let twice = History::order(
            vec![migration("0001_a", None), migration("0001_a", None)],
            dir,
        )
        .map(|_| ())
        .unwrap_err();
        assert!(twice.to_string().contains("claimed by both"), "{twice}");
        Ok(())
    }
}
