use stillroom::StepResult;

// The connection alone is not enough: a step takes the `Step`.
#[stillroom::step]
fn backfill(conn: &stillroom::rusqlite::Connection) -> StepResult {
    let _ = conn;
    Ok(())
}

fn main() {}
