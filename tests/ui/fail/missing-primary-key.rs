use stillroom::Model;

#[derive(Model)]
struct Job {
    id: String,
    status: String,
}

fn main() {}
