use stillroom::Model;

#[derive(Model)]
struct Job(String, i64);

fn main() {}
