use stillroom::{Step, StepResult};

#[stillroom::step]
async fn backfill(step: &mut Step<'_>) -> StepResult {
    let _ = step;
    Ok(())
}

fn main() {}
