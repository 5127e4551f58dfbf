use stillroom::{Step, StepResult};

#[stillroom::step(name = "back-fill")]
fn backfill(step: &mut Step<'_>) -> StepResult {
    let _ = step;
    Ok(())
}

fn main() {}
