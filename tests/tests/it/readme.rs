//! The README's quickstart, pasted into a new crate and run as the README
//! says, command by command: generate, start, start again, the CI gate,
//! change a model (the gate fails, saying what to run), generate, start.
//!
//! It builds a crate of its own (stillroom by path, the workspace's lock
//! file), so it takes minutes on a fresh machine: it is ignored by the
//! README's test command and run by `.ci/run`
//! (`cargo test -p stillroom-tests --test it readme -- --ignored`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{TempDir, TestResult};

const README: &str = include_str!("../../../README.md");
const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The fenced block after `<!-- readme: {name} -->`.
fn block(name: &str) -> Result<&'static str, String> {
    let tag = format!("<!-- readme: {name} -->\n");
    let at = README
        .find(&tag)
        .ok_or_else(|| format!("no {tag:?} in the README"))?;
    let fence = at + tag.len();
    let start = fence + README[fence..].find('\n').ok_or("no fence line")? + 1;
    let end = start + README[start..].find("```").ok_or("no closing fence")?;
    Ok(&README[start..end])
}

/// The words of a shell command line, double quotes honoured, the comment
/// after `#` dropped.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            '#' if !quoted => break,
            c if c.is_whitespace() && !quoted => {
                if started {
                    out.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

struct Project {
    dir: TempDir,
}

impl Project {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs a `cargo ...` line of the README in the project.
    fn run(&self, line: &str) -> Result<Output, Box<dyn std::error::Error>> {
        let args = words(line);
        let (program, rest) = args.split_first().ok_or("an empty command")?;
        assert_eq!(program, "cargo", "the README's commands are cargo's");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        // One target directory for every run, beside the workspace's own:
        // the dependencies are built once.
        let target: PathBuf = Path::new(WORKSPACE)
            .join("target")
            .join("readme-quickstart");
        Ok(Command::new(cargo)
            .args(rest)
            .current_dir(self.path())
            .env("CARGO_TARGET_DIR", target)
            .env_remove("RUSTFLAGS")
            .output()?)
    }

    /// Runs each line of a README block; each must succeed.
    fn run_block(&self, name: &str) -> Result<Vec<Output>, Box<dyn std::error::Error>> {
        let mut outputs = Vec::new();
        for line in block(name)?.lines().filter(|l| !l.trim().is_empty()) {
            let output = self.run(line)?;
            assert!(
                output.status.success(),
                "`{line}` failed:\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            outputs.push(output);
        }
        Ok(outputs)
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
#[ignore = "builds a new crate with its own dependencies (minutes of CPU on a fresh machine); .ci/run runs it"]
fn the_readme_quickstart_works_as_pasted() -> TestResult {
    let project = Project {
        dir: TempDir::created("readme-quickstart")?,
    };
    let root = project.path();
    let runtime = Path::new(WORKSPACE).join("runtime").canonicalize()?;
    let dependencies = block("dependencies")?.replace(
        "stillroom = \"0.1\"",
        &format!(
            "stillroom = {{ path = {:?} }}",
            runtime.display().to_string()
        ),
    );
    assert!(dependencies.contains("path ="), "{dependencies}");
    // What `cargo new app` writes, the README's dependencies, and the
    // workspace's optimisation of the bundled SQLite (so its build is the
    // workspace's, shared between runs).
    fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n{dependencies}\n[profile.dev.package.libsqlite3-sys]\nopt-level = 1\n"
        ),
    )?;
    fs::copy(
        Path::new(WORKSPACE).join("Cargo.lock"),
        root.join("Cargo.lock"),
    )?;
    fs::create_dir_all(root.join("src"))?;
    fs::write(root.join("src/main.rs"), block("main.rs")?)?;
    fs::write(root.join("build.rs"), block("build.rs")?)?;

    let build = project.run("cargo build")?;
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(
        !stderr(&build).contains("warning"),
        "the quickstart builds with warnings:\n{}",
        stderr(&build)
    );

    let outputs = project.run_block("commands")?;
    assert!(
        stdout(&outputs[0]).contains("0001_add_jobs.sql"),
        "{}",
        stdout(&outputs[0])
    );
    assert!(root.join("migrations/0001_add_jobs.sql").exists());
    assert!(
        stdout(&outputs[1]).contains("1 queued jobs"),
        "{}",
        stdout(&outputs[1])
    );
    assert!(
        stdout(&outputs[2]).contains("2 queued jobs"),
        "{}",
        stdout(&outputs[2])
    );
    assert!(root.join("app.db").exists());

    // The change the README describes.
    let main = fs::read_to_string(root.join("src/main.rs"))?
        .replace(
            "    created_at: String,\n}",
            "    created_at: String,\n    #[model(default = \"0\")]\n    priority: i64,\n}",
        )
        .replace(
            "        created_at: \"2026-12-06\".into(),\n",
            "        created_at: \"2026-12-06\".into(),\n        priority: 0,\n",
        );
    assert!(
        main.contains("priority: i64") && main.contains("priority: 0"),
        "{main}"
    );
    fs::write(root.join("src/main.rs"), main)?;
    let gate = project.run("cargo test")?;
    assert!(!gate.status.success(), "the CI gate passed a model change");
    let said = stdout(&gate) + &stderr(&gate);
    assert!(
        said.contains("add column `jobs.priority`") && said.contains("db revision --autogenerate"),
        "{said}"
    );

    let outputs = project.run_block("change")?;
    let second = fs::read_to_string(root.join("migrations/0002_job_priority.sql"))?;
    assert!(
        second.contains("ALTER TABLE \"jobs\" ADD COLUMN \"priority\" INTEGER NOT NULL DEFAULT 0;"),
        "{second}"
    );
    assert!(
        stdout(&outputs[1]).contains("3 queued jobs"),
        "{}",
        stdout(&outputs[1])
    );
    assert!(project.run("cargo test")?.status.success());
    Ok(())
}

#[test]
fn the_quickstart_example_is_the_readme_s_code() -> TestResult {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/quickstart");
    assert_eq!(
        fs::read_to_string(format!("{example}/src/main.rs"))?,
        block("main.rs")?,
        "README.md's main.rs and examples/quickstart/src/main.rs must be the same"
    );
    assert_eq!(
        fs::read_to_string(format!("{example}/build.rs"))?,
        block("build.rs")?
    );
    Ok(())
}
