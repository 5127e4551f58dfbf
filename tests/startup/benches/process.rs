//! The whole no-op startup as processes: `startup-stillroom` (open +
//! `stillroom::migrate` over 300 models and 1,000 embedded revisions)
//! against `startup-rusqlite` (hand-written: open + read the ledger), on
//! the same up-to-date database, run alternately so a drift in the
//! machine's speed moves both. Prints wall time (min, median, max), the
//! ratio pair by pair, and, when `/usr/bin/time` is there, peak memory.
//!
//! Run: `cargo bench -p stillroom-startup`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 60;
const MEMORY_RUNS: usize = 15;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stillroom = env!("CARGO_BIN_EXE_startup-stillroom");
    let rusqlite = env!("CARGO_BIN_EXE_startup-rusqlite");
    let dir = std::env::temp_dir().join(format!("stillroom-process-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("app.db");
    run(stillroom, &db)?; // creates the database: applies the 1,000 revisions
    for _ in 0..3 {
        run(stillroom, &db)?;
        run(rusqlite, &db)?;
    }
    let (mut a, mut b, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let ta = run(stillroom, &db)?;
        let tb = run(rusqlite, &db)?;
        ratio.push(ta.as_secs_f64() / tb.as_secs_f64());
        a.push(ta.as_secs_f64() * 1e3);
        b.push(tb.as_secs_f64() * 1e3);
    }
    println!("whole process, no-op startup, {RUNS} runs each, alternating: min / median / max");
    print_row("startup-stillroom, wall ms", &mut a, 3);
    print_row("startup-rusqlite, wall ms", &mut b, 3);
    print_row("ratio (pair by pair)", &mut ratio, 2);
    if Path::new("/usr/bin/time").exists() {
        let (mut a, mut b, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..MEMORY_RUNS {
            let (pa, pb) = (peak_kib(stillroom, &db)?, peak_kib(rusqlite, &db)?);
            ratio.push(pa / pb);
            a.push(pa);
            b.push(pb);
        }
        print_row("startup-stillroom, peak KiB", &mut a, 0);
        print_row("startup-rusqlite, peak KiB", &mut b, 0);
        print_row("ratio (pair by pair)", &mut ratio, 2);
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Runs `program DB` to the end; its wall time, start-up included.
fn run(program: &str, db: &Path) -> Result<Duration, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let status = Command::new(program)
        .arg(db)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()?;
    let elapsed = started.elapsed();
    if !status.success() {
        return Err(format!("{program} failed: {status}").into());
    }
    Ok(elapsed)
}

/// The peak resident memory of one run of `program DB`, as GNU time reports it.
fn peak_kib(program: &str, db: &Path) -> Result<f64, Box<dyn std::error::Error>> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M", program])
        .arg(db)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .output()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let last = text.lines().last().unwrap_or_default().trim();
    Ok(last
        .parse()
        .map_err(|_| format!("unexpected /usr/bin/time output: {text}"))?)
}

fn print_row(what: &str, values: &mut [f64], digits: usize) {
    values.sort_by(f64::total_cmp);
    println!(
        "{what:<30} {:>9.digits$} {:>9.digits$} {:>9.digits$}",
        values[0],
        values[values.len() / 2],
        values[values.len() - 1]
    );
}
