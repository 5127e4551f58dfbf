use stillroom::Model;

#[derive(Model)]
struct Job;

fn main() {}
