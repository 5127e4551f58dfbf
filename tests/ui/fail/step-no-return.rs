use stillroom::Step;

#[stillroom::step]
fn backfill(step: &mut Step<'_>) {
    let _ = step;
}

fn main() {}
